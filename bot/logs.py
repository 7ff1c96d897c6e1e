"""The bot's own logs: one JSON object a line on Cloud Run (Cloud Logging reads `severity` and `message`
from it), plain text elsewhere; `CLOUD_DOCTOR_LOG_FORMAT=json|text` chooses outright.

Both the web process and every worker process call `configure()`: a spawned worker inherits no handlers.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Python's level names as Cloud Logging's LogSeverity spells them.
SEVERITY = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARNING", "ERROR": "ERROR", "CRITICAL": "CRITICAL"}


# The request being served, as Cloud Logging names a trace (`projects/P/traces/T`): its lines group under it.
TRACE: ContextVar[str] = ContextVar("cloud_doctor_trace", default="")
TRACE_FIELD = "logging.googleapis.com/trace"
_CLOUD_TRACE = re.compile(r"^([0-9a-f]{32})(?:/\d+)?(?:;o=\d)?$")  # X-Cloud-Trace-Context: TRACE/SPAN;o=1
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")  # W3C traceparent


def trace_name(headers: dict[str, str], project: str | None) -> str:
    """The trace a request's headers carry, as the `logging.googleapis.com/trace` field wants it; "" if none."""
    if not project:
        return ""
    for header, pattern in (("x-cloud-trace-context", _CLOUD_TRACE), ("traceparent", _TRACEPARENT)):
        if (m := pattern.match(headers.get(header, "").strip().lower())) and set(m.group(1)) != {"0"}:
            return f"projects/{project}/traces/{m.group(1)}"
    return ""


class TraceContext:
    """ASGI middleware: the request's trace in TRACE while it is served (threads it hands work to copy it)."""

    def __init__(self, app: Any, project: str | None = None) -> None:
        self.app, self.project = app, project or os.environ.get("GOOGLE_CLOUD_PROJECT")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.project:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
                   if k in (b"x-cloud-trace-context", b"traceparent")}  # fmt: skip
        token = TRACE.set(trace_name(headers, self.project))
        try:
            await self.app(scope, receive, send)
        finally:
            TRACE.reset(token)


class JsonLines(logging.Formatter):
    """`{"severity", "message", "time", "logger"}` and the request's trace; a traceback goes into `message`, as
    Error Reporting reads it."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        doc = {
            "severity": SEVERITY.get(record.levelname, "DEFAULT"),
            "message": message,
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "logger": record.name,
        }
        if trace := TRACE.get():
            doc[TRACE_FIELD] = trace
        return json.dumps(doc, ensure_ascii=False)


def wants_json() -> bool:
    chosen = os.environ.get("CLOUD_DOCTOR_LOG_FORMAT", "").lower()
    return chosen == "json" or (chosen != "text" and bool(os.environ.get("K_SERVICE")))  # K_SERVICE: Cloud Run


def configure(level: int = logging.WARNING) -> None:
    """Root's one handler on stderr, JSON or text; uvicorn's loggers propagate to it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if wants_json() else logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
