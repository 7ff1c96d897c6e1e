"""Tempo collected live from its stand-in (TraceQL search, then the traces whole), recorded as Tempo's own JSON,
and diagnosed offline with the same answer; and the diagnosis only traces can make."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.pipeline import collect_bundle, diagnose
from collectors.base import ClusterContext, Scope, Window
from collectors.bundle import BundleCollector
from collectors.live import LiveCollector, record
from collectors.tempo import TempoConfig, hex_id, live
from tests.conftest import INCIDENTS
from tests.standins.tempo import TempoStandIn

BUNDLE = INCIDENTS / "stock-traces"


def _traces() -> dict[str, dict]:
    out = {}
    for file in sorted((BUNDLE / "tempo").glob("trace-*.json")):
        doc = json.loads(file.read_text())
        out[doc["trace_id"]] = doc["response"]
    return out


def _scope() -> Scope:
    incident = json.loads((BUNDLE / "incident.json").read_text())
    window = incident["window"]
    start, end = (dt.datetime.fromisoformat(window[k].replace("Z", "+00:00")) for k in ("start", "end"))
    return Scope(incident["title"], Window(start, end), "storefront")


def _source(url: str, **overrides):
    config = TempoConfig(url=url, **overrides)
    return live(config, ClusterContext("gke-prod", "gcp", "europe-west1", "acme-prod", "storefront", "shop",
                                       lambda name: "s3cr3t" if name == "TEMPO_TOKEN" else None))  # fmt: skip


@pytest.fixture
def tempo():
    standin = TempoStandIn(_traces(), tenant="acme")
    yield standin
    standin.close()


def test_collected_live_then_recorded_diagnoses_the_same_from_traces_alone(tempo, tmp_path: Path) -> None:
    evidence = LiveCollector([_source(tempo.url, tenant="acme", bearer_token_env="TEMPO_TOKEN")]).collect(_scope())
    assert not evidence.missing_sources
    assert {s.service for s in evidence.spans} == {"storefront", "inventory"}
    out = diagnose(evidence).to_json()  # no log line, no metric: the spans alone
    assert (out["diagnosis"]["category"], out["diagnosis"]["resource"]) == ("memory_exhaustion", "inventory")
    searches = [r for r in tempo.requests if r["path"] == "/api/search"]
    assert searches[0]["params"]["q"] == '{ resource.service.name = "storefront" } && { status = error }'
    assert "kind = server" in searches[1]["params"]["q"] and "duration > 1000ms" in searches[1]["params"]["q"]
    assert all(r["headers"].get("Authorization") == "Bearer s3cr3t" for r in tempo.requests)
    assert len([r for r in tempo.requests if r["path"].startswith("/api/traces/")]) == 20
    bundle = record(evidence, tmp_path / "recorded")
    assert BundleCollector(bundle).problems() == []
    assert diagnose(collect_bundle(bundle)).to_json() == out


def test_a_tempo_that_refuses_is_a_missing_source_not_a_crash(tempo) -> None:
    evidence = LiveCollector([_source(tempo.url)]).collect(_scope())  # no X-Scope-OrgID: 401 "no org id"
    assert [s.source for s in evidence.missing_sources] == ["tempo:gke-prod"]
    assert "401" in evidence.missing_sources[0].error and "no org id" in evidence.missing_sources[0].error
    assert not evidence.spans


def test_only_the_traces_name_the_callee_whose_spans_fail_first() -> None:
    evidence = collect_bundle(BUNDLE)
    with_traces = diagnose(evidence).to_json()["diagnosis"]
    assert (with_traces["category"], with_traces["resource"]) == ("memory_exhaustion", "inventory")
    assert any(e["source"] == "tempo" for e in with_traces["evidence"])
    evidence.spans.clear()  # the same incident, logs and pods only: inventory's logs are quiet
    without = diagnose(evidence).to_json()["diagnosis"]
    assert (without["category"], without["resource"]) != ("memory_exhaustion", "inventory")


def test_the_digest_names_the_failing_edge_and_where_the_failure_starts() -> None:
    from analyzers.digest import build_digest

    digest, _ = build_digest(collect_bundle(BUNDLE))
    edges = [f for f in digest.findings if f.kind == "trace"]
    assert edges[0].attrs["caller"] == "storefront" and edges[0].attrs["callee"] == "inventory"
    assert edges[0].attrs["errors"] == edges[0].attrs["calls"] == 20 and edges[0].attrs["origin"]
    assert "the failure starts in inventory" in edges[0].text and "OutOfMemoryError" in edges[0].text
    assert "trace edge storefront -> inventory" in digest.text


def test_spans_are_read_from_every_shape_tempo_writes(tmp_path: Path) -> None:
    from collectors.base import Evidence

    span = {"traceId": "W47/95gDgQPSabYzgT/GDA==", "spanId": "7uGbfsPBsXQ=", "parentSpanId": "7uGbfsPBsXM=",
            "name": "SELECT", "kind": 3, "startTimeUnixNano": "1544712660000000000",
            "endTimeUnixNano": "1544712661000000000", "status": {"code": 2, "message": "too many clients already"},
            "attributes": [{"key": "db.system", "value": {"stringValue": "postgresql"}}]}  # fmt: skip
    resource = {"attributes": [{"key": "service.name", "value": {"stringValue": "ledger"}}]}
    from collectors.tempo import read

    v1 = {"batches": [{"resource": resource, "instrumentationLibrarySpans": [{"spans": [span]}]}]}
    v2 = {"trace": {"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": [span]}]}]}}
    for body in (v1, v2):
        ev, problems = Evidence(_scope()), []
        read("tempo/trace-x.json", {"trace_id": "x", "response": body}, ev, problems)
        assert not problems
        (got,) = ev.spans
        assert got.trace_id == "5b8efff798038103d269b633813fc60c" and got.kind == "client" and got.error
        assert got.duration_ms == 1000 and got.attributes["db.system"] == "postgresql"
    ev, problems = Evidence(_scope()), []
    read("tempo/trace-y.json", {"trace_id": "y", "response": {"data": []}}, ev, problems)
    assert problems and problems[0].field == "response.batches"
    assert hex_id("5b8efff798038103d269b633813fc700") == "5b8efff798038103d269b633813fc700"
