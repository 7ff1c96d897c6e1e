"""Prometheus: a curated set of range queries (saturation, restarts, errors, autoscaling) for a namespace.

Every query is templated by namespace, its step chosen so no series exceeds `max_points`; the body
Prometheus returns for each is kept as it came (a bundle's `prometheus/<name>.json`), except that a
namespace with more than `max_series` series in a query keeps the ones that matter (see `bounded`).
"""

from __future__ import annotations

import functools
import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from annotated_types import Ge, Gt

from collectors import reading
from collectors.base import ClusterContext, Document, Evidence, MetricSeries, Scope, SourceKind
from collectors.naming import resource_from_labels
from kernel import Problem

PARALLEL_REQUESTS = 4
# name -> PromQL; {ns} is the namespace. Documented in the README; each feeds analyzers/metrics.py.
QUERIES: dict[str, str] = {
    "memory": 'max by (namespace, pod, container) (container_memory_working_set_bytes{{namespace="{ns}", '
              'container!="", container!="POD"}})',
    "memory-limit": 'max by (namespace, pod, container) (kube_pod_container_resource_limits{{namespace="{ns}", '
                    'resource="memory"}})',
    "cpu": 'sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{{namespace="{ns}", '
           'container!=""}}[5m]))',
    "cpu-limit": 'max by (namespace, pod, container) (kube_pod_container_resource_limits{{namespace="{ns}", '
                 'resource="cpu"}})',
    "cpu-throttling": 'sum by (namespace, pod, container) (rate(container_cpu_cfs_throttled_periods_total'
                      '{{namespace="{ns}"}}[5m])) / sum by (namespace, pod, container) '
                      '(rate(container_cpu_cfs_periods_total{{namespace="{ns}"}}[5m]))',
    "restarts": 'sum by (namespace, pod, container) (kube_pod_container_status_restarts_total{{namespace="{ns}"}})',
    "http-5xx": 'sum by (namespace, service) (rate(http_requests_total{{namespace="{ns}", code=~"5.."}}[5m])) / '
                'sum by (namespace, service) (rate(http_requests_total{{namespace="{ns}"}}[5m]))',
    "hpa": 'kube_horizontalpodautoscaler_status_current_replicas{{namespace="{ns}"}}',
    "hpa-max": 'kube_horizontalpodautoscaler_spec_max_replicas{{namespace="{ns}"}}',
}  # fmt: skip


# limit query -> the usage query it bounds; a usage series is ranked by how close it came to its limit
LIMIT_OF_USAGE = {"memory-limit": "memory", "cpu-limit": "cpu", "hpa-max": "hpa"}
RANK_BY_INCREASE = {"restarts"}  # counters: what rose in the window, not what was always high


@dataclass(frozen=True, slots=True)
class PrometheusConfig:
    """`clusters[].prometheus` in the settings."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    url: str
    namespace: str = "default"  # the namespace whose workloads the curated queries look at
    bearer_token_env: str | None = None  # name of the environment variable holding the token
    basic_auth_user: str | None = None
    basic_auth_password_env: str | None = None
    sigv4_region: str | None = None  # Amazon Managed Prometheus: sign requests with SigV4 (boto3 credentials)
    timeout_seconds: Annotated[float, Gt(0)] = 15.0
    max_points: Annotated[int, Ge(10)] = 240
    max_series: Annotated[int, Ge(5)] = 100  # a query's series beyond this: the ones that matter are kept


class PrometheusSource:
    def __init__(
        self,
        cluster: str,
        url: str,
        namespace: str,
        bearer_token: str | None = None,
        basic_auth: tuple[str, str] | None = None,
        timeout_seconds: float = 15.0,
        max_points: int = 240,
        sigv4_region: str | None = None,
        max_series: int = 100,
    ) -> None:
        self.name, self.url, self.cluster = f"prometheus:{cluster}", url.rstrip("/"), cluster
        self.namespace, self.timeout, self.max_points = namespace, timeout_seconds, max_points
        self.max_series = max_series
        self.headers = {"Authorization": f"Bearer {bearer_token}"} if bearer_token else {}
        self.auth: Any = SigV4Auth(sigv4_region) if sigv4_region else basic_auth

    def step(self, scope: Scope) -> int:
        seconds = scope.window.end_ts - scope.window.start_ts
        return max(15, math.ceil(seconds / self.max_points))

    def fetch(self, scope: Scope) -> list[Document]:
        from prometheus_api_client import PrometheusConnect
        from urllib3.util.retry import Retry

        # Back off on 5xx and throttling only (never on 4xx), a few times, inside the source's timeout.
        retry = Retry(
            total=2,
            backoff_factor=0.3,
            status_forcelist=(429, 502, 503, 504),
            allowed_methods=("GET",),
            raise_on_status=False,
        )
        client = PrometheusConnect(
            url=self.url, headers=self.headers, auth=self.auth, retry=retry, timeout=self.timeout
        )
        step = f"{self.step(scope)}s"

        def run(name: str) -> tuple[str, str, list[dict[str, Any]]]:
            query = QUERIES[name].format(ns=self.namespace)
            result: Any = client.custom_query_range(
                query, start_time=scope.window.start, end_time=scope.window.end, step=step
            )
            return name, query, result

        with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:  # independent queries
            answers = list(pool.map(run, QUERIES))
        kept = bounded({name: result for name, _, result in answers}, self.max_series)
        return [
            Document(
                "prometheus",
                f"{self.cluster}-{name}",
                {
                    "query": query,
                    "cluster": self.cluster,
                    "response": {"status": "success", "data": {"resultType": "matrix", "result": kept[name]}},
                },
            )
            for name, query, _ in answers
        ]


def bounded(results: dict[str, list[dict[str, Any]]], max_series: int) -> dict[str, list[dict[str, Any]]]:
    """At most `max_series` series a query, keeping those that matter to a diagnosis.

    Usage series rank by how close they came to their limit (then by peak), counters by their increase,
    the rest by peak; a limit query keeps the limits of the usage series kept. A big namespace's
    culprit is often small: ranking memory by bytes alone would drop a 500 MiB pod at its 512 MiB limit.
    """
    limits = {
        usage: {_identity(s): _peak(s) for s in results.get(limit, [])} for limit, usage in LIMIT_OF_USAGE.items()
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for name, series in results.items():
        if name in LIMIT_OF_USAGE or len(series) <= max_series:
            out[name] = series
            continue
        rank = functools.partial(_rank, name, limits.get(name, {}))
        out[name] = sorted(series, key=rank, reverse=True)[:max_series]
    for limit, usage in LIMIT_OF_USAGE.items():  # a limit only serves the usage series it pairs with
        if limit in results and (len(results[limit]) > max_series or len(out[usage]) < len(results[usage])):
            wanted = {_identity(s) for s in out[usage]}
            out[limit] = [s for s in results[limit] if _identity(s) in wanted]
    return out


def _rank(name: str, limit_of: dict[tuple[tuple[str, str], ...], float], s: dict[str, Any]) -> tuple[float, float]:
    if name in RANK_BY_INCREASE:
        values = _values(s)
        return (values[-1] - values[0] if values else 0.0, _peak(s))
    limit = limit_of.get(_identity(s))
    return (_peak(s) / limit if limit else 0.0, _peak(s))


def _identity(series: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """What pairs a usage series with its limit: the labels less the metric's name and resource kind."""
    return tuple(
        sorted((k, v) for k, v in series.get("metric", {}).items() if k not in ("__name__", "resource", "unit"))
    )


