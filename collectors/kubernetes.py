"""Kubernetes: events, pods, workloads, services and endpoints, nodes, HPAs and quotas of the namespaces.

Uses the official client for auth and transport (kubeconfig context or in-cluster), keeps the raw list
bodies (`_preload_content=False`), and turns them into the `kubectl get -o json` v1 List a bundle holds.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Protocol

from annotated_types import Gt

from collectors import reading
from collectors._eks import EksAuth, EksTarget
from collectors._gke import GkeAuth, GkeTarget
from collectors.base import ClusterContext, Document, Evidence, KubeObject, Scope, SourceKind
from kernel import Problem

# (kind, API group path, resource, namespaced)
KINDS: tuple[tuple[str, str, str, bool], ...] = (
    ("Event", "/api/v1", "events", True),
    ("Pod", "/api/v1", "pods", True),
    ("Service", "/api/v1", "services", True),
    ("Endpoints", "/api/v1", "endpoints", True),
    ("ResourceQuota", "/api/v1", "resourcequotas", True),
    ("Deployment", "/apis/apps/v1", "deployments", True),
    ("ReplicaSet", "/apis/apps/v1", "replicasets", True),
    ("StatefulSet", "/apis/apps/v1", "statefulsets", True),
    ("Job", "/apis/batch/v1", "jobs", True),
    ("HorizontalPodAutoscaler", "/apis/autoscaling/v2", "horizontalpodautoscalers", True),
    ("Node", "/api/v1", "nodes", False),
    ("Certificate", "/apis/cert-manager.io/v1", "certificates", True),  # cert-manager's CRD, where installed
)
OPTIONAL = {"Certificate"}  # a CRD the cluster may not have: its 404 is an empty list, not a failed source
PAGE_SIZE = 500  # items per list request; large namespaces are read in pages, as kubectl does
API_VERSIONS = {"/api/v1": "v1", "/apis/apps/v1": "apps/v1", "/apis/autoscaling/v2": "autoscaling/v2",
                "/apis/batch/v1": "batch/v1", "/apis/cert-manager.io/v1": "cert-manager.io/v1"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class KubernetesConfig:
    """`clusters[].kubernetes` in the settings."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    context: str | None = None  # a kubeconfig context; default the current one
    in_cluster: bool = False  # use the pod's service account instead of a kubeconfig
    namespaces: list[str] = field(default_factory=list)  # default: the cluster's namespace
    host: str | None = None  # an explicit API server URL (with token_env or eks), e.g. through a proxy
    token_env: str | None = None
    eks: EksTarget | None = None  # an EKS cluster: its endpoint and CA from DescribeCluster, a token from STS
    gke: GkeTarget | None = None  # a GKE cluster: endpoint and CA from the Container API, the account's token
    timeout_seconds: Annotated[float, Gt(0)] = 15.0


