"""Cloud Monitoring: the series GKE and Cloud Run write by default, for the scope's container or service, through
the REST API `projects.timeSeries.list` with the service account's token (no gRPC client: google's own library
brings grpcio and protobuf for what is one GET; measured in the README).

A curated set like Prometheus's: memory against its limit, CPU against its limit, restarts (GKE); memory and
CPU utilisation, 5xx, latency and instance count (Cloud Run). Aligned per `alignment_seconds`, paged. Recorded as
the API's own response bodies; a point's value is read from `doubleValue`, `int64Value` (a string) or a
distribution's `mean`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from annotated_types import Ge, Gt

from collectors import reading
from collectors._google import METADATA_URL, MetadataToken
from collectors._rest import json_object, retried
from collectors.base import ClusterContext, Document, Evidence, MetricSeries, Scope, SourceKind
from collectors.naming import pod_owner
from kernel import CloudDoctorError, Problem

MONITORING_URL = "https://monitoring.googleapis.com"
MAX_PAGES = 10  # a query's pages at most (a page holds up to 100,000 points)
GKE = 'resource.type="k8s_container" AND resource.labels.container_name="{service}"'
RUN = 'resource.type="cloud_run_revision" AND resource.labels.service_name="{service}"'
# (name, resource filter, metric filter, per-series aligner): what each platform writes without being asked
QUERIES: tuple[tuple[str, str, str, str], ...] = (
    ("gke-memory", GKE, 'metric.type="kubernetes.io/container/memory/used_bytes" AND '
                        'metric.labels.memory_type="non-evictable"', "ALIGN_MAX"),
    ("gke-memory-limit", GKE, 'metric.type="kubernetes.io/container/memory/limit_bytes"', "ALIGN_MAX"),
    ("gke-cpu", GKE, 'metric.type="kubernetes.io/container/cpu/limit_utilization"', "ALIGN_MAX"),
    ("gke-restarts", GKE, 'metric.type="kubernetes.io/container/restart_count"', "ALIGN_DELTA"),
    ("run-memory", RUN, 'metric.type="run.googleapis.com/container/memory/utilizations"', "ALIGN_PERCENTILE_99"),
    ("run-cpu", RUN, 'metric.type="run.googleapis.com/container/cpu/utilizations"', "ALIGN_PERCENTILE_99"),
    ("run-5xx", RUN, 'metric.type="run.googleapis.com/request_count" AND '
                     'metric.labels.response_code_class="5xx"', "ALIGN_DELTA"),
    ("run-latency", RUN, 'metric.type="run.googleapis.com/request_latencies"', "ALIGN_PERCENTILE_99"),
    ("run-instances", RUN, 'metric.type="run.googleapis.com/container/instance_count"', "ALIGN_MAX"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CloudMonitoringConfig:
    """`clusters[].cloud_monitoring` in the settings."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    project: str | None = None  # default: the cluster's project
    url: str = MONITORING_URL  # the API endpoint (a private one, or the tests' stand-in)
    metadata_url: str = METADATA_URL
    alignment_seconds: Annotated[int, Ge(60)] = 60
    max_series: Annotated[int, Ge(1)] = 100  # a query's series, paged
    timeout_seconds: Annotated[float, Gt(0)] = 15.0


