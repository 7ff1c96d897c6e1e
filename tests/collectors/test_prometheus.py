"""The Prometheus collector against a real Prometheus, data backfilled with promtool."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.pipeline import collect_bundle, diagnose
from collectors import Scope, Window
from collectors.live import LiveCollector, record
from collectors.prometheus import PrometheusSource
from tests.conftest import start_server

MI = 2**20


@pytest.fixture(scope="module")
def window() -> Window:
    end = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=90)
    return Window(end - timedelta(minutes=40), end)


@pytest.fixture(scope="module")
def prometheus(window: Window):
    from tests.servers.prometheus import Prometheus

    start, onset = window.start_ts, window.start_ts + 20 * 60
    series = {}
    pods = ["checkout-7d9f8b6c5d-x2x9k", "checkout-7d9f8b6c5d-m4q7p"]
    for i, pod in enumerate(pods):
        labels = (("container", "checkout"), ("namespace", "shop"), ("pod", pod))
        memory = []
        for k in range(0, 41 * 60, 30):
            ts = start + k
            ramp = min(1.0, max(0.0, (ts - onset) / 240))
            memory.append((ts, (230 + 278 * ramp) * MI + i * MI))
        series[("container_memory_working_set_bytes", labels)] = memory
        series[("kube_pod_container_resource_limits", (*labels, ("resource", "memory")))] = [
            (start + k, 512 * MI) for k in range(0, 41 * 60, 30)
        ]
    web = (("container", "web"), ("namespace", "shop"), ("pod", "frontend-6c7b9d4f8-abcde"))
    series[("container_memory_working_set_bytes", web)] = [(start + k, 180 * MI) for k in range(0, 41 * 60, 30)]
    server = start_server(lambda: Prometheus(series))
    yield server
    server.stop()


def scope(window: Window) -> Scope:
    return Scope("checkout errors", window, service="checkout", environment="prod", source="cli")


def test_curated_queries_return_the_backfilled_series(prometheus, window: Window) -> None:
    source = PrometheusSource("eks-prod", prometheus.url, "shop")
    documents = {d.name: d.body for d in source.fetch(scope(window))}
    memory = documents["eks-prod-memory"]
    assert memory["cluster"] == "eks-prod" and 'namespace="shop"' in memory["query"]
    result = memory["response"]["data"]["result"]
    assert {s["metric"]["pod"] for s in result} == {
        "checkout-7d9f8b6c5d-x2x9k",
        "checkout-7d9f8b6c5d-m4q7p",
        "frontend-6c7b9d4f8-abcde",
    }
    assert len(result[0]["values"]) <= source.max_points + 1
    assert source.step(scope(window)) == 15  # 40 minutes / 240 points, never under 15 s
    assert documents["eks-prod-memory-limit"]["response"]["data"]["result"]


def test_a_crowded_namespace_keeps_the_series_that_matter(window: Window) -> None:
    """150 pods: the culprit is small but pressed against its limit; big pods far from theirs drop out."""
    from tests.servers.prometheus import Prometheus

    start, stamps = window.start_ts, range(0, 41 * 60, 60)
    series = {}
    for i in range(150):
        labels = (("container", "app"), ("namespace", "batch"), ("pod", f"crunch-{i:03d}"))
        series[("container_memory_working_set_bytes", labels)] = [(start + k, (1024 + i) * MI) for k in stamps]
        series[("kube_pod_container_resource_limits", (*labels, ("resource", "memory")))] = [
            (start + k, 4096 * MI) for k in stamps
        ]
        series[("kube_pod_container_status_restarts_total", labels)] = [(start + k, 40.0) for k in stamps]
    culprit = (("container", "app"), ("namespace", "batch"), ("pod", "checkout-1"))
    series[("container_memory_working_set_bytes", culprit)] = [(start + k, (200 + k / 8) * MI) for k in stamps]
    series[("kube_pod_container_resource_limits", (*culprit, ("resource", "memory")))] = [
        (start + k, 512 * MI) for k in stamps
    ]
    series[("kube_pod_container_status_restarts_total", culprit)] = [(start + k, k // 600) for k in stamps]
    server = start_server(lambda: Prometheus(series))
    try:
        source = PrometheusSource("gke", server.url, "batch", max_series=20)
        docs = {d.name: d.body["response"]["data"]["result"] for d in source.fetch(scope(window))}
    finally:
        server.stop()
    pods = {name: [s["metric"]["pod"] for s in result] for name, result in docs.items()}
    assert len(pods["gke-memory"]) == 20 and pods["gke-memory"][0] == "checkout-1"  # 98% of 512 MiB
    assert set(pods["gke-memory-limit"]) == set(pods["gke-memory"])  # each kept series keeps its limit
    assert len(pods["gke-restarts"]) == 20 and pods["gke-restarts"][0] == "checkout-1"  # the one that rose


def test_a_recorded_collection_diagnoses_like_the_live_run(prometheus, window: Window, tmp_path: Path) -> None:
    live = LiveCollector([PrometheusSource("eks-prod", prometheus.url, "shop")]).collect(scope(window))
    assert not live.missing_sources and live.metrics
    live_out = diagnose(live).to_json()
    assert (live_out["diagnosis"]["category"], live_out["diagnosis"]["resource"]) == ("memory_exhaustion", "checkout")
    bundle = record(live, tmp_path / "recorded")
    from click.testing import CliRunner

    from bot.cli import main

    assert CliRunner().invoke(main, ["validate", str(bundle)]).exit_code == 0
    replayed = diagnose(collect_bundle(bundle)).to_json()
    assert replayed == live_out
    assert json.loads((bundle / "incident.json").read_text())["service"] == "checkout"


def test_an_unreachable_prometheus_is_named_missing(window: Window) -> None:
    from tests.servers.postgres import free_port

    dead = PrometheusSource("eks-prod", f"http://127.0.0.1:{free_port()}", "shop", timeout_seconds=2)
    evidence = LiveCollector([dead], deadline_seconds=10).collect(scope(window))
    assert [s.source for s in evidence.missing_sources] == ["prometheus:eks-prod"]
    assert "Connection" in evidence.missing_sources[0].error
    digest_out = diagnose(evidence)
    assert "prometheus:eks-prod" in digest_out.to_json()["diagnosis"]["summary"]


def test_sigv4_signs_each_query_for_amazon_managed_prometheus(monkeypatch, window: Window) -> None:
    import re

    from tests.standins._http import LoopbackServer, QuietHandler, send_json

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDAMP")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "amp-secret")
    seen: list[dict[str, str]] = []

    class AMP(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append({k.lower(): v for k, v in self.headers.items()})
            auth = self.headers.get("Authorization", "")
            if not re.match(
                r"^AWS4-HMAC-SHA256 Credential=AKIDAMP/\d{8}/us-west-2/aps/aws4_request, "
                r"SignedHeaders=[a-z;-]+, Signature=[0-9a-f]{64}$",
                auth,
            ):
                return send_json(self, 403, {"message": "Missing Authentication Token"})
            send_json(self, 200, {"status": "success", "data": {"resultType": "matrix", "result": []}})

    server = LoopbackServer(AMP)
    try:
        source = PrometheusSource("amp", f"{server.url}/workspaces/ws-1", "shop", sigv4_region="us-west-2")
        documents = source.fetch(scope(window))
    finally:
        server.close()
    assert len(documents) == len(seen) == 9 and all("x-amz-date" in h for h in seen)