class KubernetesSource:
    def __init__(
        self,
        cluster: str,
        namespaces: list[str],
        context: str | None = None,
        in_cluster: bool = False,
        host: str | None = None,
        token: str | None = None,
        timeout_seconds: float = 15.0,
        max_items: int = 5000,
        auth: ClusterAuth | None = None,
    ) -> None:
        self.name, self.cluster, self.namespaces = f"kubernetes:{cluster}", cluster, namespaces
        self.context, self.in_cluster, self.host, self.token = context, in_cluster, host, token
        self.timeout, self.max_items, self.auth = timeout_seconds, max_items, auth
        self.url = host or (auth.label if auth else f"kubeconfig:{context or 'current-context'}")

    def _api(self) -> Any:
        from kubernetes import client, config

        if self.auth is not None:  # EKS or GKE: endpoint and CA from the cloud (or `host`), a fresh token
            configuration = client.Configuration()
            if self.host:
                configuration.host = self.host
            else:
                configuration.host, ca = self.auth.endpoint()
                configuration.ssl_ca_cert = _ca_file(ca)
            auth = self.auth

            def refresh(conf: Any) -> None:  # the client asks before every request
                conf.api_key = {"authorization": f"Bearer {auth.bearer()}"}

            configuration.refresh_api_key_hook = refresh
            configuration.api_key = {"authorization": f"Bearer {auth.bearer()}"}
            return client.ApiClient(configuration)
        if self.host:  # an explicit API server (tests, or a proxy)
            configuration = client.Configuration()
            configuration.host = self.host
            if self.token:
                configuration.api_key = {"authorization": f"Bearer {self.token}"}
            return client.ApiClient(configuration)
        if self.in_cluster:
            config.load_incluster_config()
            return client.ApiClient()
        return config.new_client_from_config(context=self.context)

    def fetch(self, scope: Scope) -> list[Document]:
        api = self._api()
        requests = [
            (kind, group, f"{group}/namespaces/{ns}/{resource}" if namespaced else f"{group}/{resource}")
            for kind, group, resource, namespaced in KINDS
            for ns in (self.namespaces if namespaced else [""])
        ]
        from concurrent.futures import ThreadPoolExecutor  # live collection only: a bundle's reader needs none

        items: list[dict[str, Any]] = []
        try:
            with ThreadPoolExecutor(max_workers=4) as pool:  # independent list calls
                listed = pool.map(lambda request: self._list(api, request[2], request[0] in OPTIONAL), requests)
                for (kind, group, _path), found in zip(requests, listed, strict=True):
                    items += [{"apiVersion": API_VERSIONS[group], "kind": kind, **item} for item in found]
        finally:
            api.close()
        body = {
            "apiVersion": "v1",
            "kind": "List",
            "items": items,  # each list is bounded by max_items; a total cap would drop the kinds listed last
            "metadata": {"resourceVersion": ""},
        }
        return [Document("kubernetes", f"{self.cluster}-state", {"cluster": self.cluster, "response": body})]

    def _list(self, api: Any, path: str, optional: bool = False) -> list[dict[str, Any]]:
        """Every item of one list endpoint, page by page (`limit` + `continue`), up to `max_items`."""
        from kubernetes.client.exceptions import ApiException

        items: list[dict[str, Any]] = []
        token = ""
        while True:
            params: list[tuple[str, Any]] = [("limit", min(PAGE_SIZE, self.max_items - len(items)))]
            if token:
                params.append(("continue", token))
            try:
                response = self._call(api, path, params)
            except ApiException as exc:
                if optional and exc.status == 404:  # the CRD is not installed
                    return []
                raise
            raw = response[0].data if isinstance(response, tuple) else response.data
            body = json.loads(raw)
            page = body.get("items")
            if not isinstance(page, list):
                raise ValueError(f"{path}: the API server's answer has no items list")
            items += page
            token = (body.get("metadata") or {}).get("continue") or ""
            if not token or len(items) >= self.max_items:
                return items[: self.max_items]

    def _call(self, api: Any, path: str, params: list[tuple[str, Any]]) -> Any:
        return api.call_api(
            path,
            "GET",
            header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"],
            _preload_content=False,
            _request_timeout=self.timeout,
            query_params=params,
        )


def live(config: KubernetesConfig, cluster: ClusterContext) -> KubernetesSource:
    return KubernetesSource(
        cluster.name,
        config.namespaces or [cluster.namespace],
        context=config.context,
        in_cluster=config.in_cluster,
        host=config.host,
        token=cluster.secret(config.token_env),
        timeout_seconds=config.timeout_seconds,
        auth=_cluster_auth(config, cluster),
    )


class ClusterAuth(Protocol):
    """A managed cluster's credentials: a bearer token kept fresh, and the API server's URL and CA file."""

    @property
    def label(self) -> str: ...

    def bearer(self) -> str: ...

    def endpoint(self) -> tuple[str, bytes]: ...


@functools.cache
def _ca_file(pem: bytes) -> str:
    """A file holding a cluster's CA, as the Kubernetes client takes it: one per certificate per process."""
    import tempfile

    with tempfile.NamedTemporaryFile("wb", prefix="cluster-ca-", suffix=".pem", delete=False) as out:
        out.write(pem)
    return out.name


def _cluster_auth(config: KubernetesConfig, cluster: ClusterContext) -> ClusterAuth | None:
    if config.eks is not None:
        return EksAuth(config.eks, config.eks.region or cluster.region or "us-east-1")
    if config.gke is not None:
        return GkeAuth(config.gke)
    return None


# The kinds the analyzers read (docs/incident-bundle.md); items of other kinds are skipped.
KUBE_KINDS = {
    "Event",
    "Pod",
    "Deployment",
    "ReplicaSet",
    "Service",
    "Endpoints",
    "Node",
    "HorizontalPodAutoscaler",
    "ResourceQuota",
    "StatefulSet",
    "Job",
    "Certificate",  # cert-manager's (listed live where the CRD is installed)
}


def read_list(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    """`kubernetes/*.json`: the output of `kubectl get <kinds> -o json`."""
    body = reading.response(rel, doc, problems, "kubectl get -o json")
    if body is None:
        return
    items = body.get("items")
    if body.get("kind") != "List" or not isinstance(items, list):
        problems.append(Problem(rel, "response", "must be a v1 List with items (kubectl get ... -o json)"))
        return
    cluster = str(doc.get("cluster", ""))
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("metadata"), dict):
            problems.append(Problem(rel, f"response.items[{i}].metadata", "required object"))
            continue
        kind = item.get("kind")
        if kind not in KUBE_KINDS:
            continue  # unknown kinds are ignored, as the contract says
        meta = item["metadata"]
        ev.kubernetes.append(
            KubeObject(str(kind), str(meta.get("name", "")), str(meta.get("namespace", "")), cluster, item)
        )


SOURCE = SourceKind("kubernetes", KubernetesConfig, live, {"kubernetes": read_list})