class CloudMonitoringSource:
    def __init__(self, cluster: str, project: str, service: str, config: CloudMonitoringConfig) -> None:
        self.name, self.cluster, self.project, self.service = f"cloud_monitoring:{cluster}", cluster, project, service
        self.config, self.url = config, config.url.rstrip("/")
        self.token = MetadataToken(config.metadata_url, timeout=config.timeout_seconds)

    def fetch(self, scope: Scope) -> list[Document]:
        import requests

        span = scope.window.end_ts - scope.window.start_ts
        period = max(self.config.alignment_seconds, int(span // 240 // 60 * 60))
        documents = []
        with requests.Session() as client:
            for name, resource, metric, aligner in QUERIES:
                quoted = json.dumps(self.service)[1:-1]  # a filter string's escapes: a name cannot close it
                query = f"{metric} AND {resource.replace('{service}', quoted)}"
                params = {
                    "filter": query,
                    "interval.startTime": _rfc3339(scope.window.start_ts),
                    "interval.endTime": _rfc3339(scope.window.end_ts),
                    "aggregation.alignmentPeriod": f"{period}s",
                    "aggregation.perSeriesAligner": aligner,
                }  # no pageSize: it counts points, not series, and would split a series across pages
                for n, body in enumerate(self._pages(client, params)):
                    doc = {"project": self.project, "filter": query, "aligner": aligner, "response": body}
                    documents.append(Document("cloud_monitoring", f"{self.cluster}-{name}-{n}", doc))
        return documents

    def _pages(self, client: Any, params: dict[str, str]) -> list[dict[str, Any]]:
        pages: list[dict[str, Any]] = []
        fetched, token = 0, ""
        while fetched < self.config.max_series and len(pages) < MAX_PAGES:
            asked = {**params, **({"pageToken": token} if token else {})}
            body = retried(functools.partial(self._call, client, asked))
            pages.append(body)
            fetched += len(body.get("timeSeries") or [])
            token = str(body.get("nextPageToken") or "")
            if not token:
                break
        return pages

    def _call(self, client: Any, params: dict[str, str]) -> dict[str, Any]:
        response = client.get(
            f"{self.url}/v3/projects/{self.project}/timeSeries", params=params,
            headers={"Authorization": f"Bearer {self.token()}"}, timeout=self.config.timeout_seconds,
        )  # fmt: skip
        return json_object("Cloud Monitoring", response, "a timeSeries.list body")


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def live(config: CloudMonitoringConfig, cluster: ClusterContext) -> CloudMonitoringSource:
    project = config.project or cluster.project
    if not project:
        raise CloudDoctorError(f"cluster {cluster.name}: cloud_monitoring needs a project (the cluster's or its own)")
    return CloudMonitoringSource(cluster.name, project, cluster.service, config)


def read_series(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    """`cloud_monitoring/*.json`: a timeSeries.list response body (points newest first, as the API returns)."""
    found = reading.response(rel, doc, problems, "timeSeries.list")
    if found is None:
        return
    series = found.get("timeSeries", [])
    if not isinstance(series, list):
        problems.append(Problem(rel, "response.timeSeries", "must be a list (a timeSeries.list response)"))
        return
    for i, item in enumerate(series):
        where = f"response.timeSeries[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("points"), list):
            problems.append(Problem(rel, f"{where}.points", "must be a list of {interval, value}"))
            continue
        metric: dict[str, Any] = item["metric"] if isinstance(item.get("metric"), dict) else {}
        resource: dict[str, Any] = item["resource"] if isinstance(item.get("resource"), dict) else {}
        labels = {**reading.labels(resource.get("labels")), **reading.labels(metric.get("labels"))}
        points = []
        for j, point in enumerate(item["points"]):
            try:
                end = str(point["interval"]["endTime"]).replace("Z", "+00:00")
                points.append((datetime.fromisoformat(end).timestamp(), _value(point["value"])))
            except (KeyError, TypeError, ValueError):
                problems.append(Problem(rel, f"{where}.points[{j}]", "needs interval.endTime (RFC 3339) and a value "
                                        "(doubleValue, int64Value, boolValue or distributionValue)"))  # fmt: skip
                break
        name = str(metric.get("type", ""))
        if not name:
            problems.append(Problem(rel, f"{where}.metric.type", "required: the metric's type, e.g. "
                                    "run.googleapis.com/container/memory/utilizations"))  # fmt: skip
            continue
        if labels.get("response_code_class"):
            name += f'{{response_code_class="{labels["response_code_class"]}"}}'
        owner = labels.get("service_name") or (pod_owner(labels["pod_name"]) if labels.get("pod_name") else "")
        owner = owner or labels.get("container_name", "unknown")
        ev.metrics.append(
            MetricSeries("cloud_monitoring", str(doc.get("filter", "")), name, owner, labels, sorted(points))
        )


def _value(value: dict[str, Any]) -> float:
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "int64Value" in value:
        return float(value["int64Value"])
    if "distributionValue" in value:
        return float(value["distributionValue"].get("mean", 0.0))
    if "boolValue" in value:
        return float(bool(value["boolValue"]))
    raise ValueError(f"no numeric value in {sorted(value)}")


SOURCE = SourceKind("cloud_monitoring", CloudMonitoringConfig, live, {"cloud_monitoring": read_series})
