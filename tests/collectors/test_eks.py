"""EKS from AWS credentials: the token `aws eks get-token` makes, checked as an EKS API server checks it
(signature, signed cluster header, age) and then run against moto's STS server; the endpoint and CA from
moto's DescribeCluster; a token made again before it runs out; the Kubernetes source end to end."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Any

import boto3
import pytest

from collectors import _eks
from collectors._eks import EksAuth, EksTarget
from collectors.base import ClusterContext, Scope, Window
from collectors.kubernetes import KubernetesConfig, _ca_file, live
from tests.standins.eks_auth import EksTokenVerifier
from tests.standins.kube_api import KubeApiStandIn

REGION = "eu-west-1"


@pytest.fixture
def cluster(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": REGION}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    eks = boto3.client("eks", region_name=REGION, endpoint_url=moto_url)
    name = f"prod-{len(eks.list_clusters()['clusters'])}"
    eks.create_cluster(name=name, roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig={},
                       version="1.30")  # fmt: skip
    return name


def _verifier(cluster: str, moto_url: str) -> EksTokenVerifier:
    return EksTokenVerifier(cluster, moto_url, {"testing": "testing"})


def test_the_token_is_accepted_by_what_checks_it_as_eks_does(cluster: str, moto_url: str) -> None:
    auth = EksAuth(EksTarget(cluster, endpoint_url=moto_url), REGION)
    token = auth.bearer()
    assert token.startswith("k8s-aws-v1.") and "=" not in token
    url = base64.urlsafe_b64decode(token[11:] + "=" * (-len(token[11:]) % 4)).decode()
    assert "Action=GetCallerIdentity" in url and "x-k8s-aws-id" in url  # the cluster header is signed
    verifier = _verifier(cluster, moto_url)
    assert verifier(token), verifier.refusals


def test_a_token_for_another_cluster_or_tampered_with_is_refused(cluster: str, moto_url: str) -> None:
    verifier = _verifier(cluster, moto_url)
    other = EksAuth(EksTarget("someone-elses", endpoint_url=moto_url), REGION).bearer()
    assert not verifier(other) and verifier.refusals[-1] == "signature does not match"
    good = EksAuth(EksTarget(cluster, endpoint_url=moto_url), REGION).bearer()
    url = base64.urlsafe_b64decode(good[11:] + "=" * (-len(good[11:]) % 4)).decode()
    forged = url.replace("Action=GetCallerIdentity", "Action=GetCallerIdentity&Extra=1")
    assert not verifier("k8s-aws-v1." + base64.urlsafe_b64encode(forged.encode()).decode().rstrip("="))
    assert not verifier("Bearer nonsense") and verifier.refusals[-1] == "not a k8s-aws-v1 token"


def test_an_expired_token_is_refused_and_made_again_before_it_runs_out(
    cluster: str, moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.auth

    now = [1_000_000.0]
    auth = EksAuth(EksTarget(cluster, endpoint_url=moto_url), REGION, clock=lambda: now[0])
    signed_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=20)
    with monkeypatch.context() as patched:  # a token signed 20 minutes ago, as one kept too long would be
        patched.setattr(botocore.auth, "get_current_datetime", lambda *a, **k: signed_at)
        stale = auth.bearer()
    verifier = _verifier(cluster, moto_url)
    assert not verifier(stale) and verifier.refusals[-1] == "expired"
    now[0] += 60
    assert auth.bearer() == stale  # within its 14 minutes the same token is used
    now[0] += _eks.TOKEN_SECONDS
    fresh = auth.bearer()
    assert fresh != stale and verifier(fresh), verifier.refusals


def test_endpoint_and_ca_come_from_describe_cluster(cluster: str, moto_url: str) -> None:
    boto = boto3.client("eks", region_name=REGION, endpoint_url=moto_url)
    described = boto.describe_cluster(name=cluster)["cluster"]
    host, ca = EksAuth(EksTarget(cluster, endpoint_url=moto_url), REGION).endpoint()
    assert host == described["endpoint"]
    assert ca == base64.b64decode(described["certificateAuthority"]["data"])
    assert Path(_ca_file(ca)).read_bytes() == ca and _ca_file(ca) == _ca_file(ca)  # written once, for the client


def test_the_kubernetes_source_reads_an_eks_cluster_with_the_token(cluster: str, moto_url: str) -> None:
    pod: dict[str, Any] = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "checkout-7d9f8b6c5d-x2x9k",
                           "namespace": "shop"}, "status": {"phase": "Running"}}  # fmt: skip
    verifier = _verifier(cluster, moto_url)
    api = KubeApiStandIn("unused", [pod], authorize=verifier)
    try:
        config = KubernetesConfig(host=api.url, eks=EksTarget(cluster, endpoint_url=moto_url))
        context = ClusterContext("eks-prod", "aws", REGION, None, "checkout", "shop", lambda name: None)
        window = Window(dt.datetime(2026, 11, 20, 5, tzinfo=dt.UTC), dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC))
        [document] = live(config, context).fetch(Scope("checkout", window, "checkout"))
    finally:
        api.close()
    assert verifier.refusals == [] and api.bearers and all(b.startswith("k8s-aws-v1.") for b in api.bearers)
    assert [i["metadata"]["name"] for i in document.body["response"]["items"] if i["kind"] == "Pod"] == [
        "checkout-7d9f8b6c5d-x2x9k"
    ]


def test_the_settings_take_an_eks_block_and_refuse_unknown_keys() -> None:
    from pydantic import TypeAdapter, ValidationError

    adapter = TypeAdapter(KubernetesConfig)
    assert adapter.validate_python({"eks": {"name": "prod", "region": "eu-west-1"}}).eks == EksTarget(
        "prod", "eu-west-1"
    )
    with pytest.raises(ValidationError, match="clustr"):
        adapter.validate_python({"eks": {"name": "prod", "clustr": "x"}})
