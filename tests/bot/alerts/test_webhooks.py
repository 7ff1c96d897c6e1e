"""The webhook endpoints in-process: payload kinds, scoping, dedup and grouping, auth, size and JSON errors, SNS."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.alerts import alertmanager as alertmanager_hook
from bot.alerts import webhooks
from bot.alerts.base import service_of
from bot.alerts.hooks import Webhooks
from bot.alerts.intake import AlertIntake
from bot.alerts.sns import FetchFailed, SnsRefused, SnsVerifier
from bot.app_metrics import Metrics
from bot.context import Bot
from bot.jobs.args import JobArgs
from bot.jobs.store import Store
from bot.settings import Settings
from tests.bot.alerts.webhook_payloads import CERT_URL, TOPIC, SnsSigner, alarm, alert, alertmanager, grafana
from tests.conftest import INCIDENTS

TOKEN = "webhook-s3cret"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


class Wakes:
    def __init__(self) -> None:
        self.count = 0

    def wake(self) -> None:
        self.count += 1


@pytest.fixture
def signer(tmp_path: Path) -> SnsSigner:
    return SnsSigner(tmp_path)


def make_hooks(store_url: str, signer: SnsSigner, **overrides: Any) -> tuple[TestClient, Bot]:
    options: dict[str, Any] = {
        "cloud_doctor_webhook_token": TOKEN,
        "slack": {"default_channel": "C0ALERTS"},
        "routes": [
            {"match": {"severity": "critical", "cluster": "eks-*"}, "channel": "C0CRITICAL"},
            {"match": {"service": "payments"}, "channel": "C0PAYMENTS"},
        ],
        "webhooks": {"sns_topics": [TOPIC], "sns_certificates": {CERT_URL: str(signer.path)}, "max_body_bytes": 4096},
        **overrides,
    }
    settings = Settings(**options)
    store = Store(store_url)
    bot = Bot(settings, store, None, Wakes(), Metrics(store))  # type: ignore[arg-type]
    api = FastAPI()
    webhooks.register(api, bot)
    return TestClient(api), bot


@pytest.fixture
def hooks(tmp_path: Path, signer: SnsSigner) -> tuple[TestClient, Bot]:
    return make_hooks(f"sqlite:///{tmp_path / 'store.db'}", signer)


def post(client: TestClient, kind: str, doc: Any, headers: dict[str, str] | None = None) -> Any:
    return client.post(f"/webhooks/{kind}", content=json.dumps(doc), headers=BEARER if headers is None else headers)


def test_alertmanager_firing_becomes_one_scoped_job_with_the_payload_kept(hooks: tuple[TestClient, Bot]) -> None:
    client, bot = hooks
    starts = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=4)
    doc = alertmanager(alert("HighErrorRate", {"service": "checkout", "cluster": "eks-prod"}, starts=starts))
    response = post(client, "alertmanager", doc)
    assert response.status_code == 200, response.text
    assert response.json() == {"received": 1, "outcomes": {"new": 1}}
    [job] = bot.store.recent()
    assert (job.kind, job.service, job.channel, job.user_id, job.state) == (
        "analyze", "checkout", "C0ALERTS", "alertmanager", "queued"
    )  # fmt: skip
    assert job.args.alert == doc  # the incident's `alert`: the payload as received
    assert job.args.cluster == "eks-prod" and job.args.alertname == "HighErrorRate"
    assert job.args.window_start == pytest.approx(starts.timestamp() - 15 * 60, abs=0.01)
    assert bot.workers.count == 1  # type: ignore[attr-defined]


def test_repeats_cooldown_and_grouping_start_nothing_new(hooks: tuple[TestClient, Bot]) -> None:
    client, bot = hooks
    first = alert("HighErrorRate", {"service": "checkout"})
    assert post(client, "alertmanager", alertmanager(first)).json()["outcomes"] == {"new": 1}
    # Alertmanager's repeat: the same alert, same start.
    assert post(client, "alertmanager", alertmanager(dict(first))).json()["outcomes"] == {"repeat": 1}
    # The same alert firing again (a new start) within the cool-down.
    again = alert("HighErrorRate", {"service": "checkout"}, starts=dt.datetime.now(dt.UTC))
    assert post(client, "alertmanager", alertmanager(again)).json()["outcomes"] == {"cooldown": 1}
    # Another alert about the same service joins its job.
    other = alert("PodRestarting", {"service": "checkout"})
    assert post(client, "alertmanager", alertmanager(other)).json()["outcomes"] == {"grouped": 1}
    # The same alert about another service is its own incident.
    elsewhere = alert("HighErrorRate", {"service": "inventory"})
    assert post(client, "alertmanager", alertmanager(elsewhere)).json()["outcomes"] == {"new": 1}
    assert sorted(j.service for j in bot.store.recent()) == ["checkout", "inventory"]
    checkout = next(j for j in bot.store.recent() if j.service == "checkout")
    by_name = {f["alertname"]: f for f in bot.store.alert_firings() if f["service"] == "checkout"}
    assert {f["job_id"] for f in bot.store.alert_firings() if f["service"] == "checkout"} == {checkout.id}
    assert by_name["PodRestarting"]["started"] is False


def test_a_new_firing_after_the_cooldown_starts_a_new_job(tmp_path: Path, signer: SnsSigner) -> None:
    client, bot = make_hooks(
        f"sqlite:///{tmp_path / 's.db'}", signer, webhooks={"cooldown": "0s", "group_window": "0s"}
    )
    post(client, "alertmanager", alertmanager(alert("HighErrorRate", {"service": "checkout"})))
    again = alert("HighErrorRate", {"service": "checkout"}, starts=dt.datetime.now(dt.UTC))
    assert post(client, "alertmanager", alertmanager(again)).json()["outcomes"] == {"new": 1}
    assert len(bot.store.recent()) == 2


def test_resolved_queues_a_thread_note_once(hooks: tuple[TestClient, Bot]) -> None:
    client, bot = hooks
    starts = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)
    firing = alert("HighErrorRate", {"service": "checkout"}, starts=starts)
    post(client, "alertmanager", alertmanager(firing))
    resolved = {**firing, "status": "resolved", "endsAt": (starts + dt.timedelta(minutes=12)).isoformat()}
    assert post(client, "alertmanager", alertmanager(resolved)).json()["outcomes"] == {"resolved": 1}
    assert post(client, "alertmanager", alertmanager(resolved)).json()["outcomes"] == {"resolved-again": 1}
    [job] = bot.store.recent()
    [note] = bot.store.messages()
    assert (note["kind"], note["thread_job"], note["channel"]) == ("resolved", job.id, "C0ALERTS")
    assert json.loads(note["args"])["minutes"] == 12
    unknown = alert("NeverSeen", {"service": "checkout"}, status="resolved")
    assert post(client, "alertmanager", alertmanager(unknown)).json()["outcomes"] == {"resolved-unknown": 1}


def test_grafana_payload_and_its_resend(hooks: tuple[TestClient, Bot]) -> None:
    client, bot = hooks
    doc = grafana(alert("Checkout latency", {"app": "checkout", "grafana_folder": "shop", "cluster": "gke-eu"}))
    assert post(client, "grafana", doc).json() == {"received": 1, "outcomes": {"new": 1}}
    assert post(client, "grafana", doc).json()["outcomes"] == {"repeat": 1}
    [job] = bot.store.recent()
    assert (job.service, job.user_id, job.args.cluster) == ("checkout", "grafana", "gke-eu")


def test_routes_by_severity_cluster_and_service(hooks: tuple[TestClient, Bot]) -> None:
    client, bot = hooks
    post(client, "alertmanager", alertmanager(alert("A", {"service": "checkout", "severity": "critical",
                                                          "cluster": "eks-prod"})))  # fmt: skip
    post(client, "alertmanager", alertmanager(alert("B", {"service": "payments", "severity": "critical"})))
    post(client, "alertmanager", alertmanager(alert("C", {"service": "inventory", "severity": "warning"})))
    channels = {j.service: j.channel for j in bot.store.recent()}
    assert channels == {"checkout": "C0CRITICAL", "payments": "C0PAYMENTS", "inventory": "C0ALERTS"}


def test_service_from_labels_and_unscoped_or_unknown_alerts(hooks: tuple[TestClient, Bot]) -> None:
    assert service_of({"pod": "checkout-7d9f8b6c5d-x2x9z", "namespace": "shop"}) == "checkout"
    assert service_of({"pod": "ledger-2"}) == "ledger"
    assert service_of({"deployment": "api", "job": "kubernetes-pods"}) == "api"
    assert service_of({"job": "checkout"}) == "checkout"
    assert service_of({"namespace": "shop"}) is None
    client, bot = hooks
    doc = alertmanager(alert("A", {"namespace": "shop"}), alert("B", {"service": "no-such-service"}))
    assert post(client, "alertmanager", doc).json()["outcomes"] == {"unknown-service": 1, "unscoped": 1}
    assert bot.store.recent() == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"bearer{TOKEN}"},
        {"Authorization": "Basic " + base64.b64encode(b"cloud-doctor:wrong").decode()},
        {"Authorization": "Basic " + base64.b64encode(f"someone:{TOKEN}".encode()).decode()},
        {"Authorization": "Basic !!!"},
    ],
)
def test_wrong_or_missing_credentials_are_401_and_store_nothing(hooks: tuple[TestClient, Bot], headers: Any) -> None:
    client, bot = hooks
    response = post(client, "alertmanager", alertmanager(alert("A", {"service": "checkout"})), headers=headers)
    assert response.status_code == 401
    assert "CLOUD_DOCTOR_WEBHOOK_TOKEN" in response.json()["error"]
    assert "Bearer" in response.headers["www-authenticate"]
    assert bot.store.recent() == []


def test_basic_auth_is_accepted(hooks: tuple[TestClient, Bot]) -> None:
    client, _ = hooks
    basic = {"Authorization": "Basic " + base64.b64encode(f"cloud-doctor:{TOKEN}".encode()).decode()}
    assert post(client, "grafana", grafana(alert("A", {"service": "checkout"})), headers=basic).status_code == 200


def test_without_a_token_configured_webhooks_are_off(tmp_path: Path, signer: SnsSigner) -> None:
    client, _ = make_hooks(f"sqlite:///{tmp_path / 's.db'}", signer, cloud_doctor_webhook_token=None)
    response = post(client, "alertmanager", alertmanager(alert("A", {"service": "checkout"})))
    assert response.status_code == 401 and "webhooks are off" in response.json()["error"]


def test_too_large_bodies_are_413_declared_or_streamed(hooks: tuple[TestClient, Bot]) -> None:
    client, bot = hooks
    big = alertmanager(*[alert(f"A{i}", {"service": "checkout"}) for i in range(30)])
    response = post(client, "alertmanager", big)
    assert response.status_code == 413 and "max_body_bytes (4096" in response.json()["error"]
    chunks = (json.dumps(big)[i : i + 1000].encode() for i in range(0, len(json.dumps(big)), 1000))
    streamed = client.post("/webhooks/alertmanager", content=chunks, headers=BEARER)  # chunked, no length
    assert streamed.status_code == 413
    assert bot.store.recent() == [] and bot.store.alert_firings() == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"version": "4", "alerts": [', "the body is not JSON: Expecting value at line 1 column 29"),
        (b'{"version": "\xff"}', "not UTF-8 JSON"),
        (json.dumps({"version": "3", "alerts": []}).encode(), "version: expected Alertmanager's webhook version"),
        (json.dumps({"version": "4", "alerts": {}}).encode(), "alerts: expected a list"),
        (json.dumps([1, 2]).encode(), "body: expected an object"),
    ],
)
def test_malformed_bodies_are_400_with_the_reason(hooks: tuple[TestClient, Bot], body: bytes, expected: str) -> None:
    client, _ = hooks
    response = client.post("/webhooks/alertmanager", content=body, headers=BEARER)
    assert response.status_code == 400
    assert expected in response.json()["error"]


def test_a_large_payload_is_parsed_and_read_off_the_event_loop(tmp_path: Path, signer: SnsSigner, monkeypatch) -> None:
    """Thousands of alerts take their time in a worker thread: the event loop, which answers /healthz and
    Slack's acknowledgements, never parses them."""
    roomy = {"sns_topics": [TOPIC], "sns_certificates": {CERT_URL: str(signer.path)}, "max_body_bytes": 8_000_000}
    client, _ = make_hooks(f"sqlite:///{tmp_path / 'store.db'}", signer, webhooks=roomy)
    where: list[str] = []

    def on_loop() -> str:
        try:
            asyncio.get_running_loop()
            return "event loop"
        except RuntimeError:
            return "worker thread"

    parse, alert_list = Webhooks.parse, alertmanager_hook.alert_list
    monkeypatch.setattr(Webhooks, "parse", staticmethod(lambda raw: (where.append(on_loop()), parse(raw))[1]))
    monkeypatch.setattr(alertmanager_hook, "alert_list", lambda d, s: (where.append(on_loop()), alert_list(d, s))[1])
    storm = alertmanager(*[alert(f"Storm{i}", {"service": "checkout", "pod": f"checkout-{i}"}) for i in range(2000)])
    response = post(client, "alertmanager", storm)
    assert response.status_code == 200 and response.json()["received"] == 2000
    assert where == ["worker thread", "worker thread"]
    bad = client.post("/webhooks/alertmanager", content=b"[" * 100_000, headers=BEARER)  # refused from the thread
    assert bad.status_code == 400 and "nests deeper" in bad.json()["error"]
    signed = sns(client, signer.notification(alarm("checkout-errors", {"FunctionName": "checkout"})))
    assert signed.status_code == 200 and where[-1] == "worker thread"


