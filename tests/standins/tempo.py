"""A stand-in for Tempo's query API: `GET /api/search` (TraceQL; `q`, `start` and `end` in unix seconds are
required, 400 with Tempo's plain-text "invalid TraceQL query" otherwise) and `GET /api/traces/<id>` (the
trace's OTLP JSON, base64 ids; 404 "trace not found"). A multi-tenant Tempo refuses a request without its
`X-Scope-OrgID` (401 "no org id"). The TraceQL the source writes is evaluated: the service, `status = error`,
`kind = server` and `duration > Nms` conditions, and `&&` between spansets."""

from __future__ import annotations

import re
from typing import Any

from tests.standins._http import LoopbackStandIn, QuietHandler, query_of, send_json, send_text

_SPANSET = re.compile(r"\{([^{}]*)\}")


def _spans(trace: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for batch in trace["batches"]:
        service = next(a["value"]["stringValue"] for a in batch["resource"]["attributes"] if a["key"] == "service.name")
        out += [(service, s) for group in batch["scopeSpans"] for s in group["spans"]]
    return out


def _matches(condition: str, service: str, span: dict[str, Any]) -> bool:
    for part in (p.strip() for p in condition.split("&&")):
        if m := re.fullmatch(r'resource\.service\.name = "([^"]+)"', part):
            ok = service == m.group(1)
        elif part == "status = error":
            ok = span.get("status", {}).get("code") == "STATUS_CODE_ERROR"
        elif m := re.fullmatch(r"kind = (\w+)", part):
            ok = span["kind"] == f"SPAN_KIND_{m.group(1).upper()}"
        elif m := re.fullmatch(r"duration > (\d+)ms", part):
            ok = (int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])) / 1e6 > int(m.group(1))
        else:
            raise ValueError(part)
    return ok


def parse(query: str) -> list[str]:
    """The spansets of `{ a } && { b }`; ValueError for what this stand-in (and the source) does not write."""
    sets = _SPANSET.findall(query)
    rest = _SPANSET.sub("", query).replace("&&", "").strip()
    if not sets or rest:
        raise ValueError(query)
    return sets


class TempoStandIn(LoopbackStandIn):
    def __init__(self, traces: dict[str, dict[str, Any]], tenant: str | None = None) -> None:
        self.traces, self.tenant = traces, tenant  # hex trace id → the /api/traces body
        self.requests: list[dict[str, Any]] = []
        self.serve()

    def search(self, query: str, start: int, end: int, limit: int) -> list[dict[str, Any]]:
        found = []
        for trace_id, trace in sorted(self.traces.items()):
            spans = _spans(trace)
            first = min(int(s["startTimeUnixNano"]) for _, s in spans) / 1e9
            if not start <= first <= end:
                continue
            if all(any(_matches(c, svc, s) for svc, s in spans) for c in parse(query)):
                root = next(s for _, s in spans if not s.get("parentSpanId"))
                found.append({"traceID": trace_id, "rootServiceName": spans[0][0], "rootTraceName": root["name"],
                              "startTimeUnixNano": root["startTimeUnixNano"], "durationMs": 1})  # fmt: skip
        return found[:limit]

    def _handler(self) -> type[QuietHandler]:
        standin = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path, params = query_of(self.path)
                standin.requests.append({"path": path, "params": params, "headers": dict(self.headers)})
                if standin.tenant and self.headers.get("X-Scope-OrgID") != standin.tenant:
                    return send_text(self, 401, "no org id")
                if path == "/api/search":
                    try:
                        start, end = int(params["start"]), int(params["end"])
                        traces = standin.search(params["q"], start, end, int(params.get("limit", "20")))
                    except KeyError as exc:
                        return send_text(self, 400, f"invalid request: missing {exc.args[0]}")
                    except ValueError as exc:
                        return send_text(self, 400, f"invalid TraceQL query: parse error near {exc}")
                    return send_json(self, 200, {"traces": traces, "metrics": {"inspectedBytes": "1024"}})
                if m := re.fullmatch(r"/api/traces/([0-9a-f]+)", path):
                    if m.group(1) not in standin.traces:
                        return send_text(self, 404, "trace not found")
                    return send_json(self, 200, standin.traces[m.group(1)])
                return send_text(self, 404, "404 page not found")

        return Handler
