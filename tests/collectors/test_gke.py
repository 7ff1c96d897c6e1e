"""GKE from the service account: the access token from the metadata server (refused by the Container API
and the cluster when it is not one the metadata server issued), fetched again before it expires; the
endpoint and CA from `clusters.get`; the Kubernetes source end to end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from collectors._gke import GkeAuth, GkeTarget
from collectors.base import ClusterContext, Scope, Window
from collectors.kubernetes import KubernetesConfig, live
from tests.standins.gce_metadata import MetadataServer
from tests.standins.gke_api import ContainerApiStandIn
from tests.standins.kube_api import KubeApiStandIn

CA = b"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUgke\n-----END CERTIFICATE-----\n"
CLUSTER = ("acme-prod", "europe-west1", "gke-prod")


@pytest.fixture
def metadata():
    server = MetadataServer()
    yield server
    server.close()


@pytest.fixture
def container(metadata: MetadataServer):
    api = ContainerApiStandIn({CLUSTER: ("34.76.1.2", CA)}, lambda token: token in metadata.access_tokens)
    yield api
    api.close()


def _target(metadata: MetadataServer, container: ContainerApiStandIn, name: str = CLUSTER[2]) -> GkeTarget:
    return GkeTarget(CLUSTER[0], CLUSTER[1], name, metadata_url=metadata.url, container_url=container.url)


def test_endpoint_and_ca_from_the_container_api_with_the_accounts_token(metadata, container) -> None:
    host, ca = GkeAuth(_target(metadata, container)).endpoint()
    assert (host, ca) == ("https://34.76.1.2", CA)
    assert container.requests == ["/v1/projects/acme-prod/locations/europe-west1/clusters/gke-prod"]


def test_a_token_not_from_the_metadata_server_or_an_unknown_cluster_is_refused(metadata, container) -> None:
    import requests

    url = f"{container.url}/v1/projects/acme-prod/locations/europe-west1/clusters/gke-prod"
    refused = requests.get(url, headers={"Authorization": "Bearer ya29.forged"}, timeout=5)
    assert refused.status_code == 401 and refused.json()["error"]["status"] == "UNAUTHENTICATED"
    with pytest.raises(requests.HTTPError, match="404"):
        GkeAuth(_target(metadata, container, name="gke-gone")).endpoint()


def test_the_token_is_fetched_again_before_it_expires(metadata, container) -> None:
    now = [1_000_000.0]
    auth = GkeAuth(_target(metadata, container), clock=lambda: now[0])
    first = auth.bearer()
    now[0] += 3000
    assert auth.bearer() == first  # still 599 s to go
    now[0] += 560  # within a minute of its expiry
    second = auth.bearer()
    assert second != first and metadata.access_tokens == [first, second]


def test_the_kubernetes_source_reads_a_gke_cluster_with_the_token(metadata, container) -> None:
    pod: dict[str, Any] = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "cart-5f7d8c9b6-q2w4z",
                           "namespace": "shop"}, "status": {"phase": "Running"}}  # fmt: skip
    api = KubeApiStandIn("unused", [pod], authorize=lambda bearer: bearer in metadata.access_tokens)
    try:
        config = KubernetesConfig(host=api.url, gke=_target(metadata, container))
        context = ClusterContext("gke-prod", "gcp", "europe-west1", "acme-prod", "cart", "shop", lambda name: None)
        window = Window(dt.datetime(2026, 11, 20, 5, tzinfo=dt.UTC), dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC))
        [document] = live(config, context).fetch(Scope("cart", window, "cart"))
    finally:
        api.close()
    assert api.bearers and all(b in metadata.access_tokens for b in api.bearers)
    assert [i["metadata"]["name"] for i in document.body["response"]["items"] if i["kind"] == "Pod"] == [
        "cart-5f7d8c9b6-q2w4z"
    ]