def test_one_bad_alert_stores_none_of_the_request(hooks: tuple[TestClient, Bot]) -> None:
    client, bot = hooks
    bad = alert("B", {"service": "inventory"})
    bad["startsAt"] = "yesterday"
    response = post(client, "alertmanager", alertmanager(alert("A", {"service": "checkout"}), bad))
    assert response.status_code == 400
    assert "alerts[1].startsAt: 'yesterday' is not an RFC 3339 time" in response.json()["error"]
    assert bot.store.recent() == [] and bot.store.alert_firings() == []


def sns(client: TestClient, message: dict[str, Any], kind: str | None = None) -> Any:
    headers = {"x-amz-sns-message-type": kind or message["Type"], "Content-Type": "text/plain; charset=UTF-8"}
    return client.post("/webhooks/cloudwatch", content=json.dumps(message), headers=headers)


@pytest.mark.parametrize("version", ["1", "2"])
def test_cloudwatch_alarm_via_sns_signed_v1_and_v2(
    hooks: tuple[TestClient, Bot], signer: SnsSigner, version: str
) -> None:
    client, bot = hooks
    message = signer.notification(alarm("checkout-errors", {"FunctionName": "checkout"}), version)
    response = sns(client, message)
    assert response.status_code == 200, response.text
    assert response.json()["outcomes"] == {"new": 1}
    [job] = bot.store.recent()
    assert (job.service, job.user_id, job.args.alertname) == ("checkout", "cloudwatch", "checkout-errors")
    assert job.args.alert == message  # the SNS message as received
    ok = signer.notification(alarm("checkout-errors", {"FunctionName": "checkout"}, state="OK"), version)
    assert sns(client, ok).json()["outcomes"] == {"resolved": 1}


