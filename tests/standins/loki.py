"""A local stand-in for Loki's `GET /loki/api/v1/query_range` (no Loki build installs here).

It evaluates what the collector sends as Loki would: a stream selector with `=`, `!=`, `=~`, `!~`
matchers, then `|=`, `!=`, `|~`, `!~` line filters (Go RE2 syntax is close enough to Python's for
these), `start`/`end` in nanoseconds (end exclusive), `limit` and `direction`; it requires the
`X-Scope-OrgID` tenant header and answers 400 on a query it cannot parse.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.standins._http import LoopbackStandIn, QuietHandler, query_of, send_json, send_text

Stream = tuple[dict[str, str], list[tuple[int, str]]]
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')
_FILTER = re.compile(r'\s*(\|=|!=|\|~|!~)\s*"((?:[^"\\]|\\.)*)"')


def parse(query: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    match = re.match(r"\s*\{(.*?)\}(.*)$", query, re.S)
    if not match:
        raise ValueError("parse error: queries must start with a stream selector")
    matchers, pos, body = [], 0, match.group(1)
    while pos < len(body):
        m = _MATCHER.match(body, pos)
        if not m:
            raise ValueError(f"parse error at selector position {pos}")
        matchers.append((m.group(1), m.group(2), m.group(3).replace('\\"', '"')))
        pos = m.end()
    filters, pos, rest = [], 0, match.group(2)
    while rest[pos:].strip():
        m = _FILTER.match(rest, pos)
        if not m:
            raise ValueError(f"parse error in the pipeline at {rest[pos : pos + 20]!r}")
        filters.append((m.group(1), m.group(2).encode().decode("unicode_escape")))
        pos = m.end()
    if not matchers:
        raise ValueError("queries require at least one matcher")
    return matchers, filters


def _selected(labels: dict[str, str], matchers: list[tuple[str, str, str]]) -> bool:
    for key, op, value in matchers:
        have = labels.get(key, "")
        ok = {
            "=": have == value,
            "!=": have != value,
            "=~": re.fullmatch(value, have) is not None,
            "!~": re.fullmatch(value, have) is None,
        }[op]
        if not ok:
            return False
    return True


def _kept(line: str, filters: list[tuple[str, str]]) -> bool:
    for op, value in filters:
        ok = {
            "|=": value in line,
            "!=": value not in line,
            "|~": re.search(value, line) is not None,
            "!~": re.search(value, line) is None,
        }[op]
        if not ok:
            return False
    return True


class LokiStandIn(LoopbackStandIn):
    def __init__(self, streams: dict[str, list[Stream]]) -> None:
        self.streams = streams  # tenant -> streams
        self.requests: list[dict[str, Any]] = []
        self.fault: Callable[[dict[str, Any]], tuple[int, str] | None] = lambda request: None
        self.hang_seconds = 0.0
        self.serve()

    def answer(self, tenant: str, params: dict[str, str]) -> dict[str, Any]:
        matchers, filters = parse(params["query"])
        start, end = int(params["start"]), int(params["end"])
        limit, direction = int(params.get("limit", "100")), params.get("direction", "backward")
        entries = []
        for labels, values in self.streams.get(tenant, []):
            if _selected(labels, matchers):
                entries += [
                    (ts, line, id(labels), labels) for ts, line in values if start <= ts < end and _kept(line, filters)
                ]
        entries.sort(key=lambda e: e[0], reverse=direction == "backward")
        entries = entries[:limit]
        grouped: dict[int, dict[str, Any]] = {}
        for ts, line, key, labels in entries:
            grouped.setdefault(key, {"stream": labels, "values": []})["values"].append([str(ts), line])
        return {
            "status": "success",
            "data": {
                "resultType": "streams",
                "result": list(grouped.values()),
                "stats": {"summary": {"totalEntriesReturned": len(entries)}},
            },
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path, params = query_of(self.path)
                request = {"path": path, "params": params, "tenant": self.headers.get("X-Scope-OrgID")}
                standin.requests.append(request)
                if standin.hang_seconds:
                    time.sleep(standin.hang_seconds)
                fault = standin.fault(request)
                if fault:
                    return send_text(self, *fault)
                if path != "/loki/api/v1/query_range":
                    return send_text(self, 404, "404 page not found")
                if not request["tenant"]:
                    return send_text(self, 401, "no org id")
                missing = [k for k in ("query", "start", "end") if k not in params]
                if missing:
                    return send_text(self, 400, f"missing {missing[0]}")
                try:
                    send_json(self, 200, standin.answer(request["tenant"], params))
                except ValueError as exc:
                    send_text(self, 400, str(exc))

        return Handler
