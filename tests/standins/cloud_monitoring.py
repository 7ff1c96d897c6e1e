"""A stand-in for Cloud Monitoring's `GET /v3/projects/{project}/timeSeries` (timeSeries.list): the bearer token
must be one the metadata stand-in issued (401 UNAUTHENTICATED); the filter must name a `metric.type` (400
INVALID_ARGUMENT "The provided filter doesn't refer to any known metric."); `interval.endTime` is required; a
distribution metric refuses an aligner that does not reduce a distribution (ALIGN_MAX, ALIGN_DELTA); a quota
can be spent (429 RESOURCE_EXHAUSTED). Series are matched on `metric.type`, `metric.labels.*` and
`resource.labels.*`, their points cut to the interval, paged by `pageSize` (points, as the API counts them) with
`nextPageToken`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.standins._http import LoopbackStandIn, QuietHandler, google_error, query_of, send_json

DISTRIBUTIONS = ("run.googleapis.com/container/memory/utilizations", "run.googleapis.com/container/cpu/utilizations",
                 "run.googleapis.com/request_latencies")  # fmt: skip
DISTRIBUTION_ALIGNERS = ("ALIGN_PERCENTILE_99", "ALIGN_PERCENTILE_95", "ALIGN_PERCENTILE_50", "ALIGN_MEAN",
                         "ALIGN_SUM", "ALIGN_COUNT", "ALIGN_DELTA_DISTRIBUTION")  # fmt: skip


def _time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class CloudMonitoringStandIn(LoopbackStandIn):
    def __init__(self, series: list[dict[str, Any]], valid: Callable[[str], bool], quota: int = 10_000) -> None:
        self.series, self.valid, self.quota = series, valid, quota
        self.requests: list[dict[str, str]] = []
        self.serve()

    def matching(self, query: str, start: float, end: float) -> list[dict[str, Any]]:
        kind = re.search(r'metric\.type="([^"]+)"', query)
        wanted = re.findall(r'(metric|resource)\.labels\.(\w+)="([^"]*)"', query)
        out = []
        for s in self.series:
            if kind is None or s["metric"]["type"] != kind.group(1):
                continue
            if not all(s[where].get("labels", {}).get(key) == value for where, key, value in wanted):
                continue
            points = [p for p in s["points"] if start <= _time(p["interval"]["endTime"]) <= end]
            out.append({**s, "points": points})
        return out

    def _handler(self) -> type[QuietHandler]:
        standin = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path, params = query_of(self.path)
                if not re.fullmatch(r"/v3/projects/[\w-]+/timeSeries", path):
                    return send_json(self, 404, google_error(404, "NOT_FOUND", "Requested entity was not found."))
                bearer = str(self.headers.get("Authorization", "")).removeprefix("Bearer ")
                if not standin.valid(bearer):
                    return send_json(self, 401, google_error(401, "UNAUTHENTICATED",
                                                       "Request had invalid authentication credentials."))  # fmt: skip
                standin.requests.append(params)
                if len(standin.requests) > standin.quota:
                    quota = (
                        "Quota exceeded for quota metric 'Time series queries' of service 'monitoring.googleapis.com'"
                    )
                    return send_json(self, 429, google_error(429, "RESOURCE_EXHAUSTED", quota))
                query = params.get("filter", "")
                kind = re.search(r'metric\.type="([^"]+)"', query)
                if kind is None:
                    unknown = "The provided filter doesn't refer to any known metric."
                    return send_json(self, 400, google_error(400, "INVALID_ARGUMENT", unknown))
                if "interval.endTime" not in params:
                    missing = 'Field interval.endTime had an invalid value of "".'
                    return send_json(self, 400, google_error(400, "INVALID_ARGUMENT", missing))
                aligner = params.get("aggregation.perSeriesAligner", "ALIGN_NONE")
                if kind.group(1) in DISTRIBUTIONS and aligner not in DISTRIBUTION_ALIGNERS:
                    refused = f"The aligner {aligner} is not supported for metrics of value type DISTRIBUTION."
                    return send_json(self, 400, google_error(400, "INVALID_ARGUMENT", refused))
                end = _time(params["interval.endTime"])
                start = _time(params.get("interval.startTime", params["interval.endTime"]))
                found = standin.matching(query, start, end)
                budget = int(params.get("pageSize", "100000"))  # the API's pageSize counts points, not series
                at = int(params.get("pageToken") or 0)
                page, points = [], 0
                for series in found[at:]:
                    if page and points + len(series["points"]) > budget:
                        break
                    page.append(series)
                    points += len(series["points"])
                body: dict[str, Any] = {"timeSeries": page}
                if at + len(page) < len(found):
                    body["nextPageToken"] = str(at + len(page))
                if not body["timeSeries"]:
                    body = {}  # the API leaves out an empty list
                return send_json(self, 200, body)

        return Handler