def test_cloudwatch_dimensions_map_to_the_service_that_owns_the_resource(tmp_path: Path, signer: SnsSigner) -> None:
    cluster = {"name": "eks-prod", "cloud": "aws", "region": "us-east-1", "services": ["checkout"],
               "cloudwatch": {"resources": {"checkout": ["checkout-db"]}}}  # fmt: skip
    client, bot = make_hooks(f"sqlite:///{tmp_path / 's.db'}", signer, clusters=[cluster])
    message = signer.notification(alarm("db-cpu", {"DBInstanceIdentifier": "checkout-db"}))
    assert sns(client, message).json()["outcomes"] == {"new": 1}
    [job] = bot.store.recent()
    assert (job.service, job.args.cluster) == ("checkout", "eks-prod")


def test_sns_refusals(hooks: tuple[TestClient, Bot], signer: SnsSigner) -> None:
    client, bot = hooks
    body = alarm("checkout-errors", {"FunctionName": "checkout"})
    tampered = signer.notification(body)
    tampered["Message"] = tampered["Message"].replace("checkout", "payments")
    assert sns(client, tampered).status_code == 403
    assert "signature does not match" in sns(client, tampered).json()["error"]
    for host in ("https://evil.example.com/cert.pem", "https://sns.us-east-1.amazonaws.com.evil.net/c.pem",
                 "http://sns.us-east-1.amazonaws.com/c.pem", "https://sns.us-east-1.amazonaws.com:8443/c.pem",
                 "https://x@sns.us-east-1.amazonaws.com/c.pem"):  # fmt: skip
        foreign = signer.notification(body, SigningCertURL=host)
        response = sns(client, foreign)
        assert response.status_code == 403 and "SigningCertURL" in response.json()["error"], host
    other_topic = signer.notification(body, TopicArn="arn:aws:sns:us-east-1:999999999999:someone-elses")
    assert "not in webhooks.sns_topics" in sns(client, other_topic).json()["error"]
    stale = signer.notification(body, Timestamp="2020-01-01T00:00:00.000Z")
    assert "more than an hour" in sns(client, stale).json()["error"]
    assert sns(client, signer.notification(body), kind="SubscriptionConfirmation").status_code == 400
    assert bot.store.recent() == []


