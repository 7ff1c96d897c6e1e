"""End to end with real components: Prometheus fires a rule, Alertmanager posts to the running bot, Slack hears once.

And an alert storm over real HTTP: 500 alerts for 5 services within 10 s → 5 jobs and one summary.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from bot.jobs.store import Store
from tests.bot.alerts.webhook_payloads import alert, alertmanager, grafana
from tests.bot.conftest import Server
from tests.conftest import start_server
from tests.servers.alertmanager import Alertmanager
from tests.servers.prometheus import Prometheus
from tests.standins.slack_api import SlackStandIn

WEBHOOK_TOKEN = "am-bearer-token"
RULE = """groups:
- name: cloud-doctor-e2e
  interval: 1s
  rules:
  - alert: CheckoutErrorRatioHigh
    expr: checkout_error_ratio > {threshold}
    labels: {{severity: critical}}
    annotations: {{summary: "checkout error ratio is {{{{ $value }}}}"}}
"""
STORM_SERVICES = ["checkout", "inventory", "payments", "search", "ledger"]


def counter(server: Server, name: str, **labels: str) -> float:
    text = httpx.get(f"{server.url}/metrics", timeout=5).text
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    match = re.search(rf"^{name}_total\{{{re.escape(wanted)}\}} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def diagnoses(slack: SlackStandIn) -> list[Any]:
    """Top-level messages (not thread notes) whose final text is a diagnosis."""
    return [c for c in slack.of("chat.update") if str(c.args.get("text", "")).startswith("Cloud Doctor: ")
            and " in " in str(c.args.get("text"))]  # fmt: skip


def test_prometheus_rule_through_alertmanager_to_one_diagnosis_and_a_resolved_note(
    make_server: Any, slack: SlackStandIn, store_url: str
) -> None:
    server = make_server(
        extra={"slack": {"default_channel": "C0ALERTS", "reviewers": ["U0REVIEWER"]}},
        env={"CLOUD_DOCTOR_WEBHOOK_TOKEN": WEBHOOK_TOKEN},
    )
    am = start_server(lambda: Alertmanager(f"{server.url}/webhooks/alertmanager", WEBHOOK_TOKEN))
    now = time.time()
    series = {
        ("checkout_error_ratio", (("namespace", "shop"), ("service", "checkout"))): [
            (now - 3600 + 15 * i, 0.42 + 0.5 * (i > 200)) for i in range(int(3600 / 15) + 1)
        ]
    }
    prometheus = start_server(lambda: Prometheus(series, RULE.format(threshold=0.5), am.address))
    try:
        # Prometheus fires, Alertmanager groups and posts with the bearer token, the bot diagnoses once.
        slack.wait_for(lambda: len(diagnoses(slack)) >= 1, timeout=90)
        # Alertmanager repeats the notification every 2 s and Prometheus re-sends every second: wait for repeats.
        deadline = time.time() + 60
        while counter(server, "cloud_doctor_alerts", source="alertmanager", outcome="repeat") < 3:
            assert time.time() < deadline, f"no repeats from Alertmanager: {am.log()}"
            time.sleep(0.5)
        jobs = Store(store_url).recent()
        assert len(jobs) == 1, [(j.service, j.user_id) for j in jobs]
        [job] = jobs
        assert (job.service, job.user_id, job.channel, job.state) == ("checkout", "alertmanager", "C0ALERTS", "done")
        assert job.args.alertname == "CheckoutErrorRatioHigh" and job.args.severity == "critical"
        assert job.args.alert["version"] == "4" and job.args.alert["receiver"] == "cloud-doctor"
        top_level = [c for c in slack.of("chat.postMessage") if not c.args.get("thread_ts")]
        assert len(top_level) == 1 and len(diagnoses(slack)) == 1
        assert "alertmanager alert `CheckoutErrorRatioHigh`, critical" in str(diagnoses(slack)[0].args["blocks"])
        message_ts = job.message_ts

        # The rule stops matching: Prometheus resolves the alert, Alertmanager sends it, the thread hears.
        prometheus.reload_rules(RULE.format(threshold=100))
        slack.wait_for(lambda: any(c.args.get("thread_ts") for c in slack.of("chat.postMessage")), timeout=60)
        [note] = [c for c in slack.of("chat.postMessage") if c.args.get("thread_ts")]
        assert note.args["thread_ts"] == message_ts and note.args["channel"] == "C0ALERTS"
        assert re.search(r"`CheckoutErrorRatioHigh` \(alertmanager\) resolved after \d+ min", note.args["text"])
        assert len(Store(store_url).recent()) == 1 and len(diagnoses(slack)) == 1
    finally:
        prometheus.stop()
        am.stop()


def test_a_storm_of_500_alerts_for_5_services_is_5_jobs_and_one_summary(
    make_server: Any, slack: SlackStandIn, store_url: str
) -> None:
    server = make_server(
        extra={"slack": {"default_channel": "C0ALERTS"}, "webhooks": {"storm_settle": "1s"}},
        env={"CLOUD_DOCTOR_WEBHOOK_TOKEN": WEBHOOK_TOKEN},
    )
    headers = {"Authorization": f"Bearer {WEBHOOK_TOKEN}"}
    http = httpx.Client(timeout=10, limits=httpx.Limits(max_connections=16))  # one client: each costs ~40 ms of CPU

    def send(i: int) -> tuple[int, float]:
        labels = {"service": STORM_SERVICES[i % 5], "pod": f"pod-{i}", "severity": "warning"}
        one = alert(f"Storm{i % 100}", labels)
        kind, doc = ("grafana", grafana(one)) if i % 2 else ("alertmanager", alertmanager(one))
        started = time.perf_counter()
        response = http.post(f"{server.url}/webhooks/{kind}", json=doc, headers=headers)
        return response.status_code, time.perf_counter() - started

    started = time.time()
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(send, range(500)))
    elapsed = time.time() - started
    http.close()
    assert {status for status, _ in results} == {200}
    jobs = Store(store_url).recent(1000)
    assert sorted(j.service for j in jobs) == sorted(STORM_SERVICES)
    slack.wait_for(lambda: any("Alert storm" in str(c.args.get("text")) for c in slack.of("chat.postMessage")))
    [summary] = [c for c in slack.of("chat.postMessage") if "Alert storm" in str(c.args.get("text"))]
    assert summary.args["text"].startswith("Alert storm: 500 alerts for 5 services")
    for job in jobs:
        assert f"`{job.id[:8]}`" in str(summary.args["blocks"])
    slowest = max(seconds for _, seconds in results)
    print(f"storm: 500 requests in {elapsed:.2f} s, slowest answer {slowest * 1000:.0f} ms")  # noqa: T201
