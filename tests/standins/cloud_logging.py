"""A stand-in for Cloud Logging's `POST /v2/entries:list`: the bearer token must be one the metadata stand-in
issued (401 UNAUTHENTICATED), `resourceNames` must name projects and `pageSize` be 1-1000 (400
INVALID_ARGUMENT, as the API answers), and the filter's parts the source writes are applied: the
`timestamp` bounds, `severity>=`/`severity<`, and the `resource.labels.*="…"` names (any one matching).
Pages carry `nextPageToken` until the entries run out."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.standins._http import LoopbackStandIn, QuietHandler, google_error, send_json

SEVERITIES = ["DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"]


def _time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def matches(entry: dict[str, Any], query: str) -> bool:
    ts = _time(entry["timestamp"])
    if (m := re.search(r'timestamp>="([^"]+)"', query)) and ts < _time(m.group(1)):
        return False
    if (m := re.search(r'timestamp<="([^"]+)"', query)) and ts > _time(m.group(1)):
        return False
    rank = SEVERITIES.index(entry.get("severity", "DEFAULT"))
    if (m := re.search(r"severity>=(\w+)", query)) and rank < SEVERITIES.index(m.group(1)):
        return False
    if (m := re.search(r"severity<(\w+)", query)) and rank >= SEVERITIES.index(m.group(1)):
        return False
    wanted = re.findall(r'resource\.labels\.(\w+)="([^"]+)"', query)
    labels = entry.get("resource", {}).get("labels", {})
    return not wanted or any(labels.get(key) == value for key, value in wanted)


class CloudLoggingStandIn(LoopbackStandIn):
    def __init__(self, entries: list[dict[str, Any]], valid: Callable[[str], bool]) -> None:
        self.entries, self.valid = entries, valid
        self.requests: list[dict[str, Any]] = []
        self.serve()

    def _handler(self) -> type[QuietHandler]:
        standin = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                if self.path != "/v2/entries:list":
                    return send_json(self, 404, google_error(404, "NOT_FOUND", "Requested entity was not found."))
                bearer = str(self.headers.get("Authorization", "")).removeprefix("Bearer ")
                if not standin.valid(bearer):
                    return send_json(self, 401, google_error(401, "UNAUTHENTICATED",
                                                       "Request had invalid authentication credentials."))  # fmt: skip
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                standin.requests.append(body)
                names, size = body.get("resourceNames"), body.get("pageSize", 50)
                if not names or not all(str(n).startswith("projects/") for n in names):
                    return send_json(self, 400, google_error(400, "INVALID_ARGUMENT", "resourceNames is required"))
                if not isinstance(size, int) or not 0 < size <= 1000:
                    return send_json(self, 400, google_error(400, "INVALID_ARGUMENT", "page_size must be 1 to 1000"))
                found = [e for e in standin.entries if matches(e, str(body.get("filter", "")))]
                found.sort(key=lambda e: e["timestamp"])
                token = body.get("pageToken")
                start = int(base64.b64decode(token)) if token else 0
                page: dict[str, Any] = {"entries": found[start : start + size]}
                if start + size < len(found):
                    page["nextPageToken"] = base64.b64encode(str(start + size).encode()).decode()
                return send_json(self, 200, page)

        return Handler
