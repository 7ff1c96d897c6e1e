"""The CloudWatch collector against moto in server mode (real boto3, real HTTP on loopback)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from bot.pipeline import collect_bundle, diagnose
from collectors import BundleCollector, Scope, Window
from collectors.cloudwatch import CloudWatchSource
from collectors.live import LiveCollector, record
from tests.conftest import INCIDENTS

REGION = "ap-northeast-2"
BUNDLE = INCIDENTS / "ledger-db-conns"


@pytest.fixture(scope="module")
def seeded(moto_url: str):
    """The ledger-db-conns incident, moved to the last hour, written through the real APIs."""
    import os

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    incident = json.loads((BUNDLE / "incident.json").read_text())
    old_end = datetime.fromisoformat(incident["window"]["end"]).timestamp()
    shift = int(time.time() // 60 * 60 - 5 * 60 - old_end)
    logs = boto3.client("logs", region_name=REGION, endpoint_url=moto_url)
    for file in sorted((BUNDLE / "cloudwatch" / "logs").glob("*.json")):
        doc = json.loads(file.read_text())
        group = doc["logGroupName"]
        logs.create_log_group(logGroupName=group)
        by_stream: dict[str, list] = {}
        for e in doc["response"]["events"]:
            by_stream.setdefault(e["logStreamName"], []).append(
                {"timestamp": e["timestamp"] + shift * 1000, "message": e["message"]}
            )
        for stream, events in by_stream.items():
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
            for i in range(0, len(events), 5000):
                logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events[i : i + 5000])
    cloudwatch = boto3.client("cloudwatch", region_name=REGION, endpoint_url=moto_url)
    metrics = json.loads((BUNDLE / "cloudwatch" / "metrics" / "rds.json").read_text())
    queries = {q["Id"]: q["MetricStat"] for q in metrics["queries"]}
    for result in metrics["response"]["MetricDataResults"]:
        stat = queries[result["Id"]]["Metric"]
        data = [
            {
                "MetricName": stat["MetricName"],
                "Dimensions": stat["Dimensions"],
                "Value": value,
                "Timestamp": datetime.fromtimestamp(datetime.fromisoformat(ts).timestamp() + shift, UTC),
            }
            for ts, value in zip(result["Timestamps"], result["Values"], strict=True)
        ]
        for i in range(0, len(data), 20):
            cloudwatch.put_metric_data(Namespace=stat["Namespace"], MetricData=data[i : i + 20])
    start = datetime.fromisoformat(incident["window"]["start"]).timestamp() + shift
    return Window(datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(old_end + shift, UTC))


def source(moto_url: str, **kw) -> CloudWatchSource:
    return CloudWatchSource(
        "aws-prod",
        REGION,
        "ledger-api",
        ["/ecs/{service}", "/aws/rds/instance/ledger-db/postgresql", "/ecs/reports"],
        ["AWS/RDS", "AWS/ECS"],
        resources=["ledger-db"],
        endpoint_url=moto_url,
        **kw,
    )


def test_collects_log_groups_and_the_related_metrics(moto_url: str, seeded: Window) -> None:
    scope = Scope("ledger-api errors", seeded, service="ledger-api")
    documents = {d.name: d for d in source(moto_url).fetch(scope)}
    assert set(documents) == {
        "aws-prod-ecs-ledger-api",
        "aws-prod-aws-rds-instance-ledger-db-postgresql",
        "aws-prod-ecs-reports",
        "aws-prod-ledger-api",
    }
    original = json.loads((BUNDLE / "cloudwatch" / "logs" / "ledger-api.json").read_text())
    got = documents["aws-prod-ecs-ledger-api"].body["response"]["events"]
    assert len(got) == len(original["response"]["events"])  # errors pass + all pass, deduplicated
    assert len({e["eventId"] for e in got}) == len(got)
    metric_doc = documents["aws-prod-ledger-api"].body
    names = {q["MetricStat"]["Metric"]["MetricName"] for q in metric_doc["queries"]}
    assert names == {"DatabaseConnections", "CPUUtilization"}
    connections = next(
        r
        for r, q in zip(metric_doc["response"]["MetricDataResults"], metric_doc["queries"], strict=True)
        if q["MetricStat"]["Metric"]["MetricName"] == "DatabaseConnections"
    )
    assert max(connections["Values"]) == 100.0 and all("T" in t for t in connections["Timestamps"])


def test_event_bounds_are_respected(moto_url: str, seeded: Window) -> None:
    scope = Scope("x", seeded, service="ledger-api")
    documents = source(moto_url, max_events=100).fetch(scope)
    assert all(len(d.body["response"]["events"]) <= 100 for d in documents if d.folder == "cloudwatch/logs")


def test_a_recorded_collection_diagnoses_like_the_live_run(moto_url: str, seeded: Window, tmp_path: Path) -> None:
    live = LiveCollector([source(moto_url)]).collect(Scope("ledger-api errors", seeded, service="ledger-api"))
    assert not live.missing_sources
    out = diagnose(live).to_json()
    assert (out["diagnosis"]["category"], out["diagnosis"]["resource"]) == ("db_connection_exhaustion", "ledger-db")
    bundle = record(live, tmp_path / "recorded")
    assert BundleCollector(bundle).problems() == []
    assert diagnose(collect_bundle(bundle)).to_json() == out


def test_an_assumed_role_is_used_when_configured(moto_url: str, seeded: Window) -> None:
    scope = Scope("x", seeded, service="ledger-api")
    cw = source(moto_url)
    cw.role_arn = "arn:aws:iam::123456789012:role/cloud-doctor-read"
    documents = cw.fetch(scope)
    assert any(d.body["response"]["events"] for d in documents if d.folder == "cloudwatch/logs")
    credentials = cw._session.get_credentials()
    assert credentials.method == "sts-assume-role"
    assert credentials.get_frozen_credentials().access_key != "testing"  # STS issued, not the base keys


START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("stamp", [float("inf"), float("nan")], ids=["infinite", "nan"])
def test_a_timestamp_that_is_no_time_is_refused(stamp: float) -> None:
    """JSON's Infinity and NaN (json.loads takes them) are numbers but no time: the file is refused, by name."""
    from collectors.base import Evidence, Scope, Window
    from collectors.cloudwatch import read_log_events

    events = [{"timestamp": 1795168800000, "message": "ok"}, {"timestamp": stamp, "message": "when?"}]
    evidence = Evidence(scope=Scope("t", Window(START, START)))
    problems: list = []
    read_log_events("cloudwatch/logs/a.json", {"logGroupName": "/ecs/cart", "response": {"events": events}}, evidence,
                    problems)  # fmt: skip
    assert [str(p) for p in problems] == [
        "cloudwatch/logs/a.json: response.events[1].timestamp: required: epoch milliseconds"
    ]
    assert [r.message for r in evidence.logs] == ["ok"]  # type: ignore[attr-defined]
