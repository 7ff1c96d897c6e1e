"""The bot's own logs: JSON lines with severity on Cloud Run (K_SERVICE set), from the real `serve`."""

from __future__ import annotations

import json
import logging
import sys

import httpx

from bot.logs import JsonLines, wants_json
from tests.bot.alerts.webhook_payloads import alert, alertmanager


def test_a_record_is_one_json_line_cloud_logging_reads() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("cloud_doctor.jobs", logging.ERROR, __file__, 1, "job %s failed", ("j1",),
                                   sys.exc_info())  # fmt: skip
    doc = json.loads(JsonLines().format(record))
    assert doc["severity"] == "ERROR" and doc["logger"] == "cloud_doctor.jobs"
    assert doc["message"].startswith("job j1 failed\nTraceback") and "ValueError: boom" in doc["message"]


def test_json_on_cloud_run_text_elsewhere_and_the_setting_wins(monkeypatch) -> None:
    monkeypatch.delenv("CLOUD_DOCTOR_LOG_FORMAT", raising=False)
    monkeypatch.delenv("K_SERVICE", raising=False)
    assert not wants_json()
    monkeypatch.setenv("K_SERVICE", "cloud-doctor")
    assert wants_json()
    monkeypatch.setenv("CLOUD_DOCTOR_LOG_FORMAT", "text")
    assert not wants_json()


def test_serve_on_cloud_run_logs_json_lines(make_server) -> None:
    server = make_server(env={"K_SERVICE": "cloud-doctor", "CLOUD_DOCTOR_WEBHOOK_TOKEN": "hook-token"},
                         default_channel="C0ALERTS")  # fmt: skip
    doc = alertmanager(alert("DiskFull", {"service": "nobody-knows-me"}))
    answer = httpx.post(f"{server.url}/webhooks/alertmanager", json=doc,
                        headers={"Authorization": "Bearer hook-token"}, timeout=10)  # fmt: skip
    assert answer.status_code == 200 and answer.json()["outcomes"] == {"unknown-service": 1}
    server.stop()
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    warned = [d for d in lines if "not diagnosed" in d["message"]]
    assert warned and warned[0]["severity"] == "WARNING" and warned[0]["logger"] == "cloud_doctor.webhooks"


def test_a_line_logged_while_a_request_is_served_carries_its_trace() -> None:
    from bot.logs import TRACE, TRACE_FIELD, trace_name

    cloud = {"x-cloud-trace-context": "105445aa7843bc8bf206b12000100000/1;o=1"}
    assert trace_name(cloud, "acme") == "projects/acme/traces/105445aa7843bc8bf206b12000100000"
    w3c = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
    assert trace_name(w3c, "acme") == "projects/acme/traces/4bf92f3577b34da6a3ce929d0e0e4736"
    assert trace_name(cloud, None) == "" and trace_name({"traceparent": "garbage"}, "acme") == ""
    record = logging.LogRecord("cloud_doctor.slack", logging.INFO, __file__, 1, "acked", (), None)
    assert TRACE_FIELD not in json.loads(JsonLines().format(record))
    token = TRACE.set("projects/acme/traces/105445aa7843bc8bf206b12000100000")
    try:
        assert json.loads(JsonLines().format(record))[TRACE_FIELD].endswith("/105445aa7843bc8bf206b12000100000")
    finally:
        TRACE.reset(token)


def test_the_middleware_sets_the_trace_for_the_request_only() -> None:
    import asyncio

    from bot.logs import TRACE, TraceContext

    seen = []

    async def app(scope, receive, send) -> None:
        seen.append(TRACE.get())

    scope = {"type": "http", "headers": [(b"x-cloud-trace-context", b"105445aa7843bc8bf206b12000100000/7;o=1")]}
    asyncio.run(TraceContext(app, project="acme")(scope, None, None))
    assert seen == ["projects/acme/traces/105445aa7843bc8bf206b12000100000"] and TRACE.get() == ""
