"""Cloud Logging collected live from its stand-in (the metadata server's token, entries:list paged, errors
first), recorded as entries:list bodies, and diagnosed offline with the same answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.pipeline import collect_bundle, diagnose
from collectors.base import ClusterContext, Scope, Window
from collectors.bundle import BundleCollector
from collectors.cloud_logging import CloudLoggingConfig, live
from collectors.live import LiveCollector, record
from tests.standins.cloud_logging import CloudLoggingStandIn
from tests.standins.gce_metadata import MetadataServer

START = dt.datetime(2026, 11, 20, 5, 20, tzinfo=dt.UTC)


def _entry(minute: float, service: str, severity: str, text: str, n: int) -> dict[str, Any]:
    at = (START + dt.timedelta(minutes=minute)).isoformat().replace("+00:00", "Z")
    return {  # a Cloud Run revision's LogEntry, as entries:list returns it
        "insertId": f"{service}{n:06d}", "timestamp": at, "receiveTimestamp": at, "severity": severity,
        "textPayload": text, "logName": "projects/acme-prod/logs/run.googleapis.com%2Fvarlog%2Fsystem",
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": service, "location": "europe-west1",
                     "revision_name": f"{service}-00042-xyz", "project_id": "acme-prod"}},
    }  # fmt: skip


@pytest.fixture
def entries() -> list[dict[str, Any]]:
    out = []
    for n in range(600):  # steady requests, then from minute 20 the instance exceeding its memory limit
        minute = n * 0.06
        out.append(_entry(minute, "pdf-api", "INFO", f"POST /render 200 {120 + n % 40}ms", n))
        out.append(_entry(minute, "search", "INFO", "GET /q 200 12ms", n))
    oom = (
        "Memory limit of 512 MiB exceeded with 530 MiB used. Consider increasing the memory limit, "
        "see https://cloud.google.com/run/docs/configuring/memory-limits"
    )  # Cloud Run's own text
    for n in range(40):
        out.append(_entry(20 + n * 0.4, "pdf-api", "ERROR", oom, n + 1000))
    return out


@pytest.fixture
def servers(entries: list[dict[str, Any]]):
    metadata = MetadataServer()
    api = CloudLoggingStandIn(entries, lambda token: token in metadata.access_tokens)
    yield metadata, api
    api.close()
    metadata.close()


def _source(metadata: MetadataServer, api: CloudLoggingStandIn, **overrides: Any):
    config = CloudLoggingConfig(url=api.url, metadata_url=metadata.url, **overrides)
    return live(
        config, ClusterContext("run-prod", "gcp", "europe-west1", "acme-prod", "pdf-api", "default", lambda n: None)
    )


def _scope() -> Scope:
    return Scope("pdf-api 503s", Window(START, START + dt.timedelta(minutes=36)), "pdf-api")


def test_collected_live_then_recorded_diagnoses_the_same(servers, tmp_path: Path) -> None:
    metadata, api = servers
    evidence = LiveCollector([_source(metadata, api)]).collect(_scope())
    assert not evidence.missing_sources
    assert {r.resource for r in evidence.logs} == {"pdf-api"}  # the filter kept the service's entries only
    out = diagnose(evidence).to_json()
    assert (out["diagnosis"]["category"], out["diagnosis"]["resource"]) == ("memory_exhaustion", "pdf-api")
    bundle = record(evidence, tmp_path / "recorded")
    assert sorted(p.name for p in (bundle / "cloud_logging").iterdir())[0].startswith("run-prod-errors-")
    assert BundleCollector(bundle).problems() == []
    assert diagnose(collect_bundle(bundle)).to_json() == out
    first = api.requests[0]
    assert first["resourceNames"] == ["projects/acme-prod"] and "severity>=WARNING" in first["filter"]


def test_pages_are_followed_and_bounded(servers) -> None:
    metadata, api = servers
    documents = _source(metadata, api, max_error_entries=100, max_other_entries=250).fetch(_scope())
    errors = [d for d in documents if "-errors-" in d.name]
    rest = [d for d in documents if "-rest-" in d.name]
    assert sum(len(d.body["response"]["entries"]) for d in errors) == 40
    assert sum(len(d.body["response"]["entries"]) for d in rest) == 250  # capped, over pages of at most 1000
    assert all(r["pageSize"] <= 1000 for r in api.requests)


def test_a_token_the_metadata_server_did_not_issue_is_refused(servers) -> None:
    import requests

    _, api = servers
    answer = requests.post(f"{api.url}/v2/entries:list", json={"resourceNames": ["projects/p"]},
                           headers={"Authorization": "Bearer ya29.forged"}, timeout=5)  # fmt: skip
    assert answer.status_code == 401 and answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_a_bundle_entry_that_is_no_logentry_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    import json

    bundle = tmp_path / "b"
    (bundle / "cloud_logging").mkdir(parents=True)
    window = {"start": "2026-11-20T05:20:00Z", "end": "2026-11-20T06:00:00Z"}
    (bundle / "incident.json").write_text(json.dumps({"title": "t", "window": window}))
    (bundle / "cloud_logging" / "x.json").write_text(json.dumps({"response": {"entries": [7, {"timestamp": "soon"}]}}))
    problems = BundleCollector(bundle).problems()
    assert [(p.field, p.file.endswith("x.json")) for p in problems] == [
        ("response.entries[0]", True),
        ("response.entries[1].timestamp", True),
    ]