def test_subscription_confirmation_visits_only_sns_urls(hooks: tuple[TestClient, Bot], signer: SnsSigner) -> None:
    client, _ = hooks
    visited: list[str] = []
    client.app.state.webhooks.sns.fetch = lambda url: visited.append(url) or b""  # type: ignore[attr-defined]
    url = f"https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=2336412f"
    response = sns(client, signer.confirmation(url))
    assert response.status_code == 200 and response.json() == {"confirmed": TOPIC}
    assert visited == [url]
    evil = sns(client, signer.confirmation("https://attacker.example.com/?Action=ConfirmSubscription"))
    assert evil.status_code == 403 and "SubscribeURL" in evil.json()["error"]
    assert visited == [url]


def test_signing_certificates_are_fetched_from_sns_once_and_cached(signer: SnsSigner) -> None:
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return signer.pem

    verifier = SnsVerifier([TOPIC], fetch=fetch)
    for _ in range(3):
        verifier.verify(signer.notification(alarm("a", {"FunctionName": "checkout"})))
    assert fetched == [CERT_URL]
    with pytest.raises(SnsRefused, match="SigningCertURL"):
        verifier.verify(signer.notification("{}", SigningCertURL="https://example.com/x.pem"))
    assert fetched == [CERT_URL]
    with pytest.raises(ValueError, match="not an https://sns"):
        SnsVerifier([TOPIC], pinned={"https://example.com/x.pem": signer.path})

    def unreachable(url: str) -> bytes:
        raise FetchFailed("connection refused")

    other = signer.notification("{}", SigningCertURL=CERT_URL.replace("us-east-1", "eu-west-1"))
    with pytest.raises(SnsRefused, match="cannot get the signing certificate .*connection refused"):
        SnsVerifier([TOPIC], fetch=unreachable).verify(other)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)  # the test certificate is valid for a day
    message = signer.notification(alarm("a", {"FunctionName": "checkout"}), Timestamp=later.isoformat())
    with pytest.raises(SnsRefused, match="not valid now"):
        verifier.verify(message, now=later)


