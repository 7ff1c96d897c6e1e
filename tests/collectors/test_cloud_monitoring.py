"""Cloud Monitoring collected live from its stand-in (the metadata server's token, timeSeries.list per curated
query, paged), recorded as timeSeries.list bodies, and diagnosed offline with the same answer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.pipeline import collect_bundle, diagnose
from collectors.base import ClusterContext, Evidence, Scope, Window
from collectors.bundle import BundleCollector
from collectors.cloud_monitoring import QUERIES, CloudMonitoringConfig, live, read_series
from collectors.live import LiveCollector, record
from tests.conftest import INCIDENTS
from tests.standins.cloud_monitoring import CloudMonitoringStandIn
from tests.standins.gce_metadata import MetadataServer

BUNDLE = INCIDENTS / "render-cloudrun"


def _series() -> list[dict]:
    out = []
    for file in sorted((BUNDLE / "cloud_monitoring").glob("*.json")):
        out += json.loads(file.read_text())["response"]["timeSeries"]
    return out


def _scope() -> Scope:
    window = json.loads((BUNDLE / "incident.json").read_text())["window"]
    start, end = (dt.datetime.fromisoformat(window[k].replace("Z", "+00:00")) for k in ("start", "end"))
    return Scope("pdf-render 503s", Window(start, end), "pdf-render")


@pytest.fixture
def servers():
    metadata = MetadataServer()
    api = CloudMonitoringStandIn(_series(), lambda token: token in metadata.access_tokens)
    yield metadata, api
    api.close()
    metadata.close()


def _source(metadata: MetadataServer, api: CloudMonitoringStandIn, **overrides):
    config = CloudMonitoringConfig(url=api.url, metadata_url=metadata.url, **overrides)
    return live(config, ClusterContext("run-prod", "gcp", "europe-west1", "acme-prod", "pdf-render", "default",
                                       lambda n: None))  # fmt: skip


def test_collected_live_then_recorded_diagnoses_the_same(servers, tmp_path: Path) -> None:
    metadata, api = servers
    evidence = LiveCollector([_source(metadata, api, max_series=1)]).collect(_scope())
    assert not evidence.missing_sources
    assert len(api.requests) == len(QUERIES)  # every curated query asked once, each answered by its own series
    assert {s.metric for s in evidence.metrics} == {
        "run.googleapis.com/container/memory/utilizations",
        'run.googleapis.com/request_count{response_code_class="5xx"}',
    }
    assert all(s.resource == "pdf-render" and s.points == sorted(s.points) for s in evidence.metrics)
    out = diagnose(evidence).to_json()  # the metrics alone
    assert (out["diagnosis"]["category"], out["diagnosis"]["resource"]) == ("memory_exhaustion", "pdf-render")
    memory = next(r for r in api.requests if "memory/utilizations" in r["filter"])
    assert memory["aggregation.perSeriesAligner"] == "ALIGN_PERCENTILE_99"
    assert memory["aggregation.alignmentPeriod"] == "60s" and memory["interval.endTime"].endswith("Z")
    assert not any("pageSize" in r for r in api.requests)  # it counts points: a series would split across pages
    bundle = record(evidence, tmp_path / "recorded")
    assert BundleCollector(bundle).problems() == []
    assert diagnose(collect_bundle(bundle)).to_json() == out


def test_a_spent_quota_is_a_missing_source_and_nothing_is_invented(servers) -> None:
    metadata, api = servers
    api.quota = 0
    evidence = LiveCollector([_source(metadata, api)]).collect(_scope())
    (missing,) = evidence.missing_sources
    assert missing.source == "cloud_monitoring:run-prod" and "429" in missing.error
    assert "RESOURCE_EXHAUSTED" in missing.error and not evidence.metrics


def test_a_bundle_file_with_a_bad_point_names_it() -> None:
    labels = {"pod_name": "ledger-7d9f8b6c5d-x2x9k", "container_name": "app"}
    doc = {"filter": "f", "response": {"timeSeries": [
        {"metric": {"type": "kubernetes.io/container/memory/used_bytes"},
         "resource": {"type": "k8s_container", "labels": labels},
         "points": [{"interval": {"endTime": "2026-11-19T10:01:00Z"}, "value": {"int64Value": "536870912"}},
                    {"interval": {}, "value": {"int64Value": "1"}}]}]}}  # fmt: skip
    evidence, problems = Evidence(_scope()), []
    read_series("cloud_monitoring/gke.json", doc, evidence, problems)
    assert [p.field for p in problems] == ["response.timeSeries[0].points[1]"]
    (series,) = evidence.metrics
    assert series.resource == "ledger" and series.points == [(1795082460.0, 536870912.0)]
