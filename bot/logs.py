"""The bot's own logs: one JSON object a line on Cloud Run (Cloud Logging reads `severity` and `message`
from it), plain text elsewhere; `CLOUD_DOCTOR_LOG_FORMAT=json|text` chooses outright.

Both the web process and every worker process call `configure()`: a spawned worker inherits no handlers.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

# Python's level names as Cloud Logging's LogSeverity spells them.
SEVERITY = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARNING", "ERROR": "ERROR", "CRITICAL": "CRITICAL"}


class JsonLines(logging.Formatter):
    """`{"severity", "message", "time", "logger"}`; a traceback goes into `message`, as Error Reporting reads it."""

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