def test_concurrent_storm_requests_make_one_job_per_service(store_url: str, signer: SnsSigner) -> None:
    """On both stores: 200 alerts for 5 services from 20 threads at once → 5 jobs, one storm summary."""
    services = ["checkout", "inventory", "payments", "search", "ledger"]
    bundle = str(INCIDENTS / "checkout-oom")
    client, bot = make_hooks(store_url, signer, incidents=dict.fromkeys(services, bundle))

    def send(i: int) -> int:
        doc = alertmanager(alert(f"Alert{i}", {"service": services[i % 5]}))
        return int(post(client, "alertmanager", doc).status_code)

    with ThreadPoolExecutor(20) as pool:
        assert set(pool.map(send, range(200))) == {200}
    assert sorted(j.service for j in bot.store.recent(500)) == sorted(services)
    storms = [m for m in bot.store.messages() if m["kind"] == "storm"]
    channels = sorted(m["channel"] for m in storms)
    assert channels == ["C0ALERTS", "C0PAYMENTS"]  # one summary per channel the storm reached
    summary = {s["service"]: s for s in AlertIntake(bot.store).storm_summary("C0ALERTS", 0)}
    assert sum(s["alerts"] for s in summary.values()) == 160 and all(len(s["jobs"]) == 1 for s in summary.values())


