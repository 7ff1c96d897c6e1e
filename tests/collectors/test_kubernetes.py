"""The Kubernetes collector (official client) against a stand-in API server's list endpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.pipeline import collect_bundle, diagnose
from collectors import BundleCollector
from collectors.kubernetes import KubernetesSource
from collectors.live import LiveCollector, record
from tests.conftest import INCIDENTS
from tests.standins.kube_api import KubeApiStandIn

TOKEN = "kube-token"


def objects(bundle: str) -> list[dict]:
    out = []
    for file in (INCIDENTS / bundle / "kubernetes").glob("*.json"):
        out += json.loads(file.read_text())["response"]["items"]
    return out


@pytest.fixture
def api():
    standin = KubeApiStandIn(TOKEN, objects("node-failure") + objects("inventory-routing"))
    yield standin
    standin.close()


def scope(bundle: str):
    return BundleCollector(INCIDENTS / bundle).collect().scope


def test_lists_every_kind_as_a_kubectl_list(api: KubeApiStandIn) -> None:
    source = KubernetesSource("eks-prod", ["shop"], host=api.url, token=TOKEN)
    (document,) = source.fetch(scope("node-failure"))
    body = document.body["response"]
    assert body["kind"] == "List"
    kinds = {item["kind"] for item in body["items"]}
    assert kinds == {"Event", "Pod", "Service", "Endpoints", "Node"}
    assert all(item["apiVersion"] for item in body["items"])
    assert "/api/v1/nodes" in api.requests and "/apis/apps/v1/namespaces/shop/replicasets" in api.requests


def test_large_lists_are_read_page_by_page_up_to_the_limit(monkeypatch) -> None:
    pods = [
        {"kind": "Pod", "metadata": {"name": f"worker-{i:04d}", "namespace": "batch"}, "status": {"phase": "Running"}}
        for i in range(1203)
    ]
    node = {"kind": "Node", "metadata": {"name": "pool-a-1"}, "status": {"conditions": [{"type": "Ready"}]}}
    standin = KubeApiStandIn(TOKEN, [*pods, node])
    monkeypatch.setattr("collectors.kubernetes.PAGE_SIZE", 500)
    try:
        (document,) = KubernetesSource("gke", ["batch"], host=standin.url, token=TOKEN).fetch(scope("node-failure"))
        names = [i["metadata"]["name"] for i in document.body["response"]["items"] if i["kind"] == "Pod"]
        assert names == [p["metadata"]["name"] for p in pods]  # all of them, once, in order
        pages = [q for path, q in zip(standin.requests, standin.queries, strict=True) if path.endswith("/pods")]
        assert [q["limit"] for q in pages] == [["500"], ["500"], ["500"]]
        assert "continue" not in pages[0] and all(q["continue"] for q in pages[1:])

        (capped,) = KubernetesSource("gke", ["batch"], host=standin.url, token=TOKEN, max_items=700).fetch(
            scope("node-failure")
        )
        capped_items = capped.body["response"]["items"]
        assert sum(i["kind"] == "Pod" for i in capped_items) == 700
        assert [i["metadata"]["name"] for i in capped_items if i["kind"] == "Node"] == ["pool-a-1"]  # listed last
    finally:
        standin.close()


@pytest.mark.parametrize(
    ("bundle", "category", "resource"),
    [
        ("node-failure", "node_failure", "general-c"),
        ("inventory-routing", "routing_misconfig", "inventory"),
    ],
)
def test_a_recorded_collection_diagnoses_like_the_live_run(
    tmp_path: Path, bundle: str, category: str, resource: str
) -> None:
    api = KubeApiStandIn(TOKEN, objects(bundle))
    try:
        live = LiveCollector([KubernetesSource("eks-prod", ["shop"], host=api.url, token=TOKEN)]).collect(scope(bundle))
    finally:
        api.close()
    out = diagnose(live).to_json()
    assert (out["diagnosis"]["category"], out["diagnosis"]["resource"]) == (category, resource)
    recorded = record(live, tmp_path / "recorded")
    assert BundleCollector(recorded).problems() == []
    assert diagnose(collect_bundle(recorded)).to_json() == out


def test_a_wrong_token_is_named_missing(api: KubeApiStandIn) -> None:
    evidence = LiveCollector([KubernetesSource("eks-prod", ["shop"], host=api.url, token="nope")]).collect(
        scope("node-failure")
    )
    assert [s.source for s in evidence.missing_sources] == ["kubernetes:eks-prod"]
    assert "401" in evidence.missing_sources[0].error or "Unauthorized" in evidence.missing_sources[0].error


CERTIFICATE = {  # cert-manager's Certificate whose renewal failed, as the API server returns it
    "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
    "metadata": {"name": "ledger-tls", "namespace": "shop"},
    "spec": {"secretName": "ledger-tls", "dnsNames": ["ledger.shop.svc"], "issuerRef": {"name": "internal-ca"}},
    "status": {"notAfter": "2026-11-30T09:00:00Z", "conditions": [{
        "type": "Ready", "status": "False", "reason": "Expired",
        "message": "Certificate expired on Mon, 30 Nov 2026 09:00:00 UTC"}]},
}  # fmt: skip


def test_cert_manager_certificates_are_listed_where_the_crd_is_installed() -> None:
    installed = KubeApiStandIn(TOKEN, [CERTIFICATE], cert_manager=True)
    missing = KubeApiStandIn(TOKEN, [CERTIFICATE])  # no CRD: its list is a 404
    try:
        (document,) = KubernetesSource("eks-prod", ["shop"], host=installed.url, token=TOKEN).fetch(
            scope("ledger-cert")
        )
        (cert,) = [i for i in document.body["response"]["items"] if i["kind"] == "Certificate"]
        assert cert["apiVersion"] == "cert-manager.io/v1" and cert["metadata"]["name"] == "ledger-tls"
        assert "/apis/cert-manager.io/v1/namespaces/shop/certificates" in installed.requests
        (document,) = KubernetesSource("eks-prod", ["shop"], host=missing.url, token=TOKEN).fetch(scope("ledger-cert"))
        assert not [i for i in document.body["response"]["items"] if i["kind"] == "Certificate"]
    finally:
        installed.close()
        missing.close()
