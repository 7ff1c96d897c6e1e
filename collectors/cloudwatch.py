"""CloudWatch: log events from the service's log groups (errors first, bounded) and its metrics.

Log groups come from patterns such as `/ecs/{service}`; metrics from ListMetrics in the configured
namespaces, for every resource whose dimension value is the service's name (ECS service, Lambda
function, RDS instance, SQS queue, DynamoDB table, ...). Bodies are kept in the FilterLogEvents and
GetMetricData shapes, timestamps as ISO 8601 text (a bundle's `cloudwatch/...`).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from collectors.base import Document, Scope
from collectors.naming import RESOURCE_DIMENSIONS

ERROR_PATTERN = "?ERROR ?Error ?error ?Exception ?FATAL ?Fatal ?panic ?Timeout ?timed ?refused ?denied ?Denied ?Killed"
# How to aggregate each metric over a period: the statistic that shows trouble.
STATISTICS = {
    "CPUUtilization": "Average",
    "MemoryUtilization": "Average",
    "FreeStorageSpace": "Minimum",
    "DatabaseConnections": "Maximum",
    "Duration": "Maximum",
    "ApproximateAgeOfOldestMessage": "Maximum",
    "ApproximateNumberOfMessagesVisible": "Maximum",
    "UnHealthyHostCount": "Maximum",
    "HealthyHostCount": "Minimum",
    "TargetResponseTime": "Maximum",
}


class CloudWatchSource:
    def __init__(
        self,
        cluster: str,
        region: str,
        service: str,
        log_groups: list[str],
        namespaces: list[str],
        resources: list[str] | None = None,
        role_arn: str | None = None,
        endpoint_url: str | None = None,
        timeout_seconds: float = 15.0,
        max_events: int = 20_000,
        max_bytes: int = 8 * 2**20,
        max_points: int = 240,
    ) -> None:
        self.name = f"cloudwatch:{cluster}"
        self.cluster, self.region, self.service = cluster, region, service
        self.url = endpoint_url or f"https://logs.{region}.amazonaws.com"
        self.log_groups = [g.replace("{service}", service) for g in log_groups]
        self.namespaces, self.endpoint_url, self.timeout = namespaces, endpoint_url, timeout_seconds
        self.resources = {service, *(resources or [])}  # dimension values whose metrics we want
        self.role_arn = role_arn
        self._session: Any = None
        self.max_events, self.max_bytes, self.max_points = max_events, max_bytes, max_points

    def _client(self, name: str) -> Any:
        from botocore.config import Config

        from kernel.aws import session

        config = Config(
            connect_timeout=5, read_timeout=self.timeout, retries={"mode": "standard", "total_max_attempts": 3}
        )  # 5xx and throttling only
        if self._session is None:
            self._session = session(self.region, self.role_arn, self.endpoint_url)
        return self._session.client(name, endpoint_url=self.endpoint_url, config=config)

    def fetch(self, scope: Scope) -> list[Document]:
        logs, metrics = self._client("logs"), self._client("cloudwatch")
        documents = [self._log_group(logs, group, scope) for group in self.log_groups]
        metric_doc = self._metrics(metrics, scope)
        return documents + ([metric_doc] if metric_doc else [])

    def _log_group(self, client: Any, group: str, scope: Scope) -> Document:
        """Errors first, then everything, deduplicated by event id and bounded by events and bytes."""
        start, end = int(scope.window.start_ts * 1000), int(scope.window.end_ts * 1000)
        events: dict[str, dict[str, Any]] = {}
        size = 0
        for pattern in (ERROR_PATTERN, None):
            kwargs: dict[str, Any] = {"logGroupName": group, "startTime": start, "endTime": end}
            if pattern:
                kwargs["filterPattern"] = pattern
            for page in client.get_paginator("filter_log_events").paginate(**kwargs):
                for event in page.get("events", []):
                    if len(events) >= self.max_events or size >= self.max_bytes:
                        break
                    if event["eventId"] not in events:
                        events[event["eventId"]] = {
                            k: event[k]
                            for k in ("logStreamName", "timestamp", "message", "ingestionTime", "eventId")
                            if k in event
                        }
                        size += len(event.get("message", ""))
                if len(events) >= self.max_events or size >= self.max_bytes:
                    break
        body = {"events": sorted(events.values(), key=lambda e: e["timestamp"]), "searchedLogStreams": []}
        name = f"{self.cluster}-{group.strip('/').replace('/', '-')}"
        return Document("cloudwatch/logs", name, {"logGroupName": group, "region": self.region, "response": body})

    def _metrics(self, client: Any, scope: Scope) -> Document | None:
        queries: list[dict[str, Any]] = []
        for namespace in self.namespaces:
            for page in client.get_paginator("list_metrics").paginate(Namespace=namespace):
                for metric in page.get("Metrics", []):
                    dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
                    if not any(dims.get(key) in self.resources for key in RESOURCE_DIMENSIONS):
                        continue
                    queries.append({"Id": f"m{len(queries)}", "ReturnData": True, "MetricStat": {
                        "Metric": {"Namespace": namespace, "MetricName": metric["MetricName"],
                                   "Dimensions": metric.get("Dimensions", [])},
                        "Period": self._period(scope),
                        "Stat": STATISTICS.get(metric["MetricName"], "Sum" if "Count" in metric["MetricName"]
                                               or metric["MetricName"] in ("Errors", "Throttles") else "Average"),
                    }})  # fmt: skip
        if not queries:
            return None
        results: list[dict[str, Any]] = []
        for batch in range(0, len(queries), 500):  # GetMetricData takes 500 queries at most
            kwargs = {
                "MetricDataQueries": queries[batch : batch + 500],
                "StartTime": scope.window.start,
                "EndTime": scope.window.end,
            }
            for page in client.get_paginator("get_metric_data").paginate(**kwargs):
                results += [_jsonable(r) for r in page.get("MetricDataResults", [])]
        body = {"MetricDataResults": results, "Messages": []}
        return Document(
            "cloudwatch/metrics",
            f"{self.cluster}-{self.service}",
            {"region": self.region, "queries": queries, "response": body},
        )

    def _period(self, scope: Scope) -> int:
        seconds = scope.window.end_ts - scope.window.start_ts
        return max(60, 60 * math.ceil(seconds / self.max_points / 60))


def _jsonable(result: dict[str, Any]) -> dict[str, Any]:
    stamps = [t.isoformat() if isinstance(t, datetime) else str(t) for t in result.get("Timestamps", [])]
    return {
        "Id": result["Id"],
        "Label": result.get("Label", ""),
        "Timestamps": stamps,
        "Values": [float(v) for v in result.get("Values", [])],
        "StatusCode": result.get("StatusCode", ""),
    }