def _values(series: dict[str, Any]) -> list[float]:
    out = []
    for _, value in series.get("values", []):
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number):
            out.append(number)
    return out


def _peak(series: dict[str, Any]) -> float:
    return max(_values(series), default=0.0)


class SigV4Auth:
    """requests auth for Amazon Managed Prometheus: each request signed with SigV4 for the `aps` service.

    Credentials come from boto3's default chain or the keyless web identity (and refresh with it), never from
    the settings.
    """

    def __init__(self, region: str, service: str = "aps") -> None:
        from kernel.aws import session

        self.region, self.service = region, service
        self.session = session(region)

    def __call__(self, request: Any) -> Any:
        from botocore.auth import SigV4Auth as Signer
        from botocore.awsrequest import AWSRequest

        credentials = self.session.get_credentials()
        if credentials is None:
            raise PermissionError("no AWS credentials for SigV4 (Amazon Managed Prometheus)")
        aws = AWSRequest(method=request.method, url=request.url, data=request.body or b"")
        Signer(credentials.get_frozen_credentials(), self.service, self.region).add_auth(aws)
        request.headers.update(dict(aws.headers))
        return request


def live(config: PrometheusConfig, cluster: ClusterContext) -> PrometheusSource:
    user = config.basic_auth_user
    auth = (user, cluster.secret(config.basic_auth_password_env) or "") if user else None
    return PrometheusSource(
        cluster.name,
        config.url,
        config.namespace,
        bearer_token=cluster.secret(config.bearer_token_env),
        basic_auth=auth,
        timeout_seconds=config.timeout_seconds,
        max_points=config.max_points,
        sigv4_region=config.sigv4_region,
        max_series=config.max_series,
    )


def read_matrix(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    """`prometheus/*.json`: a query_range matrix body."""
    query = str(doc.get("query", ""))
    cluster = str(doc.get("cluster", ""))
    metric = doc.get("metric") or _metric_name(query)
    for i, series in enumerate(reading.result(rel, doc, problems, "matrix")):
        labels = reading.labels(series.get("metric") if isinstance(series, dict) else None)
        values = series.get("values") if isinstance(series, dict) else None
        if not isinstance(values, list):
            problems.append(Problem(rel, f"response.data.result[{i}].values", "must be a list of [time, value]"))
            continue
        try:
            points = [(float(t), float(v)) for t, v in values]
        except (TypeError, ValueError):
            problems.append(Problem(rel, f"response.data.result[{i}].values", 'each must be [unix_seconds, "value"]'))
            continue
        if cluster:
            labels.setdefault("cluster", cluster)
        name = labels.get("__name__", metric)
        ev.metrics.append(MetricSeries("prometheus", query, name, resource_from_labels(labels), labels, points))


def _metric_name(query: str) -> str:
    """The first metric name in a PromQL query (functions and keywords are skipped)."""
    bare = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", query)
    for token in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*[{\[)]|\s*$)", bare):
        if token not in {"by", "without", "sum", "rate", "max", "min", "avg", "on", "ignoring"}:
            return str(token)
    return query


SOURCE = SourceKind("prometheus", PrometheusConfig, live, {"prometheus": read_matrix})