def test_workers_diagnose_alert_jobs_with_the_alert_and_send_notes_in_the_thread(
    hooks: tuple[TestClient, Bot], slack: Any
) -> None:
    """In-process: the worker runs the alert's job (the payload reaches the digest), then the note in its
    thread; a fix asked for from that job looks at the same alert."""
    from slack_sdk import WebClient

    from analyzers import build_digest
    from bot.jobs.workers import Run, Worker
    from tests.bot.conftest import TOKEN as SLACK_TOKEN

    client, bot = hooks
    starts = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    firing = alert("HighErrorRate", {"service": "checkout"}, starts=starts)
    post(client, "alertmanager", alertmanager(firing))
    resolved = {**firing, "status": "resolved", "endsAt": (starts + dt.timedelta(minutes=7)).isoformat()}
    post(client, "alertmanager", alertmanager(resolved))
    worker = Worker(bot.store, bot.settings, WebClient(token=SLACK_TOKEN, base_url=f"{slack.url}/api/"), "w1")
    assert worker.run_once() and worker.run_once() and not worker.run_once()
    [job] = bot.store.recent()
    assert job.state == "done" and job.message_ts
    [note] = [c for c in slack.of("chat.postMessage") if c.args.get("thread_ts")]
    assert note.args["thread_ts"] == job.message_ts
    assert note.args["text"] == ":white_check_mark: `HighErrorRate` (alertmanager) resolved after 7 min"
    assert job.result and job.result["diagnosis"]["category"]
    fix, _ = bot.store.create_job(idempotency_key="fix", kind="terraform", service="checkout",
                                  args=JobArgs(from_job=job.id), channel="C0ALERTS", user_id="U1")  # fmt: skip
    for each in (job, fix):  # the evidence both diagnose carries the alert as received
        evidence = Run(worker, each, "w1")._collect(bot.settings)
        assert evidence.alert == alertmanager(firing) | {"groupKey": ANY}
        assert "alert HighErrorRate firing for checkout" in build_digest(evidence)[0].text
    assert worker.run_once()
    assert bot.store.get(fix.id).state == "done"  # type: ignore[union-attr]


def test_alert_history_is_pruned_after_the_retention_but_pending_messages_stay(hooks: tuple[TestClient, Bot]) -> None:
    client, bot = hooks
    starts = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)
    firing = alert("HighErrorRate", {"service": "checkout"}, starts=starts)
    post(client, "alertmanager", alertmanager(firing))
    post(client, "alertmanager", alertmanager({**firing, "status": "resolved", "endsAt": firing["startsAt"]}))
    assert AlertIntake(bot.store).prune(3600) == 0  # nothing is old yet
    week = 8 * 24 * 3600
    assert AlertIntake(bot.store).prune(7 * 24 * 3600, now=time.time() + week) == 2  # the firing and its group
    assert bot.store.alert_firings() == [] and len(bot.store.messages()) == 1  # the note is still to be sent
    assert len(bot.store.recent()) == 1  # jobs are kept


def test_alert_text_cannot_ping_the_channel(hooks: tuple[TestClient, Bot]) -> None:
    from bot.slack import blocks

    client, bot = hooks
    noisy = alert("<!channel> Disk", {"service": "checkout"})
    noisy["annotations"]["summary"] = "<!here> see <https://evil.example|this>"
    post(client, "alertmanager", alertmanager(noisy))
    [job] = bot.store.recent()
    text, content = blocks.progress(job, "collecting", 0.1)
    shown = json.dumps(content)
    assert "<!channel>" not in shown and "<!here>" not in shown and "<https://evil" not in shown
    assert "&lt;!channel&gt; Disk" in shown and "Alert: &lt;!here&gt; see" in shown
