"""Hostile input gets a 4xx or a clean answer, never a 500 or a traceback, and stores nothing half-written.

The whole web app in process (Bolt, the routes, a real store), every request through its real HTTP
handling; the store is SQLite and PostgreSQL (PostgreSQL refuses NUL bytes and over-long names).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from bot.alerts.cloudwatch import from_cloudwatch
from bot.jobs.store import Store
from tests.bot.alerts.webhook_payloads import alert, alertmanager
from tests.bot.conftest import SECRET, sign
from tests.bot.conftest import TOKEN as SLACK_TOKEN
from tests.standins.slack_api import SlackStandIn

TOKEN = "hook-s3cret"


@pytest.fixture
def app(monkeypatch, store_url: str, tmp_path, slack: SlackStandIn) -> TestClient:
    from bot.app import create_app
    from bot.settings import load_settings

    config = tmp_path / "cd.yaml"
    config.write_text("slack:\n  default_channel: C0ALERTS\n")
    for name, value in {
        "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "CLOUD_DOCTOR_STORE": store_url,
        "CLOUD_DOCTOR_WEBHOOK_TOKEN": TOKEN, "CLOUD_DOCTOR_CONFIG": str(config), "SLACK_API_URL": f"{slack.url}/api/",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    return TestClient(create_app(load_settings(require_slack=True)), raise_server_exceptions=False)


def _form(**fields: str) -> bytes:
    base = {"team_id": "T1", "channel_id": "C0INC", "user_id": "U0A", "command": "/analyze-logs", "text": "checkout",
            "trigger_id": "t1", "response_url": "http://127.0.0.1:9/r"}  # fmt: skip
    return urlencode({k: v for k, v in {**base, **fields}.items() if v is not None}).encode()


UNSIGNED = {
    "a JSON array": b"[1, 2]",
    "a number": b"42",
    "broken JSON": b'{"type": ',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "invalid UTF-8": b"\xff\xfe\xfa",
    "a 5,000-digit integer": b"9" * 5000,
    "payload= that is no object": urlencode({"payload": "[1]"}).encode(),
    "a command": _form(),
}


@pytest.mark.parametrize("body", list(UNSIGNED.values()), ids=list(UNSIGNED))
def test_unsigned_bodies_are_refused_before_they_are_parsed(app: TestClient, body: bytes, store_url: str) -> None:
    answer = app.post("/slack/events", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 401 and "error" in answer.json()
    assert Store(store_url).recent() == []


@pytest.mark.parametrize("timestamp", ["", "abc", "１２３", "-5", "1e9", str(int(time.time()) - 600)])
def test_a_bad_timestamp_is_401(app: TestClient, timestamp: str) -> None:
    body = _form()
    headers: dict[str, Any] = sign(body) | {"X-Slack-Request-Timestamp": timestamp.encode()}  # bytes: as sent
    assert app.post("/slack/events", content=body, headers=headers).status_code == 401


def test_an_oversized_body_is_413_declared_or_streamed(app: TestClient) -> None:
    big = b"x=" + b"a" * (2 * 2**20)
    assert app.post("/slack/events", content=big, headers=sign(big)).status_code == 413

    def chunks():
        for _ in range(40):
            yield b"a" * 65536

    streamed = app.post(
        "/slack/events", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413


SIGNED = {
    "a command with no user": (_form(user_id=None), "without a user or a channel"),
    "a command with no channel": (_form(channel_id=None), "without a user or a channel"),
    "a 100,000-character /terraform argument": (_form(command="/terraform", text="a" * 100_000), "longer than"),
}


@pytest.mark.parametrize("body,says", list(SIGNED.values()), ids=list(SIGNED))
def test_signed_but_malformed_commands_get_a_clean_answer(app: TestClient, body: bytes, says: str, store_url) -> None:
    answer = app.post("/slack/events", content=body, headers=sign(body))
    assert answer.status_code == 200 and says in answer.json()["text"]
    assert Store(store_url).recent() == []


def _action(actions: Any) -> bytes:
    payload = {"type": "block_actions", "user": {"id": "U0REVIEWER"}, "channel": {"id": "C0INC"},
               "team": {"id": "T1"}, "api_app_id": "A1", "container": {"type": "message"},
               "trigger_id": "t", "response_url": "http://127.0.0.1:9/r", "actions": actions}  # fmt: skip
    return urlencode({"payload": json.dumps(payload)}).encode()


SIGNED_REFUSED = {
    "a JSON array": (b"[]", "application/json"),
    "a JSON object without a type": (b'{"x": 1}', "application/json"),
    "deep nesting in JSON": (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    "payload= that is no object": (urlencode({"payload": "[1]"}).encode(), None),
    "payload= that is not JSON": (urlencode({"payload": "{"}).encode(), None),
    "neither command nor payload": (b"hello=world", None),
    "invalid UTF-8": (b"command=\xff", None),
    "a content type Slack never sends": (b"<xml/>", "text/xml"),
}


@pytest.mark.parametrize("body,kind", list(SIGNED_REFUSED.values()), ids=list(SIGNED_REFUSED))
def test_signed_bodies_that_are_no_slack_request_are_4xx(app: TestClient, body: bytes, kind: str | None) -> None:
    headers = sign(body) | ({"Content-Type": kind} if kind else {})
    answer = app.post("/slack/events", content=body, headers=headers)
    assert 400 <= answer.status_code < 500, answer.text


@pytest.mark.parametrize(
    "actions",
    [
        [{"action_id": "approve_fix", "block_id": "b", "type": "button"}],  # no value
        [{"action_id": "show_evidence", "value": {"not": "a string"}}],
        [],
    ],  # fmt: skip
    ids=["no value", "a value that is no string", "no actions"],
)
def test_block_actions_without_what_they_need_store_and_answer_nothing(app: TestClient, actions, store_url) -> None:
    body = _action(actions)
    answer = app.post("/slack/events", content=body, headers=sign(body))
    assert answer.status_code in (200, 400, 404)  # acknowledged and ignored, refused, or no listener for it
    assert Store(store_url).audit_trail() == []


HOOK_BODIES = {
    "deep nesting": b'{"alerts": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "a 5,000-digit integer": b'{"version": "4", "alerts": [], "x": ' + b"9" * 5000 + b"}",
}


@pytest.mark.parametrize("body", list(HOOK_BODIES.values()), ids=list(HOOK_BODIES))
def test_webhook_bodies_we_cannot_read_are_400(app: TestClient, body: bytes) -> None:
    answer = app.post("/webhooks/alertmanager", content=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code in (400, 413) and "error" in answer.json()


def test_names_a_database_would_refuse_are_stored_cleaned_not_refused(app: TestClient, store_url: str) -> None:
    """A NUL byte, a lone surrogate and a 300-character alertname: PostgreSQL would refuse the batch (and
    Alertmanager would send it again forever); they are stored cleaned instead."""
    starts = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    doc = alertmanager(alert("A" * 300 + "\x00", {"service": "checkout", "pod": "x\ud800y"}, starts=starts))
    body = json.dumps(doc).encode()  # \u0000 and \ud800 as JSON escapes, as a sender writes them
    answer = app.post("/webhooks/alertmanager", content=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    [firing] = Store(store_url).alert_firings()
    assert len(firing["alertname"]) == 200 and "\x00" not in firing["alertname"]


@pytest.mark.parametrize(
    "trigger",
    [
        {"Dimensions": {"Name": "ServiceName"}},
        {"Dimensions": 7},
        {"Metrics": {"MetricStat": 1}},
        {"Metrics": [{"MetricStat": ["x"]}]},
    ],  # fmt: skip
)
def test_a_cloudwatch_alarm_with_odd_dimensions_is_read_not_crashed_on(trigger: dict[str, Any]) -> None:
    from bot.settings import Settings

    alarm = {"AlarmName": "a", "NewStateValue": "ALARM", "StateChangeTime": "2026-11-20T10:00:00.000+0000",
             "Trigger": trigger}  # fmt: skip
    parsed = from_cloudwatch(json.dumps(alarm), Settings())
    assert parsed.alertname == "a" and parsed.service is None


def test_one_person_cannot_queue_more_than_their_share(app: TestClient, store_url: str) -> None:
    """Five open jobs per person and channel (jobs.max_open_per_user); the sixth is refused with why;
    someone else in the channel is not held back."""
    answers = []
    for n in range(7):
        body = _form(text=f"checkout since={n + 1}m", trigger_id=f"burst-{n}")
        answers.append(app.post("/slack/events", content=body, headers=sign(body)).json()["text"])
    assert sum("On it" in a for a in answers) == 5
    assert all("You have 5 diagnoses queued or running in this channel" in a for a in answers[5:])
    accepted = _form(text="checkout since=5m", trigger_id="burst-4")  # Slack's retry of an accepted command
    retried = app.post("/slack/events", content=accepted, headers=sign(accepted) | {"X-Slack-Retry-Num": "1"})
    assert "Already on it" in retried.json()["text"]  # at the cap, yet it is the job it already has
    other = _form(user_id="U0OTHER", trigger_id="other")
    assert "On it" in app.post("/slack/events", content=other, headers=sign(other)).json()["text"]
    assert len(Store(store_url).recent()) == 6


def test_alert_jobs_are_claimed_before_earlier_jobs_of_people(store_url: str) -> None:
    from bot.jobs.args import JobArgs

    store = Store(store_url)
    for n in range(3):
        store.create_job(idempotency_key=f"p{n}", kind="analyze", service="checkout", args=JobArgs(),
                         channel="C1", user_id="U0BUSY", text=f"x{n}")  # fmt: skip
    alert_job, _ = store.create_job(
        idempotency_key="a1", kind="analyze", service="payments", args=JobArgs(alert_source="alertmanager"),
        channel="C1", user_id="alertmanager",
    )  # fmt: skip
    claimed = store.claim("w1", 30)
    assert claimed is not None and claimed.id == alert_job.id
    assert store.claim("w1", 30).user_id == "U0BUSY"  # then the people's, oldest first
