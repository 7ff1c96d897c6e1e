"""CloudWatch: log events from the service's log groups (errors first, bounded) and its metrics.

Log groups come from patterns such as `/ecs/{service}`; metrics from ListMetrics in the configured
namespaces, for every resource whose dimension value is the service's name (ECS service, Lambda
function, RDS instance, SQS queue, DynamoDB table, ...). Bodies are kept in the FilterLogEvents and
GetMetricData shapes, timestamps as ISO 8601 text (a bundle's `cloudwatch/...`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, ClassVar

from annotated_types import Ge, Gt

from collectors import reading
from collectors.base import ClusterContext, Document, Evidence, LogLine, MetricSeries, Scope, SourceKind
from collectors.naming import RESOURCE_DIMENSIONS, parse_line, resource_from_log_group
from kernel import CloudDoctorError, Problem

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


@dataclass(frozen=True, slots=True)
class CloudWatchConfig:
    """`clusters[].cloudwatch` in the settings."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    region: str | None = None  # default: the cluster's region
    log_groups: list[str] = field(default_factory=lambda: ["/ecs/{service}", "/aws/lambda/{service}"])
    metric_namespaces: list[str] = field(
        default_factory=lambda: ["AWS/ECS", "AWS/Lambda", "AWS/RDS", "AWS/SQS", "AWS/DynamoDB"]
    )
    resources: dict[str, list[str]] = field(default_factory=dict)  # service -> its database, queue, table...
    endpoint_url: str | None = None  # a VPC endpoint (or the tests' moto server)
    role_arn: str | None = None  # assume this role (STS, refreshed); default: boto3's credential chain
    timeout_seconds: Annotated[float, Gt(0)] = 15.0
    max_events: Annotated[int, Ge(100)] = 20_000


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


def live(config: CloudWatchConfig, cluster: ClusterContext) -> CloudWatchSource:
    region = config.region or cluster.region
    if not region:
        raise CloudDoctorError(f"clusters.{cluster.name}.cloudwatch: give a region (or the cluster's region)")
    return CloudWatchSource(
        cluster.name,
        region,
        cluster.service,
        config.log_groups,
        config.metric_namespaces,
        resources=config.resources.get(cluster.service, []),
        role_arn=config.role_arn,
        endpoint_url=config.endpoint_url,
        timeout_seconds=config.timeout_seconds,
        max_events=config.max_events,
    )


def read_log_events(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    """`cloudwatch/logs/*.json`: a FilterLogEvents response and the log group it came from."""
    group = doc.get("logGroupName")
    if not isinstance(group, str) or not group:
        problems.append(Problem(rel, "logGroupName", "required: the log group the events came from"))
        return
    events = reading.listed(rel, doc, problems, "FilterLogEvents", "events")
    if events is None:
        return
    region = str(doc.get("region", ""))
    runs: list[tuple[str, list[LogLine]]] = []  # a batch per run of one log stream's events, in read order
    for i, event in enumerate(events):
        if not isinstance(event, dict) or not isinstance(event.get("message"), str):
            problems.append(Problem(rel, f"response.events[{i}].message", "required string"))
            break
        if not isinstance(event.get("timestamp"), int | float) or not math.isfinite(event["timestamp"]):
            problems.append(Problem(rel, f"response.events[{i}].timestamp", "required: epoch milliseconds"))
            break
        stream = str(event.get("logStreamName", ""))
        message, level, named = parse_line(event["message"])
        resource = named or resource_from_log_group(group, stream)
        if not runs or runs[-1][0] != stream:
            runs.append((stream, []))
        runs[-1][1].append((event["timestamp"] / 1000, level, message, resource))
    for stream, lines in runs:
        ev.logs.add("cloudwatch", group, {"log_group": group, "region": region, "log_stream": stream}, lines)


def read_metric_data(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    """`cloudwatch/metrics/*.json`: a GetMetricData response and the MetricDataQueries sent."""
    results = reading.listed(rel, doc, problems, "GetMetricData", "MetricDataResults")
    if results is None:
        return
    queries = {q.get("Id"): q for q in doc.get("queries", []) if isinstance(q, dict)}
    for i, res in enumerate(results):
        fld = f"response.MetricDataResults[{i}]"
        if not isinstance(res, dict):
            problems.append(Problem(rel, fld, "must be an object"))
            continue
        stamps, values = res.get("Timestamps"), res.get("Values")
        if not isinstance(stamps, list) or not isinstance(values, list) or len(stamps) != len(values):
            problems.append(Problem(rel, fld, "Timestamps and Values must be lists of equal length"))
            continue
        points: list[tuple[float, float]] = []
        for stamp, value in zip(stamps, values, strict=True):
            when = reading.parse_time(stamp, rel, f"{fld}.Timestamps", problems)
            if when is None:
                return
            points.append((when.timestamp(), float(value)))
        points.sort()
        stat = queries.get(res.get("Id"), {}).get("MetricStat", {})
        metric = stat.get("Metric", {})
        labels = {d["Name"]: str(d["Value"]) for d in metric.get("Dimensions", []) if "Name" in d and "Value" in d}
        labels["namespace"] = str(metric.get("Namespace", ""))
        labels["stat"] = str(stat.get("Stat", ""))
        name = str(metric.get("MetricName") or res.get("Label") or res.get("Id"))
        resource = next((labels[d] for d in RESOURCE_DIMENSIONS if d in labels), "unknown")
        ev.metrics.append(MetricSeries("cloudwatch", str(res.get("Id", "")), name, resource, labels, points))


SOURCE = SourceKind(
    "cloudwatch",
    CloudWatchConfig,
    live,
    {"cloudwatch/logs": read_log_events, "cloudwatch/metrics": read_metric_data},
)
