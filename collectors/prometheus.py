"""Prometheus: a curated set of range queries (saturation, restarts, errors, autoscaling) for a namespace.

Every query is templated by namespace, its step chosen so no series exceeds `max_points`; the body
Prometheus returns for each is kept as it came (a bundle's `prometheus/<name>.json`).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from collectors.base import Document, Scope

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
    ) -> None:
        self.name, self.url, self.cluster = f"prometheus:{cluster}", url.rstrip("/"), cluster
        self.namespace, self.timeout, self.max_points = namespace, timeout_seconds, max_points
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

        def run(name: str) -> Document:
            query = QUERIES[name].format(ns=self.namespace)
            result: Any = client.custom_query_range(
                query, start_time=scope.window.start, end_time=scope.window.end, step=step
            )
            body = {"status": "success", "data": {"resultType": "matrix", "result": result}}
            return Document(
                "prometheus", f"{self.cluster}-{name}", {"query": query, "cluster": self.cluster, "response": body}
            )

        with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:  # independent queries
            return list(pool.map(run, QUERIES))


class SigV4Auth:
    """requests auth for Amazon Managed Prometheus: each request signed with SigV4 for the `aps` service.

    Credentials come from boto3's default chain (and refresh with it), never from the settings.
    """

    def __init__(self, region: str, service: str = "aps") -> None:
        import boto3

        self.region, self.service = region, service
        self.session = boto3.Session()

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
