"""The Loki collector against the query_range stand-in: errors first and paged, a sample of the rest."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from bot.pipeline import collect_bundle, diagnose
from collectors import BundleCollector
from collectors.live import LiveCollector, record
from collectors.loki import ERRORS, LokiSource
from tests.conftest import INCIDENTS
from tests.standins.loki import LokiStandIn

TENANT = "prod"


@pytest.fixture
def loki():
    doc = json.loads((INCIDENTS / "checkout-oom" / "loki" / "shop.json").read_text())
    streams = [(s["stream"], [(int(ts), line) for ts, line in s["values"]]) for s in doc["response"]["data"]["result"]]
    standin = LokiStandIn({TENANT: streams})
    yield standin
    standin.close()


def scope():
    return BundleCollector(INCIDENTS / "checkout-oom").collect().scope


def all_lines(standin: LokiStandIn) -> list[str]:
    return [line for _, values in standin.streams[TENANT] for _, line in values]


def test_error_lines_are_all_fetched_across_pages(loki: LokiStandIn) -> None:
    source = LokiSource("eks-prod", loki.url, '{namespace="shop"}', tenant=TENANT, page_limit=150, sample_per_slice=50)
    documents = source.fetch(scope())
    error_docs = [d for d in documents if "-errors-" in d.name]
    fetched = [v[1] for d in error_docs for s in d.body["response"]["data"]["result"] for v in s["values"]]
    expected = [line for line in all_lines(loki) if re.search(ERRORS, line)]
    assert len(error_docs) > 2 and sorted(fetched) == sorted(expected)  # every error line, none twice
    assert all(r["tenant"] == TENANT for r in loki.requests)
    samples = [d for d in documents if "-sample-" in d.name]
    assert len(samples) == 8  # 40 minutes in 5-minute slices
    sampled = [v[1] for d in samples for s in d.body["response"]["data"]["result"] for v in s["values"]]
    assert sampled and not any(re.search(ERRORS, line) for line in sampled) and len(sampled) <= 8 * 50


def test_lines_sharing_a_nanosecond_across_a_page_boundary_are_all_fetched_once() -> None:
    window = scope().window
    base = int(window.start_ts * 1e9) + 10**9
    values = [(base + i, f"ERROR before {i}") for i in range(8)]
    values += [(base + 100, f"ERROR same nanosecond {i}") for i in range(6)]  # the page boundary falls among these
    values += [(base + 200 + i, f"ERROR after {i}") for i in range(3)]
    standin = LokiStandIn({TENANT: [({"namespace": "shop", "app": "checkout"}, values)]})
    try:
        source = LokiSource("eks-prod", standin.url, '{namespace="shop"}', tenant=TENANT, page_limit=10)
        documents = [d for d in source.fetch(scope()) if "-errors-" in d.name]
        fetched = [v[1] for d in documents for s in d.body["response"]["data"]["result"] for v in s["values"]]
        assert len(documents) == 2 and sorted(fetched) == sorted(line for _, line in values)
    finally:
        standin.close()


def test_a_recorded_collection_diagnoses_like_the_live_run(loki: LokiStandIn, tmp_path: Path) -> None:
    live = LiveCollector([LokiSource("eks-prod", loki.url, '{namespace="shop"}', tenant=TENANT)]).collect(scope())
    assert not live.missing_sources
    out = diagnose(live).to_json()
    assert (out["diagnosis"]["category"], out["diagnosis"]["resource"]) == ("memory_exhaustion", "checkout")
    bundle = record(live, tmp_path / "recorded")
    assert BundleCollector(bundle).problems() == []
    assert diagnose(collect_bundle(bundle)).to_json() == out


@pytest.mark.parametrize(
    ("fault", "needle"),
    [
        (lambda r: (500, "internal error"), "500"),
        (lambda r: (200, "<html>not json</html>"), "JSON"),
        (lambda r: (401, "no org id") if r["tenant"] else None, "401"),
    ],
    ids=["500", "garbage", "auth"],
)
def test_a_failing_loki_is_named_missing(loki: LokiStandIn, fault, needle: str) -> None:
    loki.fault = fault
    evidence = LiveCollector([LokiSource("eks-prod", loki.url, '{namespace="shop"}', tenant=TENANT)]).collect(scope())
    assert [s.source for s in evidence.missing_sources] == ["loki:eks-prod"]
    assert needle in evidence.missing_sources[0].error
    assert loki.url in evidence.missing_sources[0].source_url


def test_a_hanging_loki_does_not_hold_the_collection_past_its_deadline(loki: LokiStandIn) -> None:
    loki.hang_seconds = 30
    started = time.monotonic()
    evidence = LiveCollector(
        [LokiSource("eks-prod", loki.url, '{namespace="shop"}', tenant=TENANT, timeout_seconds=60)], deadline_seconds=2
    ).collect(scope())
    assert time.monotonic() - started < 20  # far below the 30 s hang: the deadline ended it
    assert "deadline" in evidence.missing_sources[0].error
