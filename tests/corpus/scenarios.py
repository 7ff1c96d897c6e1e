"""The incident families. Each family draws its variants from a seeded `random.Random`: names, namespaces, pod
hashes, timestamps, replica counts, log styles, which service the alert names, the healthy neighbours, benign
warnings, an unrelated error that runs at the same rate before and after the onset, and the victims (callers of
the culprit, usually louder than the culprit itself).

Every message template carries a comment naming where the real text comes from. `FAMILIES` lists them all.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.corpus.build import (
    PRE_ONSET_ERRORS,
    RUNTIME,
    STYLES,
    Bundle,
    CwMetric,
    Json,
    Lines,
    Voice,
    Window,
    alertmanager,
    aws_request_id,
    benign_warnings,
    clf_time,
    cloudwatch_alarm,
    container,
    cstatus,
    deployment,
    ec2_node,
    endpoints,
    event,
    gke_node,
    hexid,
    iso,
    iso_ms,
    iso_ns,
    iso_us,
    meta,
    name_suffix,
    node,
    owner_ref,
    pod,
    pod_ip,
    pod_template_hash,
    replicaset,
    request_id,
    rfc1123,
    running,
    sawtooth,
    service,
    shape,
    sns_envelope,
    statefulset,
    steady_errors,
    terminated,
    traffic,
    uid,
    waiting,
)

# --- pools ------------------------------------------------------------------------------------------------------
BASES = [
    "checkout",
    "payments",
    "orders",
    "ledger",
    "billing",
    "search",
    "catalog",
    "cart",
    "invoices",
    "notifier",
    "shipping",
    "inventory",
    "pricing",
    "accounts",
    "reviews",
    "recommender",
    "fulfillment",
    "refunds",
    "loyalty",
    "quotes",
    "tax",
    "wishlist",
    "coupons",
    "returns",
]
SUFFIXES = ["", "", "", "-api", "-svc", "-service", "-backend"]
PREFIXES = ["", "", "", "", "prod-", "shop-"]
FRONTENDS = ["frontend", "web", "storefront", "web-bff", "gateway", "mobile-bff", "api-gateway"]
NAMESPACES = ["shop", "prod", "commerce", "apps", "backend", "storefront", "team-orders", "default", "payments"]
EKS_CLUSTERS = ["eks-prod", "prod-eu-1", "prod-use1", "k8s-main", "prod-apse2"]
GKE_CLUSTERS = ["prod-eu", "shop-prod", "main", "prod-ew1"]
REGIONS = ["eu-west-1", "us-east-1", "ap-northeast-2", "eu-central-1", "us-west-2"]
REGION_NAMES = {
    "eu-west-1": "EU (Ireland)",
    "us-east-1": "US East (N. Virginia)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "eu-central-1": "EU (Frankfurt)",
    "us-west-2": "US West (Oregon)",
}
EKS_GROUPS = ["general-a", "general-b", "ng-general-m6i", "workers-2024-06", "apps-spot", "default-ng"]
GKE_POOLS = ["default-pool", "pool-n2-standard-4", "apps-pool", "e2-highmem-pool"]


def pick_name(rng: random.Random, taken: set[str], base: str | None = None, suffixes: list[str] | None = None) -> str:
    """A service name from the pools, unique within the bundle (`payments`, `orders-api`, `prod-ledger-svc`)."""
    for _ in range(100):
        b = base or rng.choice(BASES)
        name = f"{rng.choice(PREFIXES) if base is None else ''}{b}{rng.choice(suffixes or SUFFIXES)}"
        if name not in taken and not any(name.startswith(t) or t.startswith(name) for t in taken):
            taken.add(name)
            return name
        base = None
    raise RuntimeError("name pool exhausted")


def paths_for(name: str) -> list[str]:
    core = name.removeprefix("prod-").removeprefix("shop-").split("-")[0]
    return [f"/api/v1/{core}", f"/api/v1/{core}/{{id}}", f"/api/v1/{core}?page=2", "/healthz", "/api/v1/search?q=boots"]


# --- workloads --------------------------------------------------------------------------------------------------
@dataclass
class Svc:
    """A workload and its pods: a Deployment (`<name>-<hash>-<5>` pods), a StatefulSet (`<name>-0`), a Job."""

    name: str
    ns: str
    kind: str
    style: str
    pods: list[str]
    ips: list[str]
    nodes: list[str]
    image: str
    port: int
    labels: dict[str, str]
    rs_hash: str
    uid: str
    rs_uid: str
    cluster_ip: str
    paths: list[str]
    container: str
    created: float

    @property
    def core(self) -> str:
        """The name without deployment prefixes and suffixes: `prod-orders-api` -> `orders`."""
        return self.name.removeprefix("prod-").removeprefix("shop-").split("-")[0]

    def voice(self, i: int = 0) -> Voice:
        logger = {
            "java": f"c.a.{self.core[:10]}.web.RequestLogger",
            "go": f"{self.core}/server.go:{88 + i}",
            "node": "HTTP",
            "python": f"app.{self.core}",
        }[RUNTIME[self.style]]
        return Voice(
            self.style,
            self.name,
            self.pods[i % len(self.pods)],
            logger,
            pid=1 if RUNTIME[self.style] != "python" else 7 + i,
        )

    def dns(self, rng: random.Random) -> str:
        return rng.choice(
            [
                self.name,
                f"{self.name}.{self.ns}",
                f"{self.name}.{self.ns}.svc.cluster.local",
                f"{self.name}.{self.ns}.svc",
            ]
        )

    @property
    def runtime(self) -> str:
        return RUNTIME[self.style]


IMAGES = {"java": "eclipse-temurin", "go": "distroless", "node": "node", "python": "python"}


def make_svc(
    rng: random.Random,
    name: str,
    ns: str,
    nodes: list[str],
    created: float,
    *,
    kind: str = "Deployment",
    replicas: int | None = None,
    style: str | None = None,
    label_style: str = "app",
    port: int | None = None,
) -> Svc:
    style = style or rng.choice(STYLES)
    n = replicas if replicas is not None else rng.choice([2, 2, 3, 3, 4])
    rs_hash = pod_template_hash(rng)
    if kind == "Deployment":
        pods = [f"{name}-{rs_hash}-{name_suffix(rng)}" for _ in range(n)]
    elif kind == "StatefulSet":
        pods = [f"{name}-{i}" for i in range(n)]
    else:
        pods = [f"{name}-{name_suffix(rng)}" for _ in range(n)]
    if label_style == "app":
        labels = {"app": name}
    elif label_style == "k8s":
        labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": name, "app.kubernetes.io/part-of": ns}
    else:
        labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/component": "server"}
    version = f"{rng.randint(1, 5)}.{rng.randint(0, 30)}.{rng.randint(0, 12)}"
    registry = rng.choice(
        [
            "registry.acme.io",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "europe-docker.pkg.dev/acme-prod/apps",
            "ghcr.io/acme",
        ]
    )
    return Svc(
        name=name,
        ns=ns,
        kind=kind,
        style=style,
        pods=pods,
        ips=[pod_ip(rng) for _ in range(n)],
        nodes=[rng.choice(nodes) for _ in range(n)],
        image=f"{registry}/{name}:{version}",
        port=port or rng.choice([8080, 8080, 3000, 8000, 9000]),
        labels=labels,
        rs_hash=rs_hash,
        uid=uid(rng),
        rs_uid=uid(rng),
        cluster_ip=f"172.20.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if rng.random() < 0.5
        else f"10.96.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        paths=paths_for(name),
        container=name if rng.random() < 0.85 else rng.choice(["app", "server", "api"]),
        created=created,
    )


# --- a Kubernetes scene -----------------------------------------------------------------------------------------
@dataclass
class Scene:
    """One cluster namespace at incident time: the culprit, its callers, healthy neighbours, their logs and objects."""

    b: Bundle
    ns: str
    cluster: str
    provider: str  # eks | gke
    group: str  # the node group / node pool the nodes belong to
    nodes: list[str]
    services: list[Svc] = field(default_factory=list)
    logs: dict[str, Lines] = field(default_factory=dict)  # pod name -> lines
    items: list[Json] = field(default_factory=list)
    label_scheme: str = "promtail"
    taken: set[str] = field(default_factory=set)

    @property
    def rng(self) -> random.Random:
        return self.b.rng

    @property
    def w(self) -> Window:
        return self.b.w

    def add(self, svc: Svc) -> Svc:
        self.services.append(svc)
        return svc

    def log(self, svc: Svc, i: int, lines: Lines) -> None:
        self.logs.setdefault(svc.pods[i % len(svc.pods)], []).extend(lines)

    def stream_labels(self, svc: Svc, pod_name: str, container_name: str | None = None) -> dict[str, str]:
        """Stream labels as the common Kubernetes log shippers set them (Promtail's kubernetes-pods job, the
        Grafana k8s-monitoring chart for Alloy, or a bare `namespace/pod/container` relabelling)."""
        cname = container_name or svc.container
        app = svc.labels.get("app") or svc.labels.get("app.kubernetes.io/name")
        node_name = svc.nodes[svc.pods.index(pod_name)] if pod_name in svc.pods else self.nodes[0]
        if self.label_scheme == "promtail":
            labels = {
                "namespace": svc.ns,
                "pod": pod_name,
                "container": cname,
                "job": f"{svc.ns}/{app or cname}",
                "node_name": node_name,
                "stream": "stdout",
            }
            if "app" in svc.labels:
                labels["app"] = svc.labels["app"]
            return labels
        if self.label_scheme == "alloy":
            labels = {
                "cluster": self.cluster,
                "namespace": svc.ns,
                "pod": pod_name,
                "container": cname,
                "job": f"{svc.ns}/{cname}",
                "service_name": app or cname,
            }
            if "app.kubernetes.io/name" in svc.labels:
                labels["app_kubernetes_io_name"] = svc.labels["app.kubernetes.io/name"]
            return labels
        return {"namespace": svc.ns, "pod": pod_name, "container": cname, "stream": "stdout"}

    def write_loki(self, extra: list[tuple[dict[str, str], Lines]] | None = None) -> None:
        """One Loki file per namespace, as one `{namespace="..."}` query per namespace returns them."""
        by_ns: dict[str, list[tuple[dict[str, str], Lines]]] = {}
        for svc in self.services:
            for p in svc.pods:
                if p in self.logs:
                    by_ns.setdefault(svc.ns, []).append((self.stream_labels(svc, p), self.logs[p]))
        for labels, lines in extra or []:
            by_ns.setdefault(labels.get("namespace", self.ns), []).append((labels, lines))
        for ns, streams in sorted(by_ns.items()):
            self.rng.shuffle(streams)
            query = self.rng.choice(
                [
                    f'{{namespace="{ns}"}}',
                    f'{{namespace="{ns}", container!="istio-proxy"}}',
                    f'{{cluster="{self.cluster}", namespace="{ns}"}}',
                ]
            )
            self.b.loki(ns, query, streams, cluster=self.cluster if self.rng.random() < 0.6 else None)

    def write_kube(self, file: str = "state") -> None:
        self.b.kube(file, self.items, cluster=self.cluster if self.rng.random() < 0.5 else None)


def new_scene(b: Bundle, ns: str | None = None) -> Scene:
    rng = b.rng
    provider = rng.choice(["eks", "eks", "gke"])
    cluster = rng.choice(GKE_CLUSTERS if provider == "gke" else EKS_CLUSTERS)
    if provider == "eks":
        group = rng.choice(EKS_GROUPS)
        region = rng.choice(["", "eu-west-1", "ap-northeast-2"])
        nodes = [ec2_node(rng, region) for _ in range(rng.randint(3, 6))]
    else:
        group = rng.choice(GKE_POOLS)
        nodes = [gke_node(rng, cluster, group) for _ in range(rng.randint(3, 6))]
    sc = Scene(b, ns or rng.choice(NAMESPACES), cluster, provider, group, nodes)
    sc.label_scheme = rng.choice(["promtail", "alloy", "bare"])
    return sc


def node_labels(sc: Scene, group: str | None = None) -> dict[str, str]:
    g = group or sc.group
    if sc.provider == "eks":
        return {
            "eks.amazonaws.com/nodegroup": g,
            "node.kubernetes.io/instance-type": "m6i.xlarge",
            "topology.kubernetes.io/zone": "eu-west-1a",
        }
    return {
        "cloud.google.com/gke-nodepool": g,
        "node.kubernetes.io/instance-type": "n2-standard-4",
        "topology.kubernetes.io/zone": "europe-west1-b",
    }


def add_nodes(sc: Scene, created: float | None = None) -> None:
    for n in sc.nodes:
        sc.items.append(node(n, sc.rng, created or sc.w.start - 86400 * sc.rng.randint(3, 40), node_labels(sc)))


def healthy_pod(sc: Scene, svc: Svc, i: int, restarts: int = 0) -> Json:
    created = svc.created
    st = cstatus(svc.container, svc.image, sc.rng, ready=True, restarts=restarts, state=running(created + 5))
    return svc_pod(sc, svc, i, [st])


def svc_pod(sc: Scene, svc: Svc, i: int, statuses: list[Json] | None, **kw: Any) -> Json:
    owner: Json | None
    if svc.kind == "Deployment":
        owner = owner_ref("ReplicaSet", f"{svc.name}-{svc.rs_hash}", svc.rs_uid)
        labels = {**svc.labels, "pod-template-hash": svc.rs_hash}
        gen = f"{svc.name}-{svc.rs_hash}-"
    elif svc.kind == "StatefulSet":
        owner = owner_ref("StatefulSet", svc.name, svc.uid)
        labels = {
            **svc.labels,
            "statefulset.kubernetes.io/pod-name": svc.pods[i],
            "apps.kubernetes.io/pod-index": str(i),
        }
        gen = f"{svc.name}-"
    else:
        owner = owner_ref("Job", svc.name, svc.uid, "batch/v1")
        labels = {
            **svc.labels,
            "batch.kubernetes.io/job-name": svc.name,
            "job-name": svc.name,
            "batch.kubernetes.io/controller-uid": svc.uid,
            "controller-uid": svc.uid,
        }
        gen = f"{svc.name}-"
    memory, cpu_limit = kw.pop("memory", "512Mi"), kw.pop("cpu_limit", None)
    containers = kw.pop("containers", None) or [
        container(svc.container, svc.image, port=svc.port, memory=memory, cpu_limit=cpu_limit)
    ]
    kw.setdefault("node", svc.nodes[i % len(svc.nodes)])
    kw.setdefault("ip", svc.ips[i % len(svc.ips)])
    doc = pod(
        svc.pods[i],
        svc.ns,
        sc.rng,
        kw.pop("created", svc.created),
        labels=labels,
        owner=owner,
        containers=containers,
        statuses=statuses,
        generate_name=gen,
        **kw,
    )
    doc["metadata"]["uid"] = uid(random.Random(svc.pods[i]))  # as kubelet's BackOff messages name the pod
    return doc


def workload_objects(
    sc: Scene,
    svc: Svc,
    ready: int | None = None,
    rs_conditions: list[Json] | None = None,
    dep_conditions: list[Json] | None = None,
    revision: int = 1,
) -> list[Json]:
    """The Deployment and its current ReplicaSet (or the StatefulSet) behind `svc`."""
    n = len(svc.pods)
    r = n if ready is None else ready
    if svc.kind == "StatefulSet":
        return [
            statefulset(
                svc.name,
                svc.ns,
                sc.rng,
                svc.created - 86400 * 30,
                labels=svc.labels,
                replicas=n,
                ready=r,
                image=svc.image,
                obj_uid=svc.uid,
            )
        ]
    rs = replicaset(
        f"{svc.name}-{svc.rs_hash}",
        svc.ns,
        sc.rng,
        svc.created,
        deployment=svc.name,
        deployment_uid=svc.uid,
        labels=svc.labels,
        template_hash=svc.rs_hash,
        replicas=n,
        ready=r,
        image=svc.image,
        revision=revision,
        conditions=rs_conditions,
    )
    rs["metadata"]["uid"] = svc.rs_uid
    dep = deployment(
        svc.name,
        svc.ns,
        sc.rng,
        svc.created - 86400 * 60,
        labels=svc.labels,
        replicas=n,
        ready=r,
        image=svc.image,
        obj_uid=svc.uid,
        revision=revision,
        conditions=dep_conditions,
    )
    return [dep, rs]


def populate(sc: Scene, n_neighbours: tuple[int, int] = (2, 5), every: tuple[float, float] = (4.0, 9.0)) -> list[Svc]:
    """Healthy neighbours: normal INFO traffic, a few benign warnings, their pods and workloads."""
    out = []
    for _ in range(sc.rng.randint(*n_neighbours)):
        svc = sc.add(
            make_svc(
                sc.rng,
                pick_name(sc.rng, sc.taken),
                sc.ns,
                sc.nodes,
                sc.w.start - 86400 * sc.rng.randint(1, 20),
                label_style=sc.rng.choice(["app", "k8s", "app"]),
            )
        )
        out.append(svc)
        for i in range(len(svc.pods)):
            sc.log(svc, i, traffic(sc.rng, svc.voice(i), sc.w, svc.paths, sc.rng.uniform(*every)))
            sc.items.append(healthy_pod(sc, svc, i, restarts=sc.rng.choice([0, 0, 0, 1])))
        sc.log(svc, 0, benign_warnings(sc.rng, svc.voice(0), sc.w, sc.rng.randint(2, 6)))
        sc.items += workload_objects(sc, svc)
    # one unrelated error that runs all along, at the same rate before and after the onset
    noisy = sc.rng.choice(out)
    sc.log(noisy, 0, steady_errors(sc.rng, noisy.voice(0), sc.w, sc.rng.uniform(30, 90)))
    return out


def baseline(sc: Scene, svc: Svc, every: float, t_to: float | None = None, pods: list[int] | None = None) -> None:
    """Normal traffic of `svc` (up to `t_to`, default the whole window) on the given pods."""
    for i in pods if pods is not None else range(len(svc.pods)):
        sc.log(svc, i, traffic(sc.rng, svc.voice(i), sc.w, svc.paths, every, t_to=t_to))


# --- how callers print a failed call to a peer, per runtime -----------------------------------------------------
def call_error(rng: random.Random, runtime: str, kind: str, host: str, ip: str, port: int, path: str) -> str:
    """The error text a client library prints for a failed HTTP call (the exact wording of each library):
    Spring `RestTemplate` (`ResourceAccessException: I/O error on GET request for "...": Connection refused`,
    `HttpServerErrorException$ServiceUnavailable: 503 Service Unavailable`), Go net/http (`Get "...": dial tcp
    ip:port: connect: connection refused`, `context deadline exceeded (Client.Timeout exceeded while awaiting
    headers)`), Node (`connect ECONNREFUSED ip:port`, axios `Request failed with status code 503`, `socket hang
    up`), Python httpx / requests (`[Errno 111] Connection refused`, `Server error '503 Service Unavailable' for
    url`)."""
    url = f"http://{host}:{port}{path}"
    method = rng.choice(["GET", "POST"])
    if runtime == "java":
        return {
            "refused": (
                f"org.springframework.web.client.ResourceAccessException: I/O error on {method} request for "
                f'"{url}": Connection '
                f"refused"
            ),
            "reset": (
                f"org.springframework.web.client.ResourceAccessException: I/O error on {method} request for "
                f'"{url}": Connection '
                f"reset"
            ),
            "timeout": (
                f"org.springframework.web.client.ResourceAccessException: I/O error on {method} request for "
                f'"{url}": Read '
                f"timed out"
            ),
            "502": (
                f"org.springframework.web.client.HttpServerErrorException$BadGateway: 502 Bad Gateway on "
                f"{method} request "
                f'for "{url}": [no body]'
            ),
            "503": (
                f"org.springframework.web.client.HttpServerErrorException$ServiceUnavailable: 503 Service Unavailable "
                f'on {method} request for "{url}": [no body]'
            ),
            "504": (
                f"org.springframework.web.client.HttpServerErrorException$GatewayTimeout: 504 Gateway Timeout "
                f"on {method} "
                f'request for "{url}": [no body]'
            ),
        }[kind]
    verb = method.capitalize()
    if runtime == "go":
        return {
            "refused": f'{verb} "{url}": dial tcp {ip}:{port}: connect: connection refused',
            "reset": (
                f'{verb} "{url}": read tcp {pod_ip(rng)}:{rng.randint(32768, 60999)}->{ip}:{port}: read: '
                f"connection reset "
                f"by peer"
            ),
            "timeout": f'{verb} "{url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
            "502": f"{host}: unexpected status 502 Bad Gateway",
            "503": f"{host}: unexpected status 503 Service Unavailable",
            "504": f"{host}: unexpected status 504 Gateway Timeout",
        }[kind]
    if runtime == "node":
        return {
            "refused": f"connect ECONNREFUSED {ip}:{port}",
            "reset": "socket hang up",
            "timeout": f"timeout of {rng.choice([3000, 5000, 10000])}ms exceeded",
            "502": "Request failed with status code 502",
            "503": "Request failed with status code 503",
            "504": "Request failed with status code 504",
        }[kind]
    return {
        "refused": "httpx.ConnectError: [Errno 111] Connection refused",
        "reset": "httpx.RemoteProtocolError: Server disconnected without sending a response.",
        "timeout": "httpx.ReadTimeout: timed out",
        "502": f"httpx.HTTPStatusError: Server error '502 Bad Gateway' for url '{url}'",
        "503": f"httpx.HTTPStatusError: Server error '503 Service Unavailable' for url '{url}'",
        "504": f"httpx.HTTPStatusError: Server error '504 Gateway Timeout' for url '{url}'",
    }[kind]


def victim_lines(
    sc: Scene,
    caller: Svc,
    peer: Svc | str,
    kinds: list[str],
    t_from: float,
    t_to: float,
    every: float,
    peer_ip: str | None = None,
    peer_port: int | None = None,
) -> None:
    """A caller's failed calls to `peer`, in the caller's own voice; the message names the peer in a field or in
    the URL, as real call sites do (`upstream=`, `peer.service`, the request URL)."""
    rng = sc.rng
    pname = peer if isinstance(peer, str) else peer.name
    for ts in sc.w.spread(rng, t_from, t_to, every):
        i = rng.randrange(len(caller.pods))
        v = caller.voice(i)
        host = peer if isinstance(peer, str) else peer.dns(rng)
        ip = peer_ip or (peer.cluster_ip if not isinstance(peer, str) else pod_ip(rng))
        port = peer_port or (peer.port if not isinstance(peer, str) else 8080)
        path = rng.choice(paths_for(pname)).replace("{id}", str(rng.randint(1000, 9999)))
        err = call_error(rng, caller.runtime, rng.choice(kinds), host, ip, port, path)
        if caller.runtime == "java":
            line = v.line(ts, "error", f"Call to {pname} failed, returning 502 to client: {err}")
        elif caller.style in ("zap", "logfmt", "pino", "structlog"):
            line = v.line(
                ts,
                "error",
                rng.choice(["upstream request failed", f"{pname} call failed", "request failed"]),
                upstream=pname,
                error=err,
            )
        else:
            line = v.line(ts, "error", f"{pname} request failed", error=err)
        sc.log(caller, i, [(ts, line)])
        # and the caller answers its own client with an error
        if rng.random() < 0.7:
            cpath = rng.choice(caller.paths).replace("{id}", str(rng.randint(1000, 9999)))
            sc.log(
                caller,
                i,
                [
                    (
                        ts + 0.002,
                        v.access(
                            ts + 0.002,
                            "GET",
                            cpath,
                            rng.choice([502, 503, 500]),
                            rng.randint(5, 3000),
                            pod_ip(rng),
                            request_id(rng),
                        ),
                    )
                ],
            )


# --- who raised the incident ------------------------------------------------------------------------------------
def ksm_labels(sc: Scene, rng: random.Random) -> dict[str, str]:
    """The target labels kube-prometheus puts on every kube-state-metrics series: the alert carries them."""
    return {
        "endpoint": "http",
        "instance": f"{pod_ip(rng)}:8080",
        "job": "kube-state-metrics",
        "service": rng.choice(
            ["kube-state-metrics", "prometheus-kube-state-metrics", "kube-prometheus-stack-kube-state-metrics"]
        ),
        "prometheus": "monitoring/k8s",
        "severity": "warning",
    }


def raise_incident(
    sc: Scene,
    culprit: Svc,
    callers: list[Svc],
    ksm_alert: tuple[str, dict[str, str], str] | None,
    titles: list[str],
) -> None:
    """incident.json: the alert or person names sometimes the culprit, often a caller or the frontend, sometimes
    nothing; kube-state-metrics alerts carry `service`/`job` = kube-state-metrics with the workload in
    `deployment`/`pod`/`container` labels, as kube-prometheus' rules produce them."""
    rng, w = sc.rng, sc.w
    modes = ["caller", "slack-caller", "cli"] + (["ksm", "ksm-named"] if ksm_alert else ["culprit"])
    mode = rng.choice(modes)
    starts = w.onset + rng.randint(90, 400)
    caller = rng.choice(callers) if callers else None
    if mode == "caller" and caller:
        alert = alertmanager(
            rng,
            rng.choice(["HighErrorRate", "HTTP5xxRatioHigh", "SLOBurnRateFast"]),
            {
                "service": caller.name,
                "namespace": sc.ns,
                "severity": "critical",
                "team": rng.choice(["core", "platform", "payments"]),
            },
            f"{caller.name} 5xx ratio above {rng.choice([2, 5, 10])}% for 5 minutes",
            starts,
        )
        sc.b.incident(rng.choice(titles).format(svc=caller.name), "alertmanager", caller.name, alert)
    elif mode == "slack-caller" and caller:
        sc.b.incident(rng.choice(titles).format(svc=caller.name), "slack", caller.name if rng.random() < 0.8 else None)
    elif mode in ("ksm", "ksm-named") and ksm_alert:
        name, labels, summary = ksm_alert
        alert = alertmanager(rng, name, {**labels, "namespace": sc.ns, **ksm_labels(sc, rng)}, summary, starts)
        svc_named = alert["alerts"][0]["labels"]["service"] if mode == "ksm-named" else None
        sc.b.incident(f"{name} {sc.ns}", "alertmanager", svc_named, alert)
    elif mode == "culprit":
        sc.b.incident(rng.choice(titles).format(svc=culprit.name), "slack", culprit.name)
    else:
        sc.b.incident(rng.choice(titles).format(svc=(caller or culprit).name), "cli", None)


CALLER_TITLES = [
    "{svc} 5xx spike",
    "{svc} returning errors",
    "errors on {svc}",
    "{svc} degraded",
    "customers report failures on {svc}",
]


# --- start-up banners -------------------------------------------------------------------------------------------
def startup(svc: Svc, i: int, ts: float) -> Lines:
    """What a process prints when it (re)starts: Spring Boot's `Starting X using Java` / `Tomcat started on port`
    / `Started X in N seconds (process running for M)`, uvicorn's `Started server process` / `Application startup
    complete.`, NestJS's `[NestFactory] Starting Nest application...`, gunicorn's `Booting worker with pid`."""
    v = svc.voice(i)
    base = svc.labels.get("app", svc.name)  # a Job's pods run the app its CronJob names, not `<job>-<minutes>`
    app = "".join(p.capitalize() for p in base.split("-")) + "Application"
    s = svc.style
    if s in ("spring", "spring2"):
        v.thread = "main"
        v.logger = f"c.a.{svc.core[:10]}.{app}"
        return [
            (
                ts,
                v.line(
                    ts,
                    "info",
                    (
                        f"Starting {app} v{svc.image.rsplit(':', 1)[1]} using Java 21.0.4 with PID 1 (/app/app.jar "
                        f"started by "
                        f"app in /app)"
                    ),
                ),
            ),
            (ts + 4.1, v.line(ts + 4.1, "info", f"Tomcat started on port {svc.port} (http) with context path '/'")),
            (ts + 4.3, v.line(ts + 4.3, "info", f"Started {app} in 7.912 seconds (process running for 8.61)")),
        ]
    if s == "uvicorn":
        return [
            (ts, f"INFO:     Started server process [{v.pid}]"),
            (ts + 0.1, "INFO:     Waiting for application startup."),
            (ts + 0.9, "INFO:     Application startup complete."),
            (ts + 0.9, f"INFO:     Uvicorn running on http://0.0.0.0:{svc.port} (Press CTRL+C to quit)"),
        ]
    if s == "gunicorn":
        return [
            (ts, v.line(ts, "info", "Starting gunicorn 22.0.0")),
            (ts + 0.1, v.line(ts + 0.1, "info", f"Listening at: http://0.0.0.0:{svc.port} (1)")),
            (ts + 0.2, v.line(ts + 0.2, "info", "Booting worker with pid: 7")),
        ]
    if s == "nest":
        return [
            (ts, v.line(ts, "info", "Starting Nest application...", context="NestFactory")),
            (ts + 0.4, v.line(ts + 0.4, "info", "Nest application successfully started", context="NestApplication")),
        ]
    return [
        (ts, v.line(ts, "info", "starting server", addr=f":{svc.port}", version=svc.image.rsplit(":", 1)[1])),
        (ts + 0.3, v.line(ts + 0.3, "info", "server listening", addr=f"0.0.0.0:{svc.port}")),
    ]


def back_off(sc: Scene, svc: Svc, i: int, first: float, last: float, count: int, cname: str | None = None) -> Json:
    """kubelet's BackOff event: pkg/kubelet/kuberuntime `Back-off restarting failed container %s in pod %s`
    (the pod written `<name>_<namespace>(<uid>)`)."""
    c = cname or svc.container
    return event(
        sc.rng,
        svc.ns,
        "Pod",
        svc.pods[i],
        "BackOff",
        f"Back-off restarting failed container {c} in pod {svc.pods[i]}_{svc.ns}({uid(random.Random(svc.pods[i]))})",
        first=first,
        last=last,
        count=count,
        host=svc.nodes[i % len(svc.nodes)],
        field_path=f"spec.containers{{{c}}}",
    )


def crashloop_waiting(svc: Svc, i: int, backoff: str = "5m0s", cname: str | None = None) -> Json:
    """`state.waiting` of a container in back-off: `back-off 5m0s restarting failed container=x pod=y_ns(uid)`."""
    c = cname or svc.container
    pod_uid = uid(random.Random(svc.pods[i]))  # the same uid every time this pod is named
    return waiting(
        "CrashLoopBackOff",
        f"back-off {backoff} restarting failed container={c} pod={svc.pods[i]}_{svc.ns}({pod_uid})",
    )


def mem_metrics(
    sc: Scene, culprit: Svc, limit: float, base: float, period: float, others: list[Svc], raw: bool
) -> None:
    """cAdvisor `container_memory_working_set_bytes` and kube-state-metrics `kube_pod_container_resource_limits`,
    either aggregated (`max by (namespace, pod, container)`) or raw with the scrape target labels."""
    rng, w = sc.rng, sc.w
    step = rng.choice([30, 60])
    times = w.steps(step)
    series = []
    limits = []
    for svc in [culprit, *others]:
        for i, p in enumerate(svc.pods):
            if svc is culprit:
                vals = sawtooth(rng, times, base, limit, w.onset + rng.uniform(-60, 60), period * rng.uniform(0.9, 1.1))
                lim = limit
            else:
                lim = rng.choice([512, 1024, 2048]) * 2**20
                vals = shape(rng, times, lim * rng.uniform(0.2, 0.5), lim * rng.uniform(0.2, 0.5), w.onset)
            labels = {"namespace": svc.ns, "pod": p, "container": svc.container}
            klabels = dict(labels)
            if raw:
                labels |= {
                    "endpoint": "https-metrics",
                    "id": f"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{hexid(rng, 8)}.slice",
                    "image": svc.image,
                    "instance": f"{svc.ips[i].rsplit('.', 1)[0]}.1:10250",
                    "job": "kubelet",
                    "metrics_path": "/metrics/cadvisor",
                    "node": svc.nodes[i],
                    "service": "kube-prometheus-stack-kubelet",
                }
                klabels |= {
                    "job": "kube-state-metrics",
                    "service": "kube-prometheus-stack-kube-state-metrics",
                    "instance": f"{pod_ip(rng)}:8080",
                    "node": svc.nodes[i],
                    "resource": "memory",
                    "unit": "byte",
                    "uid": uid(rng),
                }
            series.append((labels, vals))
            limits.append((klabels, [lim] * len(times)))
    q = (
        "container_memory_working_set_bytes"
        if raw
        else "max by (namespace, pod, container) (container_memory_working_set_bytes"
    )
    sel = f'{{namespace="{sc.ns}", container!="", container!="POD"}}'
    sc.b.prom("memory", f"{q}{sel}" + ("" if raw else ")"), series, step=step)
    lq = f'kube_pod_container_resource_limits{{resource="memory", namespace="{sc.ns}"}}'
    sc.b.prom("memory-limits", lq if raw else f"max by (namespace, pod, container) ({lq})", limits, step=step)


# 1. OOMKilled ---------------------------------------------------------------------------------------------------
def k8s_oomkilled(b: Bundle, v: int) -> None:
    """The kernel's cgroup OOM killer ends the container: kubelet reports `lastState.terminated` reason `OOMKilled`,
    exit code 137 (pkg/kubelet/kuberuntime; containerd sets the reason from the OOM event), and restarts it. The
    process itself prints nothing about it; its callers see resets and 502s."""
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    neighbours = populate(sc)
    culprit = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken),
            sc.ns,
            sc.nodes,
            w.start - 86400 * rng.randint(1, 9),
            label_style=rng.choice(["app", "k8s"]),
            replicas=rng.choice([2, 3]),
        )
    )
    callers = [
        sc.add(
            make_svc(rng, pick_name(rng, sc.taken, rng.choice(FRONTENDS), [""]), sc.ns, sc.nodes, w.start - 86400 * 5)
        )
    ]
    if rng.random() < 0.5:
        callers.append(sc.add(make_svc(rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.start - 86400 * 3)))
    for c in callers:
        baseline(sc, c, rng.uniform(2.5, 5))
        sc.items += [healthy_pod(sc, c, i) for i in range(len(c.pods))] + workload_objects(sc, c)
    limit_mi = rng.choice([256, 384, 512, 768, 1024])
    period = rng.uniform(140, 320)
    for i in range(len(culprit.pods)):
        kills = w.spread(rng, w.onset + rng.uniform(0, 120), w.end, period, 0.25)
        t = w.start
        for k in kills:
            sc.log(culprit, i, traffic(rng, culprit.voice(i), w, culprit.paths, rng.uniform(3, 7), t_from=t, t_to=k))
            t = k + rng.uniform(8, 25)
            sc.log(culprit, i, startup(culprit, i, k + rng.uniform(2, 6)))
        sc.log(culprit, i, traffic(rng, culprit.voice(i), w, culprit.paths, rng.uniform(3, 7), t_from=t, t_to=w.end))
        last = kills[-1] if kills else w.onset
        in_backoff = rng.random() < 0.4
        state = (
            crashloop_waiting(culprit, i, rng.choice(["1m20s", "2m40s", "5m0s"]))
            if in_backoff
            else running(last + rng.uniform(10, 40))
        )
        st = cstatus(
            culprit.container,
            culprit.image,
            rng,
            ready=not in_backoff,
            restarts=len(kills) + rng.choice([0, 0, 1]),
            state=state,
            last=terminated("OOMKilled", 137, last - period * 0.9, last, rng),
        )
        sc.items.append(svc_pod(sc, culprit, i, [st], ready=not in_backoff, memory=f"{limit_mi}Mi"))
        if kills:
            sc.items.append(back_off(sc, culprit, i, kills[0] + 10, last + 10, len(kills) * rng.randint(2, 5)))
    sc.items += workload_objects(sc, culprit, ready=len(culprit.pods) - 1)
    for c in callers:
        victim_lines(sc, c, culprit, ["502", "503", "reset", "refused"], w.onset + 30, w.end, rng.uniform(1.5, 4))
    mem_metrics(
        sc,
        culprit,
        limit_mi * 2**20,
        limit_mi * 2**20 * rng.uniform(0.35, 0.55),
        period,
        neighbours[:2] + callers[:1],
        raw=rng.random() < 0.4,
    )
    raise_incident(
        sc,
        culprit,
        callers,
        (
            "KubePodCrashLooping",
            {"pod": culprit.pods[0], "container": culprit.container, "reason": "CrashLoopBackOff"},
            "Pod is crash looping.",
        ),
        CALLER_TITLES,
    )
    sc.write_loki()
    sc.write_kube(rng.choice(["pods-events", "state", "workloads"]))
    b.expect("memory_exhaustion", culprit.name, "kubernetes", "OOMKilled")


# 2. container init OOM-killed ------------------------------------------------------------------------------------
# runc libcontainer/process_linux.go: "container init was OOM-killed (memory limit too low?)", wrapped by
# containerd ("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create
# failed: unable to start container process: ...: unknown") and by the kubelet ("Failed to create pod sandbox: rpc
# error: code = Unknown desc = ..." for the sandbox, "Error: ..." for a container, reason StartError exit 128).
RUNC_INIT_OOM = (
    "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
    "failed: unable to start container process: container init was OOM-killed (memory limit too low?): unknown"
)


def k8s_init_oom(b: Bundle, v: int) -> None:
    """A rollout sets a memory limit so low that runc's own init is OOM-killed before the app starts."""
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    culprit = sc.add(
        make_svc(
            rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.onset - rng.randint(30, 90), replicas=rng.choice([2, 3])
        )
    )
    callers = [
        sc.add(
            make_svc(rng, pick_name(rng, sc.taken, rng.choice(FRONTENDS), [""]), sc.ns, sc.nodes, w.start - 86400 * 4)
        )
    ]
    for c in callers:
        baseline(sc, c, rng.uniform(2.5, 5))
        sc.items += [healthy_pod(sc, c, i) for i in range(len(c.pods))] + workload_objects(sc, c)
    # the previous ReplicaSet served until the rollout scaled it down
    old_hash = pod_template_hash(rng)
    old_pods = [f"{culprit.name}-{old_hash}-{name_suffix(rng)}" for _ in culprit.pods]
    old = Svc(
        **{
            **culprit.__dict__,
            "pods": old_pods,
            "rs_hash": old_hash,
            "rs_uid": uid(rng),
            "created": w.start - 86400 * 6,
        }
    )
    for i in range(len(old_pods)):
        sc.logs.setdefault(old_pods[i], []).extend(
            traffic(
                rng, old.voice(i), w, old.paths, rng.uniform(3, 6), t_to=w.onset + rng.uniform(0, 60) if i else w.end
            )
        )
    sc.items.append(healthy_pod(sc, old, 0))
    sc.services.append(old)
    mem = rng.choice(["16Mi", "24Mi", "8Mi", "12Mi"])
    for i in range(len(culprit.pods)):
        if v % 2 == 0:
            st = cstatus(
                culprit.container, culprit.image, rng, ready=False, restarts=0, state=waiting("ContainerCreating")
            )
            sc.items.append(
                svc_pod(sc, culprit, i, [st], phase="Pending", ready=False, memory=mem, created=w.onset - 60)
            )
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    culprit.pods[i],
                    "FailedCreatePodSandBox",
                    f"Failed to create pod sandbox: rpc error: code = Unknown desc = {RUNC_INIT_OOM}",
                    first=w.onset - 55,
                    last=w.end - rng.uniform(5, 60),
                    count=rng.randint(12, 40),
                    host=culprit.nodes[i],
                )
            )
        else:
            n = rng.randint(5, 9)
            st = cstatus(
                culprit.container,
                culprit.image,
                rng,
                ready=False,
                restarts=n,
                state=crashloop_waiting(culprit, i, "2m40s"),
                last=terminated("StartError", 128, None, w.end - rng.uniform(30, 200), rng, message=RUNC_INIT_OOM),
            )
            sc.items.append(svc_pod(sc, culprit, i, [st], ready=False, memory=mem, created=w.onset - 60))
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    culprit.pods[i],
                    "Failed",
                    f"Error: {RUNC_INIT_OOM}",
                    first=w.onset - 50,
                    last=w.end - rng.uniform(30, 200),
                    count=n,
                    host=culprit.nodes[i],
                    field_path=f"spec.containers{{{culprit.container}}}",
                )
            )
            sc.items.append(back_off(sc, culprit, i, w.onset - 30, w.end - 20, n * 3))
    rs_old = workload_objects(sc, old, ready=1)[1]
    sc.items += [*workload_objects(sc, culprit, ready=0, revision=2), rs_old]
    victim_lines(sc, callers[0], culprit, ["503", "refused", "timeout"], w.onset + 60, w.end, rng.uniform(3, 8))
    raise_incident(
        sc,
        culprit,
        callers,
        (
            "KubeDeploymentReplicasMismatch",
            {"deployment": culprit.name},
            "Deployment has not matched the expected number of replicas.",
        ),
        CALLER_TITLES,
    )
    sc.write_loki()
    sc.write_kube()
    b.expect("memory_exhaustion", culprit.name, "kubernetes", "container init was OOM-killed")


# 3. Evicted for ephemeral storage ------------------------------------------------------------------------------
def k8s_evicted_disk(b: Bundle, v: int) -> None:
    """kubelet eviction (pkg/kubelet/eviction/helpers.go): status.reason `Evicted`, message `The node was low on
    resource: ephemeral-storage. Threshold quantity: Q, available: A. Container c was using U, request is 0, has
    larger consumption of ephemeral-storage. ` (v1.29+; older kubelets: `..., which exceeds its request of 0. `),
    the DisruptionTarget condition `TerminationByKubelet`, an `Evicted` event, the node's `EvictionThresholdMet`."""
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    nodes_created = w.start - 86400 * 20
    populate(sc)
    culprit = sc.add(
        make_svc(
            rng,
            pick_name(
                rng, sc.taken, rng.choice(["reports", "exports", "thumbnailer", "pdf-renderer", "etl"]), ["", "-worker"]
            ),
            sc.ns,
            sc.nodes,
            w.start - 86400 * 2,
            replicas=rng.choice([2, 3]),
        )
    )
    hot = culprit.nodes[0]
    for n in sc.nodes:
        sc.items.append(
            node(
                n,
                rng,
                nodes_created,
                node_labels(sc),
                disk_pressure=(n == hot),
                since=w.onset + 10,
                taints=[
                    {"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule", "timeAdded": iso(w.onset + 10)}
                ]
                if n == hot
                else None,
            )
        )
    callers = [sc.add(make_svc(rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.start - 86400 * 4))]
    for c in callers:
        baseline(sc, c, rng.uniform(3, 6))
        sc.items += [healthy_pod(sc, c, i) for i in range(len(c.pods))] + workload_objects(sc, c)
    used_ki = rng.randint(9_000_000, 30_000_000)
    avail_ki = rng.randint(3_000_000, 7_000_000)
    new_style = v % 2 == 0
    threshold = rng.choice(["7622432632", "10120387530", "5368709120"])
    msg = (
        f"The node was low on resource: ephemeral-storage. Threshold quantity: {threshold}, available: {avail_ki}Ki. "
    ) + (
        f"Container {culprit.container} was using {used_ki}Ki, request is 0, has larger consumption of "
        "ephemeral-storage. "
        if new_style
        else f"Container {culprit.container} was using {used_ki}Ki, which exceeds its request of 0. "
    )
    evict_t = w.onset + rng.uniform(5, 40)
    for i in range(len(culprit.pods)):
        v_ = culprit.voice(i)
        sc.log(
            culprit,
            i,
            traffic(rng, v_, w, [f"/jobs/{culprit.name}/run"], rng.uniform(6, 12), t_to=evict_t if i == 0 else w.end),
        )
        spills = [
            (
                t,
                v_.line(
                    t,
                    "info",
                    "spilling batch to local disk",
                    path=f"/tmp/{culprit.name}/batch-{rng.randint(1000, 9999)}.parquet",
                    bytes=rng.randint(200, 900) * 2**20,
                ),
            )
            for t in w.spread(rng, w.start, evict_t if i == 0 else w.end, 40)
        ]
        sc.log(culprit, i, spills)
    evicted = culprit.pods[0]
    # the evicted pod's container is gone by the time the status is read: kubelet reports it as
    # ContainerStatusUnknown / "The container could not be located when the pod was terminated" (exit 137)
    term = terminated(
        "ContainerStatusUnknown",
        137,
        culprit.created,
        evict_t + 30,
        rng,
        message="The container could not be located when the pod was terminated",
    )
    ev_pod = svc_pod(
        sc,
        culprit,
        0,
        [cstatus(culprit.container, culprit.image, rng, ready=False, restarts=0, state=term)],
        phase="Failed",
        ready=False,
        reason="Evicted",
        message=msg,
    )
    ev_pod["status"]["conditions"].insert(
        0,
        {
            "type": "DisruptionTarget",
            "status": "True",
            "lastProbeTime": None,
            "lastTransitionTime": iso(evict_t),
            "reason": "TerminationByKubelet",
            "message": msg,
        },
    )
    sc.items.append(ev_pod)
    sc.items.append(event(rng, sc.ns, "Pod", evicted, "Evicted", msg, first=evict_t, last=evict_t, host=hot))
    sc.items.append(
        event(
            rng,
            sc.ns,
            "Node",
            hot,
            "EvictionThresholdMet",
            "Attempting to reclaim ephemeral-storage",
            first=evict_t - 5,
            last=evict_t + rng.uniform(60, 400),
            count=rng.randint(2, 9),
            host=hot,
        )
    )
    # the ReplicaSet replaced it; the replacement lands on another node and fills that one too, later
    repl = f"{culprit.name}-{culprit.rs_hash}-{name_suffix(rng)}"
    culprit.pods.append(repl)
    culprit.ips.append(pod_ip(rng))
    culprit.nodes.append(sc.nodes[-1])
    sc.log(
        culprit,
        len(culprit.pods) - 1,
        startup(culprit, len(culprit.pods) - 1, evict_t + 20)
        + traffic(rng, culprit.voice(len(culprit.pods) - 1), w, [f"/jobs/{culprit.name}/run"], 9, t_from=evict_t + 25),
    )
    for i in range(1, len(culprit.pods)):
        sc.items.append(
            svc_pod(
                sc,
                culprit,
                i,
                [
                    cstatus(
                        culprit.container, culprit.image, rng, ready=True, restarts=0, state=running(culprit.created)
                    )
                ],
                created=evict_t + 2 if i == len(culprit.pods) - 1 else culprit.created,
            )
        )
    sc.items += workload_objects(sc, culprit, ready=len(culprit.pods) - 1)
    victim_lines(sc, callers[0], culprit, ["503", "reset"], evict_t, evict_t + rng.uniform(60, 200), rng.uniform(4, 9))
    raise_incident(
        sc,
        culprit,
        callers,
        ("KubePodNotReady", {"pod": evicted}, "Pod has been in a non-ready state for more than 15 minutes."),
        ["pods evicted in {svc}", "{svc} jobs failing", "{svc} restarted"],
    )
    sc.write_loki()
    sc.write_kube()
    b.expect("disk_full", culprit.name, "kubernetes", "The node was low on resource: ephemeral-storage")


# 4. Job BackoffLimitExceeded ------------------------------------------------------------------------------------
# pkg/controller/job/job_controller.go: condition Failed, reason "BackoffLimitExceeded", message "Job has reached
# the specified backoff limit" (since v1.31 preceded by a FailureTarget condition with the same reason and message).
def missing_setting_crash(rt: str, setting: str) -> tuple[list[str], str]:
    """How each runtime dies on a missing setting, and the line that says why: a Python KeyError traceback, a Go
    panic, Node's thrown Error, Spring Boot's `APPLICATION FAILED TO START` failure analysis."""
    lines = _missing_setting_lines(rt, setting)
    decisive = {
        "python": f"KeyError: '{setting}'",
        "go": f"panic: required environment variable {setting} is not set",
        "node": f"Error: Missing required environment variable: {setting}",
    }
    return lines, decisive.get(rt, f"Failed to bind properties under '{setting.lower().replace('_', '.')}'")


def _missing_setting_lines(rt: str, setting: str) -> list[str]:
    if rt == "python":
        return [
            "Traceback (most recent call last):",
            '  File "/app/main.py", line 12, in <module>',
            f'    BUCKET = os.environ["{setting}"]',
            "             ~~~~~~~~~~^^^^^^^^^^^^^^^",
            '  File "<frozen os>", line 714, in __getitem__',
            f"KeyError: '{setting}'",
        ]
    if rt == "go":
        return [
            f"panic: required environment variable {setting} is not set",
            "",
            "goroutine 1 [running]:",
            "main.mustEnv(...)",
            "\t/src/cmd/job/main.go:31",
            "main.main()",
            "\t/src/cmd/job/main.go:44 +0x1c5",
        ]
    if rt == "node":
        return [
            "/app/dist/main.js:14",
            f"    throw new Error(`Missing required environment variable: {setting}`);",
            "    ^",
            "",
            f"Error: Missing required environment variable: {setting}",
            "    at Object.<anonymous> (/app/dist/main.js:14:11)",
            "    at Module._compile (node:internal/modules/cjs/loader:1469:14)",
            "",
            "Node.js v20.17.0",
        ]
    key = setting.lower().replace("_", ".")
    return [
        "",
        "***************************",
        "APPLICATION FAILED TO START",
        "***************************",
        "",
        "Description:",
        "",
        f"Failed to bind properties under '{key}' to java.lang.String:",
        "",
        f"    Property: {key}",
        '    Value: ""',
        "    Reason: must not be blank",
        "",
        "Action:",
        "",
        f"Update your application's configuration to provide a value for '{key}'.",
    ]


def k8s_job_backoff(b: Bundle, v: int) -> None:
    """A Job (often a CronJob's) whose every retry is a NEW pod (restartCount 0, terminated Error exit 1) dying on a
    missing setting, until the Job controller gives up: `BackoffLimitExceeded`."""
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    base = rng.choice(
        ["report-export", "invoice-sync", "ledger-reconcile", "nightly-backfill", "search-reindex", "db-migrate"]
    )
    cron = v % 2 == 0
    # a CronJob names its Jobs `<cronjob>-<scheduled time in minutes since the epoch>` (pkg/controller/cronjob/utils.go)
    job_name = (
        f"{base}-{int(w.onset // 60)}" if cron else f"{base}-{rng.choice(['v4-12-0', 'manual-7f3c', '20261120'])}"
    )
    style = rng.choice(["gunicorn", "zap", "pino", "spring"])
    setting = rng.choice(["EXPORT_BUCKET", "DATABASE_URL", "LEDGER_API_TOKEN", "S3_PREFIX", "SEARCH_INDEX"])
    backoff = rng.choice([3, 4, 6])
    job = make_svc(
        rng, job_name, sc.ns, sc.nodes, w.onset, kind="Job", replicas=backoff + 1, style=style, label_style="app"
    )
    job.labels = {"app": base}
    sc.add(job)
    t = w.onset
    rt = RUNTIME[style]
    for i, p in enumerate(job.pods):
        vo = job.voice(i)
        lines = (
            [(t + 1, vo.line(t + 1, "info", f"{base} starting", attempt=i + 1))]
            if rt != "java"
            else startup(job, i, t + 1)[:1]
        )
        lines += [(t + 1.5 + k * 0.001, text) for k, text in enumerate(missing_setting_crash(rt, setting)[0])]
        sc.log(job, i, lines)
        st = cstatus(
            job.container,
            job.image,
            rng,
            ready=False,
            restarts=0,
            state=terminated("Error", 1, t + 1, t + 2, rng),
            started=False,
        )
        sc.items.append(
            svc_pod(
                sc,
                job,
                i,
                [st],
                phase="Failed",
                ready=False,
                created=t,
                containers=[container(job.container, job.image, port=None)],
            )
        )
        sc.items.append(
            event(
                rng,
                sc.ns,
                "Job",
                job_name,
                "SuccessfulCreate",
                f"Created pod: {p}",
                first=t,
                last=t,
                etype="Normal",
                component="job-controller",
                involved_uid=job.uid,
                api_version="batch/v1",
            )
        )
        t += min(360, 10 * 2**i) + rng.uniform(1, 4)
    failed_at = min(t, w.end - 30)
    cond = {
        "status": "True",
        "lastProbeTime": iso(failed_at),
        "lastTransitionTime": iso(failed_at),
        "reason": "BackoffLimitExceeded",
        "message": "Job has reached the specified backoff limit",
    }
    owner = owner_ref("CronJob", base, uid(rng), "batch/v1") if cron else None
    job_obj = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta(job_name, sc.ns, rng, w.onset, {"app": base}, owner) | {"uid": job.uid},
        "spec": {
            "backoffLimit": backoff,
            "completions": 1,
            "parallelism": 1,
            "template": {
                "spec": {"restartPolicy": "Never", "containers": [{"name": job.container, "image": job.image}]}
            },
        },
        "status": {
            "conditions": [{"type": "FailureTarget", **cond}, {"type": "Failed", **cond}],
            "startTime": iso(w.onset),
            "failed": len(job.pods),
            "ready": 0,
            "terminating": 0,
            "uncountedTerminatedPods": {},
        },
    }
    sc.items.append(job_obj)
    sc.items.append(
        event(
            rng,
            sc.ns,
            "Job",
            job_name,
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            first=failed_at,
            last=failed_at,
            component="job-controller",
            involved_uid=job.uid,
            api_version="batch/v1",
        )
    )
    if cron:
        sc.items.append(
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "metadata": meta(base, sc.ns, rng, w.start - 86400 * 90, {"app": base}),
                "spec": {
                    "schedule": rng.choice(["0 * * * *", "*/30 * * * *", "10 5 * * *"]),
                    "concurrencyPolicy": "Forbid",
                    "jobTemplate": {"spec": {"backoffLimit": backoff}},
                },
                "status": {"lastScheduleTime": iso(w.onset), "lastSuccessfulTime": iso(w.onset - 3600)},
            }
        )
    ksm = ("KubeJobFailed", {"job_name": job_name}, "Job failed to complete.")
    raise_incident(sc, job, [], ksm, [f"{base} did not run", "{svc} failed", f"nightly {base} missing"])
    sc.write_loki()
    sc.write_kube(rng.choice(["jobs", "state"]))
    b.expect("crash_loop", [job_name, base] if cron else job_name, "kubernetes", missing_setting_crash(rt, setting)[1])


def with_callers(sc: Scene, n: int = 1, frontend: bool = True) -> list[Svc]:
    """Callers of the culprit: a frontend and maybe one more service, healthy pods, normal traffic."""
    rng, w = sc.rng, sc.w
    out = []
    for k in range(n):
        name = (
            pick_name(rng, sc.taken, rng.choice(FRONTENDS), [""]) if frontend and k == 0 else pick_name(rng, sc.taken)
        )
        c = sc.add(make_svc(rng, name, sc.ns, sc.nodes, w.start - 86400 * rng.randint(2, 30)))
        baseline(sc, c, rng.uniform(2.5, 5))
        sc.items += [healthy_pod(sc, c, i) for i in range(len(c.pods))] + workload_objects(sc, c)
        out.append(c)
    return out


def previous_rs(sc: Scene, culprit: Svc, serve_until: list[float], keep: int) -> Svc:
    """The ReplicaSet the Deployment had before the rollout: its pods served until `serve_until[i]`; `keep` of
    them are still running."""
    rng, w = sc.rng, sc.w
    old_hash = pod_template_hash(rng)
    old = Svc(
        **{
            **culprit.__dict__,
            "pods": [f"{culprit.name}-{old_hash}-{name_suffix(rng)}" for _ in culprit.pods],
            "rs_hash": old_hash,
            "rs_uid": uid(rng),
            "created": w.start - 86400 * rng.randint(3, 20),
        }
    )
    for i, p in enumerate(old.pods):
        sc.logs.setdefault(p, []).extend(
            traffic(rng, old.voice(i), w, old.paths, rng.uniform(3, 6), t_to=serve_until[i] if i >= keep else w.end)
        )
    for i in range(keep):
        sc.items.append(healthy_pod(sc, old, i))
    rs = workload_objects(sc, old, ready=keep)[1]
    rs["spec"]["replicas"] = keep
    sc.items.append(rs)
    sc.services.append(old)
    return old


# 5. ServiceAccount not found -----------------------------------------------------------------------------------
# plugin/pkg/admission/serviceaccount/admission.go: `error looking up service account %s/%s: %v`; it runs in the
# mutating phase, before the pod's generateName is filled in, so the ReplicaSet controller's event reads
# `Error creating: pods "<rs>-" is forbidden: ...` (pkg/controller/replicaset: "Error creating: %v").
def k8s_sa_missing(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    culprit = sc.add(
        make_svc(
            rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.onset - rng.randint(20, 120), replicas=rng.choice([2, 3])
        )
    )
    callers = with_callers(sc, rng.choice([1, 2]))
    sa = rng.choice([f"{culprit.name}-sa", f"{culprit.name}", f"{culprit.core}-irsa", "workload-identity"])
    rs = f"{culprit.name}-{culprit.rs_hash}"
    err = f'pods "{rs}-" is forbidden: error looking up service account {sc.ns}/{sa}: serviceaccount "{sa}" not found'
    rollout = v % 2 == 0
    n_pods = len(culprit.pods)
    if rollout:
        previous_rs(sc, culprit, [w.end] * len(culprit.pods), len(culprit.pods))
    else:
        # the ServiceAccount went away; a node rotation deleted the pods and none could be created again
        old = Svc(
            **{
                **culprit.__dict__,
                "pods": [f"{rs}-{name_suffix(rng)}" for _ in culprit.pods],
                "created": w.start - 86400 * 9,
            }
        )
        for i, p in enumerate(old.pods):
            sc.logs.setdefault(p, []).extend(
                traffic(rng, old.voice(i), w, old.paths, rng.uniform(3, 6), t_to=w.onset - rng.uniform(0, 40))
            )
        sc.services.append(old)
        victim_lines(sc, callers[0], culprit, ["refused", "503", "timeout"], w.onset + 5, w.end, rng.uniform(1.5, 4))
    culprit.pods = []
    first = w.onset - (60 if rollout else 0)
    sc.items.append(
        event(
            rng,
            sc.ns,
            "ReplicaSet",
            rs,
            "FailedCreate",
            f"Error creating: {err}",
            first=first,
            last=w.end - rng.uniform(5, 120),
            count=rng.randint(15, 24),
            component="replicaset-controller",
            involved_uid=culprit.rs_uid,
            api_version="apps/v1",
        )
    )
    fail = {
        "type": "ReplicaFailure",
        "status": "True",
        "reason": "FailedCreate",
        "message": err,
        "lastTransitionTime": iso(first),
    }
    dep_conds = [
        {
            "type": "Available",
            "status": "True" if rollout else "False",
            "reason": "MinimumReplicasAvailable" if rollout else "MinimumReplicasUnavailable",
            "message": "Deployment has minimum availability."
            if rollout
            else "Deployment does not have minimum availability.",
            "lastUpdateTime": iso(first),
            "lastTransitionTime": iso(first),
        },
        {**fail, "lastUpdateTime": iso(first)},
        {
            "type": "Progressing",
            "status": "False" if rollout else "True",
            "reason": "ProgressDeadlineExceeded" if rollout else "ReplicaSetUpdated",
            "message": f'ReplicaSet "{rs}" has timed out progressing.'
            if rollout
            else f'ReplicaSet "{rs}" is progressing.',
            "lastUpdateTime": iso(first + 600),
            "lastTransitionTime": iso(first + 600),
        },
    ]
    objs = workload_objects(
        sc,
        Svc(**{**culprit.__dict__, "pods": ["x"] * n_pods}),
        ready=0,
        rs_conditions=[fail],
        dep_conditions=dep_conds,
        revision=2 if rollout else 1,
    )
    objs[1]["spec"]["template"]["spec"]["serviceAccountName"] = sa
    sc.items += objs
    alert = (
        ("KubeDeploymentRolloutStuck", {"deployment": culprit.name}, "Deployment rollout is not progressing.")
        if rollout
        else (
            "KubeDeploymentReplicasMismatch",
            {"deployment": culprit.name},
            "Deployment has not matched the expected number of replicas.",
        )
    )
    raise_incident(
        sc,
        culprit,
        [] if rollout else callers,
        alert,
        CALLER_TITLES if not rollout else ["{svc} rollout stuck", "deploy of {svc} not progressing"],
    )
    sc.write_loki()
    sc.write_kube()
    b.expect("crash_loop", culprit.name, "kubernetes", f'serviceaccount "{sa}" not found')


# 6. FailedMount: a ConfigMap or Secret that is not there --------------------------------------------------------
# pkg/volume/configmap: `configmap %q not found` inside kubelet's `MountVolume.SetUp failed for volume %q : %v`
# (operation_generator.go); the pod waits `ContainerCreating`, then `Unable to attach or mount volumes: unmounted
# volumes=[...], unattached volumes=[...], failed to process volumes=[]: timed out waiting for the condition`.
def k8s_failed_mount(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    culprit = sc.add(
        make_svc(
            rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.onset - rng.randint(10, 90), replicas=rng.choice([2, 3])
        )
    )
    callers = with_callers(sc)
    secret = v % 2 == 1
    vol = rng.choice(["tls", "certs", "credentials"]) if secret else rng.choice(["config", "app-config", "settings"])
    obj = (
        f"{culprit.name}-{rng.choice(['tls', 'secrets', 'credentials'])}"
        if secret
        else f"{culprit.name}-{rng.choice(['config', 'settings', 'env'])}"
    )
    what = f'secret "{obj}" not found' if secret else f'configmap "{obj}" not found'
    outage = v % 2 == 0
    if outage:
        old = Svc(
            **{
                **culprit.__dict__,
                "pods": [f"{culprit.name}-{culprit.rs_hash}-{name_suffix(rng)}" for _ in culprit.pods],
                "created": w.start - 86400 * 12,
            }
        )
        for i, p in enumerate(old.pods):
            sc.logs.setdefault(p, []).extend(
                traffic(rng, old.voice(i), w, old.paths, rng.uniform(3, 6), t_to=w.onset - rng.uniform(0, 30))
            )
        sc.services.append(old)
        victim_lines(sc, callers[0], culprit, ["503", "refused"], w.onset + 10, w.end, rng.uniform(1.5, 4))
    else:
        previous_rs(sc, culprit, [w.end] * len(culprit.pods), len(culprit.pods))
    kube_api = f"kube-api-access-{name_suffix(rng)}"
    for i in range(len(culprit.pods)):
        st = cstatus(culprit.container, culprit.image, rng, ready=False, restarts=0, state=waiting("ContainerCreating"))
        vols = [
            {
                "name": vol,
                ("secret" if secret else "configMap"): (
                    {"secretName": obj, "defaultMode": 420} if secret else {"name": obj, "defaultMode": 420}
                ),
            },
            {"name": kube_api, "projected": {"defaultMode": 420}},
        ]
        sc.items.append(svc_pod(sc, culprit, i, [st], phase="Pending", ready=False, created=w.onset - 20, volumes=vols))
        sc.items.append(
            event(
                rng,
                sc.ns,
                "Pod",
                culprit.pods[i],
                "FailedMount",
                f'MountVolume.SetUp failed for volume "{vol}" : {what}',
                first=w.onset - 15,
                last=w.end - rng.uniform(5, 90),
                count=rng.randint(9, 18),
                host=culprit.nodes[i],
            )
        )
        if rng.random() < 0.6:
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    culprit.pods[i],
                    "FailedMount",
                    (
                        f"Unable to attach or mount volumes: unmounted volumes=[{vol}], unattached volumes=[], "
                        f"failed to process "
                        f"volumes=[]: timed out waiting for the condition"
                    ),
                    first=w.onset + 120,
                    last=w.end - rng.uniform(5, 90),
                    count=rng.randint(3, 8),
                    host=culprit.nodes[i],
                )
            )
    sc.items += workload_objects(sc, culprit, ready=0, revision=1 if outage else 2)
    raise_incident(
        sc,
        culprit,
        callers if outage else [],
        ("KubePodNotReady", {"pod": culprit.pods[0]}, "Pod has been in a non-ready state for more than 15 minutes."),
        CALLER_TITLES if outage else ["{svc} rollout stuck", "{svc} pods not starting"],
    )
    sc.write_loki()
    sc.write_kube()
    b.expect("crash_loop", culprit.name, "kubernetes", what)


# 7-9. Pending pods the scheduler cannot place -------------------------------------------------------------------
# kube-scheduler (pkg/scheduler/framework/plugins/noderesources/fit.go): `Insufficient %v`; nodeports / the pods
# limit: `Too many pods`; the FitError text `0/%v nodes are available: %v.` followed by the preemption summary
# `preemption: 0/%v nodes are available: %v No preemption victims found for incoming pod.` (v1.24+).
# cluster-autoscaler (core/scaleup/orchestrator): event NotTriggerScaleUp, type Normal,
# `pod didn't trigger scale-up: %s` with reasons such as `1 max node group size reached`.
def pending_pods(sc: Scene, svc: Svc, first: int, message: str, since: float, gpu: bool = False) -> None:
    rng, w = sc.rng, sc.w
    for i in range(first, len(svc.pods)):
        st = None
        containers = [container(svc.container, svc.image, port=svc.port, cpu=rng.choice(["500m", "1", "2"]))]
        if gpu:
            containers[0]["resources"]["limits"]["nvidia.com/gpu"] = "1"
            containers[0]["resources"]["requests"]["nvidia.com/gpu"] = "1"
        p = svc_pod(
            sc,
            svc,
            i,
            st,
            phase="Pending",
            ready=False,
            scheduled=False,
            initialized=False,
            condition_message=message,
            created=since,
            containers=containers,
            node=None,
            ip=None,
        )
        p["spec"].pop("nodeName", None)
        if gpu:  # the GPU pool is tainted and labelled: the pods tolerate the taint and select the label
            p["spec"]["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
            p["spec"]["nodeSelector"] = {"nvidia.com/gpu.present": "true"}
        sc.items.append(p)
        sc.items.append(
            event(
                rng,
                svc.ns,
                "Pod",
                svc.pods[i],
                "FailedScheduling",
                message,
                first=since + 1,
                last=w.end - rng.uniform(5, 120),
                count=rng.randint(4, 30),
                component="default-scheduler",
            )
        )


def k8s_unschedulable(b: Bundle, v: int, kind: str) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    n_nodes = len(sc.nodes)
    gpu = kind == "gpu"
    gpu_group = rng.choice(["gpu-a10g", "gpu-pool", "ng-gpu-g5", "nvidia-l4-pool"])
    gpu_nodes = (
        [
            ec2_node(rng) if sc.provider == "eks" else gke_node(rng, sc.cluster, gpu_group)
            for _ in range(rng.choice([1, 2]))
        ]
        if gpu
        else []
    )
    for n in sc.nodes:
        alloc = {
            "cpu": "3920m",
            "memory": "15147124Ki",
            "pods": rng.choice(["17", "29"]) if kind == "pods" else "58",
            "ephemeral-storage": "76224326324",
        }
        sc.items.append(node(n, rng, w.start - 86400 * 15, node_labels(sc), allocatable=alloc))
    for n in gpu_nodes:
        sc.items.append(
            node(
                n,
                rng,
                w.start - 86400 * 15,
                node_labels(sc, gpu_group) | {"nvidia.com/gpu.present": "true"},
                taints=[{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}],
                allocatable={"cpu": "7910m", "memory": "31534Mi", "pods": "58", "nvidia.com/gpu": "1"},
            )
        )
    populate(sc)
    base = rng.choice(["embedder", "ranker", "vision-inference", "reranker", "llm-gateway"]) if gpu else None
    culprit = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken, base, ["", "-gpu", ""] if gpu else None),
            sc.ns,
            sc.nodes + gpu_nodes,
            w.start - 86400 * 6,
            replicas=rng.randint(5, 8),
            style=rng.choice(["uvicorn", "structlog", "zap"]) if gpu else None,
        )
    )
    running_n = len(gpu_nodes) if gpu else rng.randint(2, 3)
    if gpu:
        culprit.nodes[:running_n] = gpu_nodes
    callers = with_callers(sc, rng.choice([1, 2]))
    scale_at = w.onset - rng.uniform(0, 60)
    for i in range(len(culprit.pods)):
        if i < running_n:
            vo = culprit.voice(i)
            sc.log(culprit, i, traffic(rng, vo, w, culprit.paths, rng.uniform(1.5, 3), t_to=w.onset))
            # the pods that run take all the load: requests queue and slow down
            for ts in w.spread(rng, w.onset, w.end, rng.uniform(1.5, 3)):
                sc.log(
                    culprit,
                    i,
                    [
                        (
                            ts,
                            vo.access(
                                ts,
                                "POST",
                                rng.choice(culprit.paths).replace("{id}", "1"),
                                200,
                                rng.randint(2500, 9000),
                                pod_ip(rng),
                                request_id(rng),
                            ),
                        )
                    ],
                )
            sc.items.append(healthy_pod(sc, culprit, i))
    if gpu:
        others = n_nodes
        msg = (
            f"0/{n_nodes + len(gpu_nodes)} nodes are available: {len(gpu_nodes)} Insufficient nvidia.com/gpu, {others} "
            f"node(s) didn't match Pod's node affinity/selector. preemption: 0/{n_nodes + len(gpu_nodes)} nodes are "
            f"available: {len(gpu_nodes)} No preemption victims found for incoming pod, {others} Preemption is not "
            f"helpful for scheduling."
        )
    elif kind == "pods":
        msg = (
            f"0/{n_nodes} nodes are available: {n_nodes} Too many pods. preemption: 0/{n_nodes} nodes are available: "
            f"{n_nodes} No preemption victims found for incoming pod."
        )
    else:
        k = rng.randint(0, 1)
        msg = (
            f"0/{n_nodes} nodes are available: {n_nodes - k} Insufficient cpu"
            + (", 1 node(s) had untolerated taint {dedicated: batch}" if k else "")
            + (
                f". preemption: 0/{n_nodes} nodes are available: {n_nodes - k} No preemption victims found "
                f"for incoming "
                f"pod"
            )
            + (", 1 Preemption is not helpful for scheduling." if k else ".")
        )
    pending_pods(sc, culprit, running_n, msg, scale_at, gpu=gpu)
    if kind == "cpu" or (gpu and v % 2 == 1):
        reason = (
            "1 max node group size reached"
            if not gpu
            else f"1 max node group size reached, {rng.randint(1, 2)} node(s) didn't match Pod's node affinity/selector"
        )
        for i in range(running_n, len(culprit.pods)):
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    culprit.pods[i],
                    "NotTriggerScaleUp",
                    f"pod didn't trigger scale-up: {reason}",
                    first=scale_at + 12,
                    last=w.end - rng.uniform(5, 60),
                    count=rng.randint(10, 60),
                    etype="Normal",
                    component="cluster-autoscaler",
                )
            )
    if kind == "cpu":
        sc.items.append(
            {
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "metadata": meta(culprit.name, sc.ns, rng, w.start - 86400 * 30),
                "spec": {
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": culprit.name},
                    "minReplicas": 2,
                    "maxReplicas": len(culprit.pods) + rng.randint(2, 6),
                    "metrics": [
                        {
                            "type": "Resource",
                            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                        }
                    ],
                },
                "status": {
                    "currentReplicas": len(culprit.pods),
                    "desiredReplicas": len(culprit.pods),
                    "currentMetrics": [
                        {
                            "type": "Resource",
                            "resource": {"name": "cpu", "current": {"averageUtilization": rng.randint(120, 180)}},
                        }
                    ],
                },
            }
        )
    sc.items += workload_objects(sc, culprit, ready=running_n)
    for c in callers:
        victim_lines(sc, c, culprit, ["timeout", "504", "503"], w.onset + 60, w.end, rng.uniform(2, 6))
    raise_incident(
        sc,
        culprit,
        callers,
        (
            "KubeDeploymentReplicasMismatch",
            {"deployment": culprit.name},
            "Deployment has not matched the expected number of replicas.",
        ),
        CALLER_TITLES + ["{svc} slow"],
    )
    sc.write_loki()
    sc.write_kube()
    decisive = {"gpu": "Insufficient nvidia.com/gpu", "pods": "Too many pods", "cpu": "max node group size reached"}[
        kind
    ]
    resource: str | list[str] = (
        [culprit.name, sc.group]
        if kind == "cpu"
        else ([culprit.name, gpu_group] if gpu and v % 2 == 1 else culprit.name)
    )
    b.expect("capacity_limit", resource, "kubernetes", decisive)


# 10. ResourceQuota exhausted -------------------------------------------------------------------------------------
# plugin/pkg/admission/resourcequota/controller.go: `exceeded quota: %s, requested: %s, used: %s, limited: %s`;
# quota is checked in the validating phase, after the name was generated: `pods "<rs>-x2b9k" is forbidden: ...`.
def k8s_quota(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc, (3, 5))
    culprit = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken),
            sc.ns,
            sc.nodes,
            w.onset - rng.randint(30, 200),
            replicas=rng.choice([4, 5, 6]),
        )
    )
    callers = with_callers(sc)
    running_n = rng.choice([1, 2])
    for i in range(running_n):
        baseline(sc, culprit, rng.uniform(1.5, 3), pods=[i])
        sc.items.append(healthy_pod(sc, culprit, i))
    quota = rng.choice(["compute-resources", "team-quota", f"{sc.ns}-quota", "default-quota"])
    rs = f"{culprit.name}-{culprit.rs_hash}"
    if v % 3 == 0:
        req, used, hard, hard_v, used_v = "requests.cpu=500m", "requests.cpu=9700m", "requests.cpu=10", "10", "9700m"
    elif v % 3 == 1:
        req, used, hard, hard_v, used_v = "requests.cpu=1", "requests.cpu=10", "requests.cpu=10", "10", "10"
    else:
        req, used, hard, hard_v, used_v = (
            "requests.memory=2Gi",
            "requests.memory=19Gi",
            "requests.memory=20Gi",
            "20Gi",
            "19Gi",
        )
    key = req.split("=")[0]
    for k in range(rng.randint(3, 6)):
        pname = f"{rs}-{name_suffix(rng)}"
        first = w.onset + k * rng.uniform(5, 40)
        sc.items.append(
            event(
                rng,
                sc.ns,
                "ReplicaSet",
                rs,
                "FailedCreate",
                (
                    f'Error creating: pods "{pname}" is forbidden: exceeded quota: {quota}, requested: {req}, '
                    f"used: {used}, "
                    f"limited: {hard}"
                ),
                first=first,
                last=first if k else w.end - 30,
                count=1 if k else rng.randint(8, 20),
                component="replicaset-controller",
                involved_uid=culprit.rs_uid,
                api_version="apps/v1",
            )
        )
    other_key = "requests.memory" if key != "requests.memory" else "requests.cpu"
    sc.items.append(
        {
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": meta(quota, sc.ns, rng, w.start - 86400 * 200),
            "spec": {
                "hard": {key: hard_v, other_key: "40Gi" if other_key == "requests.memory" else "20", "pods": "60"}
            },
            "status": {
                "hard": {key: hard_v, other_key: "40Gi" if other_key == "requests.memory" else "20", "pods": "60"},
                "used": {
                    key: used_v,
                    other_key: "27136Mi" if other_key == "requests.memory" else "11350m",
                    "pods": str(rng.randint(25, 40)),
                },
            },
        }
    )
    culprit.pods = culprit.pods[:running_n]
    fail = {
        "type": "ReplicaFailure",
        "status": "True",
        "reason": "FailedCreate",
        "message": (
            f'pods "{rs}-{name_suffix(rng)}" is forbidden: exceeded quota: {quota}, requested: {req}, used: {used}, '
            f"limited: {hard}"
        ),
        "lastTransitionTime": iso(w.onset),
    }
    objs = workload_objects(sc, culprit, ready=running_n, rs_conditions=[fail])
    objs[0]["spec"]["replicas"] = objs[1]["spec"]["replicas"] = running_n + rng.randint(3, 5)
    sc.items += objs
    for ts in w.spread(rng, w.onset + 60, w.end, rng.uniform(2, 5)):
        i = rng.randrange(running_n)
        sc.log(
            culprit,
            i,
            [
                (
                    ts,
                    culprit.voice(i).access(
                        ts, "GET", culprit.paths[0], 200, rng.randint(900, 4000), pod_ip(rng), request_id(rng)
                    ),
                )
            ],
        )
    victim_lines(sc, callers[0], culprit, ["timeout", "503"], w.onset + 120, w.end, rng.uniform(3, 8))
    raise_incident(
        sc,
        culprit,
        callers,
        (
            "KubeQuotaFullyUsed" if v % 3 == 1 else "KubeDeploymentReplicasMismatch",
            {"resourcequota": quota, "resource": key} if v % 3 == 1 else {"deployment": culprit.name},
            "Namespace quota is fully used."
            if v % 3 == 1
            else "Deployment has not matched the expected number of replicas.",
        ),
        CALLER_TITLES + ["{svc} cannot scale"],
    )
    sc.write_loki()
    sc.write_kube()
    b.expect("capacity_limit", [culprit.name, sc.ns], "kubernetes", f"exceeded quota: {quota}")


# 11. An init container in CrashLoopBackOff -----------------------------------------------------------------------
# kubectl shows `Init:CrashLoopBackOff`; the JSON has `initContainerStatuses[].state.waiting.reason`
# CrashLoopBackOff, the app container `waiting: PodInitializing`, condition Initialized=False
# `ContainersNotInitialized` / `containers with incomplete status: [migrate]`.
def k8s_init_crash(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    culprit = sc.add(
        make_svc(
            rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.onset - rng.randint(20, 90), replicas=rng.choice([2, 3])
        )
    )
    callers = with_callers(sc)
    init = rng.choice(["migrate", "db-migrate", "wait-for-schema", "init-schema"])
    if v % 2 == 0:
        # Go's flag package: `flag provided but not defined: -%s` and the usage it prints (flag/flag.go)
        flag = rng.choice(["dsn", "database-url", "schema-dir"])
        out = [
            f"flag provided but not defined: -{flag}",
            "Usage of /usr/local/bin/migrate:",
            "  -database string",
            "    \tdatabase connection URL",
            "  -path string",
            "    \tmigrations directory",
        ]
        decisive = f"flag provided but not defined: -{flag}"
        code = 2
    else:
        # alembic/script/revision.py: `Can't locate revision identified by '%s'` raised as alembic.util.exc.CommandError
        rev = hexid(rng, 12)
        out = [
            "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.",
            "INFO  [alembic.runtime.migration] Will assume transactional DDL.",
            "ERROR [alembic.util.messaging] Can't locate revision identified by '" + rev + "'",
            "  FAILED: Can't locate revision identified by '" + rev + "'",
        ]
        decisive = f"Can't locate revision identified by '{rev}'"
        code = 255
    previous = rng.random() < 0.5
    if previous:
        previous_rs(sc, culprit, [w.end] * len(culprit.pods), len(culprit.pods))
    else:
        victim_lines(sc, callers[0], culprit, ["503", "refused"], w.onset + 10, w.end, rng.uniform(2, 5))
    extra: list[tuple[dict[str, str], Lines]] = []
    for i in range(len(culprit.pods)):
        n = rng.randint(4, 8)
        init_image = culprit.image.rsplit(":", 1)[0] + "-migrations:" + culprit.image.rsplit(":", 1)[1]
        ist = cstatus(
            init,
            init_image,
            rng,
            ready=False,
            restarts=n,
            state=crashloop_waiting(culprit, i, "2m40s", init),
            last=terminated("Error", code, w.end - 200, w.end - 199, rng),
        )
        app = cstatus(culprit.container, culprit.image, rng, ready=False, restarts=0, state=waiting("PodInitializing"))
        sc.items.append(
            svc_pod(
                sc,
                culprit,
                i,
                [app],
                phase="Pending",
                ready=False,
                initialized=False,
                condition_message=f"containers with incomplete status: [{init}]",
                init_containers=[container(init, init_image, port=None)],
                init_statuses=[ist],
                created=w.onset - 10,
            )
        )
        sc.items.append(back_off(sc, culprit, i, w.onset + 20, w.end - rng.uniform(5, 60), n * 3, init))
        lines: Lines = []
        for ts in w.spread(rng, w.onset, w.end, (w.end - w.onset) / n, 0.2):
            lines += [(ts + j * 0.01, text) for j, text in enumerate(out)]
        extra.append((sc.stream_labels(culprit, culprit.pods[i], init), lines))
    sc.items += workload_objects(sc, culprit, ready=0, revision=2 if previous else 1)
    raise_incident(
        sc,
        culprit,
        [] if previous else callers,
        (
            "KubePodCrashLooping",
            {"pod": culprit.pods[0], "container": init, "reason": "CrashLoopBackOff"},
            "Pod is crash looping.",
        ),
        CALLER_TITLES + ["{svc} stuck in Init"],
    )
    sc.write_loki(extra)
    sc.write_kube()
    b.expect("crash_loop", culprit.name, "kubernetes", decisive)


# 12. The container cannot start --------------------------------------------------------------------------------
# runc: `exec: "%s": executable file not found in $PATH` (libcontainer/standard_init_linux.go) inside containerd's
# `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed:
# unable to start container process: ...: unknown`; the kubelet records `lastState.terminated` reason StartError,
# exit code 128, and an event `Failed` / `Error: ...`. A binary for the wrong architecture fails later, inside the
# container: runc prints `exec /docker-entrypoint.sh: exec format error` to the container's output.
# kubelet (pkg/kubelet/kubelet_pods.go, makeEnvironmentVariables): `couldn't find key %v in Secret %v/%v`,
# waiting reason CreateContainerConfigError.
def k8s_start_error(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    culprit = sc.add(
        make_svc(
            rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.onset - rng.randint(20, 100), replicas=rng.choice([2, 3])
        )
    )
    callers = with_callers(sc)
    mode = v % 3
    keep = len(culprit.pods) - 1
    previous_rs(sc, culprit, [w.onset + rng.uniform(30, 90)] * len(culprit.pods), keep)
    victim_lines(sc, callers[0], culprit, ["503", "timeout"], w.onset + 90, w.end, rng.uniform(6, 14))
    exe = rng.choice(["python3", "node", "/app/server", "gunicorn", "java"])
    entry = rng.choice(["/docker-entrypoint.sh", "/usr/local/bin/docker-entrypoint.sh", "/app/server"])
    key = rng.choice(["DB_PASSWORD", "STRIPE_API_KEY", "REDIS_URL", "JWT_SECRET"])
    secret = f"{culprit.name}-{rng.choice(['secrets', 'db', 'env'])}"
    for i in range(len(culprit.pods)):
        n = rng.randint(4, 9)
        if mode == 0:
            msg = (
                f"failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
                f'failed: unable to start container process: exec: "{exe}": executable file not found in $PATH: unknown'
            )
            state = crashloop_waiting(culprit, i, "2m40s") if i else waiting("RunContainerError", msg)
            st = cstatus(
                culprit.container,
                culprit.image,
                rng,
                ready=False,
                restarts=n,
                state=state,
                last=terminated("StartError", 128, None, w.end - rng.uniform(20, 160), rng, message=msg),
            )
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    culprit.pods[i],
                    "Failed",
                    f"Error: {msg}",
                    first=w.onset,
                    last=w.end - rng.uniform(20, 160),
                    count=n,
                    host=culprit.nodes[i],
                    field_path=f"spec.containers{{{culprit.container}}}",
                )
            )
            decisive = f'exec: "{exe}": executable file not found in $PATH'
        elif mode == 1:
            st = cstatus(
                culprit.container,
                culprit.image,
                rng,
                ready=False,
                restarts=n,
                state=crashloop_waiting(culprit, i, "5m0s"),
                last=terminated("Error", 255, w.end - 100, w.end - 100, rng),
            )
            lines = [
                (t, f"exec {entry}: exec format error")
                for t in w.spread(rng, w.onset, w.end, (w.end - w.onset) / n, 0.2)
            ]
            sc.log(culprit, i, lines)
            decisive = f"exec {entry}: exec format error"
        else:
            msg = f"couldn't find key {key} in Secret {sc.ns}/{secret}"
            st = cstatus(
                culprit.container,
                culprit.image,
                rng,
                ready=False,
                restarts=0,
                state=waiting("CreateContainerConfigError", msg),
            )
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    culprit.pods[i],
                    "Failed",
                    f"Error: {msg}",
                    first=w.onset,
                    last=w.end - rng.uniform(5, 60),
                    count=rng.randint(20, 60),
                    host=culprit.nodes[i],
                    field_path=f"spec.containers{{{culprit.container}}}",
                )
            )
            decisive = msg
        sc.items.append(svc_pod(sc, culprit, i, [st], ready=False, created=w.onset - 10))
        if mode != 2:
            sc.items.append(back_off(sc, culprit, i, w.onset + 15, w.end - rng.uniform(5, 60), n * 3))
    sc.items += workload_objects(sc, culprit, ready=0, revision=2)
    raise_incident(
        sc,
        culprit,
        callers,
        (
            "KubePodCrashLooping",
            {"pod": culprit.pods[0], "container": culprit.container, "reason": "CrashLoopBackOff"},
            "Pod is crash looping.",
        )
        if mode < 2
        else (
            "KubeContainerWaiting",
            {"pod": culprit.pods[0], "container": culprit.container},
            "Pod container waiting longer than 1 hour",
        ),
        CALLER_TITLES + ["{svc} deploy failing"],
    )
    sc.write_loki()
    sc.write_kube()
    b.expect("crash_loop", culprit.name, "kubernetes", decisive)


# 13. Probes that fail ------------------------------------------------------------------------------------------
# kubelet prober (pkg/probe/http/http.go, pkg/kubelet/prober): `HTTP probe failed with statuscode: %d`, events
# `Unhealthy` "Readiness probe failed: ..." / "Liveness probe failed: Get \"http://ip:port/path\": context deadline
# exceeded (Client.Timeout exceeded while awaiting headers)", and `Killing` (Normal) "Container %s failed liveness
# probe, will be restarted" (pkg/kubelet/kuberuntime/kuberuntime_container.go).
def k8s_probe(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    readiness = v % 2 == 0
    culprit = sc.add(
        make_svc(
            rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.onset - rng.randint(20, 60), replicas=rng.choice([2, 3])
        )
    )
    callers = with_callers(sc)
    probe_path = rng.choice(["/health/ready", "/actuator/health/readiness", "/readyz", "/api/health"])

    def kubelet_ip(i: int) -> str:  # probes come from the node's address on the pod network
        return f"{culprit.ips[i].rsplit('.', 1)[0]}.1"

    decisive = ""
    for i in range(len(culprit.pods)):
        vo = culprit.voice(i)
        if readiness:
            sc.log(culprit, i, startup(culprit, i, w.onset - 25))
            # the app serves /healthz; the new probe asks for a path it does not have
            for ts in w.spread(rng, w.onset - 15, w.end, 10, 0.05):
                sc.log(
                    culprit,
                    i,
                    [(ts, vo.access(ts, "GET", probe_path, 404, rng.randint(1, 3), kubelet_ip(i), request_id(rng)))],
                )
            st = cstatus(culprit.container, culprit.image, rng, ready=False, restarts=0, state=running(w.onset - 25))
            sc.items.append(svc_pod(sc, culprit, i, [st], ready=False, created=w.onset - 30))
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    culprit.pods[i],
                    "Unhealthy",
                    "Readiness probe failed: HTTP probe failed with statuscode: 404",
                    first=w.onset - 10,
                    last=w.end - rng.uniform(1, 10),
                    count=rng.randint(90, 220),
                    host=culprit.nodes[i],
                    field_path=f"spec.containers{{{culprit.container}}}",
                )
            )
            decisive = "Readiness probe failed: HTTP probe failed with statuscode: 404"
        else:
            n = rng.randint(4, 8)
            entries = rng.randint(300_000, 900_000)
            for ts in w.spread(rng, w.onset, w.end, (w.end - w.onset) / n, 0.15):
                sc.log(
                    culprit,
                    i,
                    startup(culprit, i, ts)[:1]
                    + [(ts + 2, vo.line(ts + 2, "info", f"warming catalogue cache ({entries} entries)"))],
                )
            ip = culprit.ips[i]
            st = cstatus(
                culprit.container,
                culprit.image,
                rng,
                ready=False,
                restarts=n,
                state=crashloop_waiting(culprit, i, "1m20s") if i == 0 else running(w.end - 40),
                last=terminated("Error", 143, w.end - 160, w.end - 100, rng),
            )
            sc.items.append(svc_pod(sc, culprit, i, [st], ready=False, created=w.onset - 30))
            decisive = f'Liveness probe failed: Get "http://{ip}:{culprit.port}/healthz": context deadline exceeded'
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    culprit.pods[i],
                    "Unhealthy",
                    (
                        f'Liveness probe failed: Get "http://{ip}:{culprit.port}/healthz": context deadline '
                        f"exceeded (Client.Timeout "
                        f"exceeded while awaiting headers)"
                    ),
                    first=w.onset + 30,
                    last=w.end - 90,
                    count=n * 3,
                    host=culprit.nodes[i],
                    field_path=f"spec.containers{{{culprit.container}}}",
                )
            )
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    culprit.pods[i],
                    "Killing",
                    f"Container {culprit.container} failed liveness probe, will be restarted",
                    first=w.onset + 40,
                    last=w.end - 90,
                    count=n,
                    etype="Normal",
                    host=culprit.nodes[i],
                    field_path=f"spec.containers{{{culprit.container}}}",
                )
            )
            sc.items.append(back_off(sc, culprit, i, w.onset + 200, w.end - 20, n))
    sc.items += workload_objects(sc, culprit, ready=0)
    svc_obj = service(
        culprit.name,
        sc.ns,
        rng,
        w.start - 86400 * 90,
        {k: v_ for k, v_ in culprit.labels.items() if k != "app.kubernetes.io/part-of"},
        80,
        culprit.port,
        culprit.cluster_ip,
    )
    eps = endpoints(
        culprit.name,
        sc.ns,
        rng,
        w.start - 86400 * 90,
        [],
        [(culprit.ips[i], culprit.pods[i], culprit.nodes[i]) for i in range(len(culprit.pods))],
        culprit.port,
    )
    sc.items += [svc_obj, eps]
    victim_lines(
        sc,
        callers[0],
        culprit,
        ["refused", "503"] if readiness else ["refused", "reset", "503"],
        w.onset + 20,
        w.end,
        rng.uniform(1.5, 4),
        peer_port=80,
    )
    raise_incident(
        sc,
        culprit,
        callers,
        ("KubePodNotReady", {"pod": culprit.pods[0]}, "Pod has been in a non-ready state for more than 15 minutes."),
        CALLER_TITLES,
    )
    sc.write_loki()
    sc.write_kube()
    b.expect("health_check_failure", culprit.name, "kubernetes", decisive)


# 14. The process dies at start-up ------------------------------------------------------------------------------
def k8s_runtime_crash(b: Bundle, v: int) -> None:
    """A JVM `Exception in thread "main" java.lang.StackOverflowError` (java.lang.ThreadGroup.uncaughtException's
    wording) or a Python traceback at import time; terminated Error exit 1, restarted into CrashLoopBackOff."""
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    java = v % 2 == 0
    culprit = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken),
            sc.ns,
            sc.nodes,
            w.start - 86400 * rng.randint(2, 30),
            replicas=rng.choice([2, 3]),
            style=rng.choice(["spring", "spring2"]) if java else rng.choice(["uvicorn", "gunicorn"]),
        )
    )
    callers = with_callers(sc)
    core = culprit.name.split("-")[0].capitalize()
    if java:
        crash = (
            ['Exception in thread "main" java.lang.StackOverflowError']
            + [
                f"\tat com.acme.{core.lower()}.rules.RuleResolver.resolve(RuleResolver.java:{88 + k % 2})"
                for k in range(6)
            ]
            + ["\t..."]
        )
        decisive = 'Exception in thread "main" java.lang.StackOverflowError'
    else:
        var = rng.choice(["WEB_CONCURRENCY", "DB_POOL_SIZE", "WORKER_COUNT"])
        crash = [
            "Traceback (most recent call last):",
            '  File "/usr/local/bin/gunicorn", line 8, in <module>',
            "    sys.exit(run())",
            '  File "/app/settings.py", line 21, in <module>',
            f'    POOL_SIZE = int(os.environ.get("{var}", ""))',
            "                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
            "ValueError: invalid literal for int() with base 10: ''",
        ]
        decisive = "ValueError: invalid literal for int() with base 10: ''"
    for i in range(len(culprit.pods)):
        sc.log(
            culprit,
            i,
            traffic(rng, culprit.voice(i), w, culprit.paths, rng.uniform(3, 6), t_to=w.onset - rng.uniform(0, 30)),
        )
        n = rng.randint(5, 9)
        for ts in w.spread(rng, w.onset, w.end, (w.end - w.onset) / n, 0.2):
            sc.log(
                culprit, i, startup(culprit, i, ts)[:1] + [(ts + 3 + k * 0.001, text) for k, text in enumerate(crash)]
            )
        st = cstatus(
            culprit.container,
            culprit.image,
            rng,
            ready=False,
            restarts=n + rng.randint(0, 2),
            state=crashloop_waiting(culprit, i, "5m0s"),
            last=terminated("Error", 1, w.end - 200, w.end - 196, rng),
        )
        sc.items.append(svc_pod(sc, culprit, i, [st], ready=False))
        sc.items.append(back_off(sc, culprit, i, w.onset + 20, w.end - 10, n * 4))
    sc.items += workload_objects(sc, culprit, ready=0)
    victim_lines(sc, callers[0], culprit, ["refused", "503"], w.onset + 10, w.end, rng.uniform(1.5, 4))
    raise_incident(
        sc,
        culprit,
        callers,
        (
            "KubePodCrashLooping",
            {"pod": culprit.pods[0], "container": culprit.container, "reason": "CrashLoopBackOff"},
            "Pod is crash looping.",
        ),
        CALLER_TITLES,
    )
    sc.write_loki()
    sc.write_kube()
    b.expect("crash_loop", culprit.name, "kubernetes", decisive)


# 15. CoreDNS down ----------------------------------------------------------------------------------------------
# coredns plugin/loop/loop.go: `Loop (%s -> %s) detected for zone %q, see
# https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO %s"`
# logged `[FATAL] plugin/loop: ...`. Callers' resolvers: Go `dial tcp: lookup %s on %s: read udp %s->%s: i/o timeout`,
# Java `java.net.UnknownHostException: <host>: Temporary failure in name resolution` (glibc EAI_AGAIN),
# Node `getaddrinfo EAI_AGAIN <host>`, Python `[Errno -3] Temporary failure in name resolution`.
def dns_error(rng: random.Random, runtime: str, host: str, dns_ip: str) -> str:
    if runtime == "go":
        tail = rng.choice(["i/o timeout", "read: connection refused"])
        return (
            f"dial tcp: lookup {host} on {dns_ip}:53: read udp {pod_ip(rng)}:{rng.randint(32768, 60999)}->{dns_ip}:53: "
            f"{tail}"
        )
    if runtime == "java":
        return f"java.net.UnknownHostException: {host}: Temporary failure in name resolution"
    if runtime == "node":
        return f"getaddrinfo {rng.choice(['EAI_AGAIN', 'EAI_AGAIN', 'ENOTFOUND'])} {host}"
    return "httpx.ConnectError: [Errno -3] Temporary failure in name resolution"


def k8s_coredns(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc, (2, 3))
    apps = [
        sc.add(make_svc(rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.start - 86400 * 8))
        for _ in range(rng.randint(2, 3))
    ]
    dns_ip = "10.96.0.10" if sc.provider == "gke" or rng.random() < 0.5 else "172.20.0.10"
    for a in apps:
        baseline(sc, a, rng.uniform(2.5, 5), t_to=w.onset)
        sc.items += [healthy_pod(sc, a, i) for i in range(len(a.pods))] + workload_objects(sc, a)
        peer = rng.choice([s for s in sc.services if s is not a])
        for ts in w.spread(rng, w.onset + rng.uniform(0, 30), w.end, rng.uniform(1.5, 4)):
            i = rng.randrange(len(a.pods))
            host = f"{peer.name}.{sc.ns}.svc.cluster.local"
            err = dns_error(rng, a.runtime, host, dns_ip)
            sc.log(a, i, [(ts, a.voice(i).line(ts, "error", f"{peer.name} request failed", error=err))])
    coredns = make_svc(rng, "coredns", "kube-system", sc.nodes, w.start - 86400 * 120, replicas=2, style="zap", port=53)
    coredns.labels = {"k8s-app": "kube-dns"}
    coredns.container = "coredns"
    coredns.image = rng.choice(
        [
            "registry.k8s.io/coredns/coredns:v1.11.1",
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.1-eksbuild.9",
        ]
    )
    sc.services.append(coredns)
    extra = []
    for i, p in enumerate(coredns.pods):
        lines: Lines = []
        n = rng.randint(6, 10)
        for ts in w.spread(rng, w.onset - 20, w.end, (w.end - w.onset) / n, 0.2):
            q = f"{rng.getrandbits(62)}.{rng.getrandbits(62)}."
            lines += [
                (ts, ".:53"),
                (ts + 0.01, f"[INFO] plugin/reload: Running configuration SHA512 = {hexid(rng, 128)}"),
                (ts + 0.02, "CoreDNS-1.11.1"),
                (ts + 0.03, "linux/amd64, go1.20.7, ae2bbc2"),
                (
                    ts + 2.05,
                    (
                        f"[FATAL] plugin/loop: Loop (127.0.0.1:{rng.randint(32768, 60999)} -> :53) detected "
                        f'for zone ".", see '
                        f'https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO {q}"'
                    ),
                ),
            ]
        extra.append(({"namespace": "kube-system", "pod": p, "container": "coredns", "stream": "stdout"}, lines))
        st = cstatus(
            "coredns",
            coredns.image,
            rng,
            ready=False,
            restarts=n + 3,
            state=crashloop_waiting(coredns, i, "5m0s"),
            last=terminated("Error", 1, w.end - 120, w.end - 118, rng),
        )
        pd = svc_pod(
            sc,
            coredns,
            i,
            [st],
            ready=False,
            containers=[container("coredns", coredns.image, cpu="100m", memory="70Mi", mem_limit="170Mi", port=53)],
        )
        pd["metadata"]["labels"] = {"k8s-app": "kube-dns", "pod-template-hash": coredns.rs_hash}
        sc.items.append(pd)
        sc.items.append(back_off(sc, coredns, i, w.onset, w.end - 30, n * 4))
    sc.items += workload_objects(sc, coredns, ready=0)
    sc.items.append(
        endpoints(
            "kube-dns",
            "kube-system",
            rng,
            w.start - 86400 * 120,
            [],
            [(coredns.ips[i], coredns.pods[i], coredns.nodes[i]) for i in range(2)],
            53,
        )
    )
    titles = ["everything failing in {svc}", "{svc} cannot reach its dependencies", "widespread 5xx in " + sc.cluster]
    sc.services.remove(coredns)
    raise_incident(
        sc,
        coredns,
        apps,
        (
            "KubePodCrashLooping",
            {"pod": coredns.pods[0], "container": "coredns", "reason": "CrashLoopBackOff", "namespace": "kube-system"},
            "Pod is crash looping.",
        ),
        titles,
    )
    sc.write_loki(extra)
    sc.write_kube()
    b.expect("crash_loop", "coredns", "kubernetes", "plugin/loop: Loop (127.0.0.1:")


# 16. A node stops reporting ------------------------------------------------------------------------------------
# node lifecycle controller: every condition `Unknown`, reason `NodeStatusUnknown`, "Kubelet stopped posting node
# status."; the taint node.kubernetes.io/unreachable; pod events `NodeNotReady` "Node is not ready" (Warning) and,
# after the toleration, `TaintManagerEviction` "Marking for deletion Pod %s" (Normal).
def k8s_node_notready(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    lost = sc.nodes[0]
    for n in sc.nodes:
        lbl = node_labels(sc)
        if n == lost:
            taints = [
                {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": iso(w.onset + 40)},
                {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": iso(w.onset + 45)},
            ]
            sc.items.append(node(n, rng, w.start - 86400 * 12, lbl, ready="Unknown", since=w.onset + 40, taints=taints))
        else:
            sc.items.append(node(n, rng, w.start - 86400 * 12, lbl))
    sc.items.append(
        event(
            rng,
            "default",
            "Node",
            lost,
            "NodeNotReady",
            f"Node {lost} status is now: NodeNotReady",
            first=w.onset + 40,
            last=w.onset + 40,
            etype="Normal",
            component="node-controller",
        )
    )
    populate(sc, (1, 2))
    apps = [
        sc.add(make_svc(rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.start - 86400 * 3))
        for _ in range(rng.randint(2, 3))
    ]
    callers = with_callers(sc)
    for a in apps:
        a.nodes[0] = lost
        for i in range(len(a.pods)):
            on_lost = a.nodes[i] == lost
            sc.log(a, i, traffic(rng, a.voice(i), w, a.paths, rng.uniform(3, 6), t_to=w.onset if on_lost else w.end))
            p = healthy_pod(sc, a, i)
            if on_lost:
                for c in p["status"]["conditions"]:
                    if c["type"] in ("Ready", "ContainersReady"):
                        c["status"] = "False"
                p["status"]["containerStatuses"][0]["ready"] = False
                p["metadata"]["deletionTimestamp"] = iso(w.onset + 345)
                p["metadata"]["deletionGracePeriodSeconds"] = 30
                sc.items.append(
                    event(
                        rng,
                        sc.ns,
                        "Pod",
                        a.pods[i],
                        "NodeNotReady",
                        "Node is not ready",
                        first=w.onset + 41,
                        last=w.onset + 41,
                        component="node-controller",
                    )
                )
                sc.items.append(
                    event(
                        rng,
                        sc.ns,
                        "Pod",
                        a.pods[i],
                        "TaintManagerEviction",
                        f"Marking for deletion Pod {sc.ns}/{a.pods[i]}",
                        first=w.onset + 345,
                        last=w.onset + 345,
                        etype="Normal",
                        component="taint-eviction-controller",
                    )
                )
            sc.items.append(p)
        sc.items += workload_objects(sc, a, ready=len(a.pods) - 1)
        victim_lines(
            sc, callers[0], a, ["timeout", "refused"], w.onset, w.onset + rng.uniform(360, 600), rng.uniform(4, 9)
        )
    raise_incident(
        sc,
        apps[0],
        callers,
        ("KubeNodeNotReady", {"node": lost}, "Node is not ready."),
        CALLER_TITLES + ["pods restarting in " + sc.cluster],
    )
    sc.write_loki()
    sc.write_kube("nodes-pods")
    b.expect("node_failure", sc.group, "kubernetes", "Kubelet stopped posting node status.")


# --- data stores in the cluster ---------------------------------------------------------------------------------
def store(
    sc: Scene,
    name: str,
    chart: str,
    replicas: int,
    port: int,
    image: str,
    ns: str | None = None,
    labels: dict[str, str] | None = None,
    first_ordinal: int = 0,
) -> Svc:
    """A StatefulSet the way its Helm chart labels it (`app.kubernetes.io/name: <chart>`, `instance: <release>`),
    or an operator's pods (`labels`, ordinals from `first_ordinal`: CloudNativePG names them `<cluster>-1`...)."""
    rng = sc.rng
    svc = make_svc(
        rng,
        name,
        ns or sc.ns,
        sc.nodes,
        sc.w.start - 86400 * rng.randint(30, 300),
        kind="StatefulSet",
        replicas=replicas,
        style="zap",
        label_style="app",
        port=port,
    )
    svc.pods = [f"{name}-{i + first_ordinal}" for i in range(replicas)]
    svc.labels = labels or {
        "app.kubernetes.io/name": chart,
        "app.kubernetes.io/instance": name.removesuffix(f"-{chart}").removesuffix("-master"),
        "app.kubernetes.io/component": "primary" if chart != "redis" else "master",
    }
    svc.container = chart
    svc.image = image
    sc.add(svc)
    for i in range(replicas):
        sc.items.append(healthy_pod(sc, svc, i))
    sc.items += workload_objects(sc, svc)
    return svc


def exporter_labels(sc: Scene, svc: Svc, i: int, job: str, port: int) -> dict[str, str]:
    """The target labels a ServiceMonitor scrape gives an exporter's series (kube-prometheus conventions)."""
    return {
        "container": "metrics",
        "endpoint": "http-metrics",
        "instance": f"{svc.ips[i]}:{port}",
        "job": job,
        "namespace": svc.ns,
        "pod": svc.pods[i],
        "service": job,
    }


def client_loop(
    sc: Scene,
    client: Svc,
    t_from: float,
    t_to: float,
    every: float,
    make: Callable[[random.Random, Svc], tuple[str, dict[str, Any]]],
) -> None:
    """Errors a client logs while its dependency misbehaves; `make` returns (message, fields) in its own words."""
    rng = sc.rng
    for ts in sc.w.spread(rng, t_from, t_to, every):
        i = rng.randrange(len(client.pods))
        msg, fields = make(rng, client)
        v = client.voice(i)
        if client.runtime == "java" and "error" in fields:
            line = v.line(ts, "error", f"{msg}: {fields.pop('error')}", **fields)
        else:
            line = v.line(ts, "error", msg, **fields)
        sc.log(client, i, [(ts, line)])
        if rng.random() < 0.5:
            sc.log(
                client,
                i,
                [
                    (
                        ts + 0.003,
                        v.access(
                            ts + 0.003,
                            "POST",
                            rng.choice(client.paths).replace("{id}", "7"),
                            500,
                            rng.randint(3, 60),
                            pod_ip(rng),
                            request_id(rng),
                        ),
                    )
                ],
            )


# 17. Redis at maxmemory -----------------------------------------------------------------------------------------
# redis server.c: shared.oomerr = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"; clients print
# it as ioredis `ReplyError: ...`, redis-py `redis.exceptions.OutOfMemoryError: ...`, Lettuce
# `io.lettuce.core.RedisCommandExecutionException: ...`, go-redis the bare reply. redis_exporter:
# `redis_memory_used_bytes`, `redis_memory_max_bytes`.
REDIS_OOM = "OOM command not allowed when used memory > 'maxmemory'."


def redis_error(rt: str) -> str:
    return {
        "node": f"ReplyError: {REDIS_OOM}",
        "python": f"redis.exceptions.OutOfMemoryError: {REDIS_OOM}",
        "java": (
            f"org.springframework.data.redis.RedisSystemException: Error in execution; nested exception is "
            f"io.lettuce.core.RedisCommandExecutionException: "
            f"{REDIS_OOM}"
        ),
        "go": REDIS_OOM,
    }[rt]


def redis_log(ts: float, level: str, msg: str) -> str:
    """Redis' own log line: `pid:role day mon year hh:mm:ss.mmm <level char> message` (server.c serverLogRaw)."""
    from datetime import UTC, datetime

    d = datetime.fromtimestamp(ts, UTC)
    return f"1:M {d.strftime('%d %b %Y %H:%M:%S.')}{d.microsecond // 1000:03d} {level} {msg}"


def plat_redis_oom(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    base = rng.choice(["sessions", "cart", "cache", "ratelimit"])
    rname = rng.choice([f"redis-{base}-master", f"{base}-redis-master", f"redis-{base}"])
    redis = store(sc, rname, "redis", 1, 6379, "docker.io/bitnami/redis:7.2.5-debian-12-r4")
    clients = [
        sc.add(
            make_svc(
                rng,
                pick_name(rng, sc.taken, rng.choice(["cart", "checkout", "accounts", "sessions"])),
                sc.ns,
                sc.nodes,
                w.start - 86400 * 7,
            )
        )
        for _ in range(rng.choice([1, 2]))
    ]
    callers = with_callers(sc)
    for c in clients:
        baseline(sc, c, rng.uniform(2, 4))
        sc.items += [healthy_pod(sc, c, i) for i in range(len(c.pods))] + workload_objects(sc, c)
        host = f"{rname}.{sc.ns}.svc.cluster.local:6379"

        def oom_reply(r: random.Random, cl: Svc, host: str = host) -> tuple[str, dict[str, Any]]:
            msg = r.choice(["failed to store session", "cache write failed", "SET failed"])
            return msg, (
                {"error": redis_error(cl.runtime), "redis": host}
                if r.random() < 0.6
                else {"error": redis_error(cl.runtime)}
            )

        client_loop(sc, c, w.onset, w.end, rng.uniform(1, 3), oom_reply)
        victim_lines(sc, callers[0], c, ["502", "503"], w.onset + 20, w.end, rng.uniform(4, 9))
    sc.log(
        redis,
        0,
        [
            (
                t,
                redis_log(
                    t,
                    "*",
                    rng.choice(
                        [
                            "100 changes in 300 seconds. Saving...",
                            "Background saving started by pid 2841",
                            "DB saved on disk",
                            "Fork CoW for RDB: current 1 MB, peak 1 MB, average 1 MB",
                            "Background saving terminated with success",
                        ]
                    ),
                ),
            )
            for t in w.spread(rng, w.start, w.end, 120)
        ],
    )
    step = 30
    times = w.steps(step)
    maxb = rng.choice([1, 2, 4]) * 2**30
    used = shape(rng, times, maxb * rng.uniform(0.6, 0.75), maxb, w.onset - 300, noise=0.005, ramp=300, ceil=maxb)
    lbl = exporter_labels(sc, redis, 0, f"{rname}-metrics", 9121)
    b.prom("redis-memory", f'redis_memory_used_bytes{{namespace="{sc.ns}"}}', [(lbl, used)], step=step)
    b.prom("redis-maxmemory", f'redis_memory_max_bytes{{namespace="{sc.ns}"}}', [(lbl, [maxb] * len(times))], step=step)
    b.prom(
        "redis-evicted",
        f'rate(redis_evicted_keys_total{{namespace="{sc.ns}"}}[5m])',
        [(lbl, [0.0] * len(times))],
        step=step,
    )
    raise_incident(sc, redis, clients + callers, None, CALLER_TITLES)
    sc.write_loki()
    sc.write_kube()
    b.expect(
        "memory_exhaustion",
        [rname, rname.removesuffix("-master")],
        "redis",
        "OOM command not allowed when used memory > 'maxmemory'",
    )


# 18. PostgreSQL out of connection slots --------------------------------------------------------------------------
# postgres src/backend/storage/lmgr/proc.c: "sorry, too many clients already" (FATAL, SQLSTATE 53300);
# src/backend/utils/init/postinit.c: "remaining connection slots are reserved for non-replication superuser
# connections" (<= 15), "... for roles with the SUPERUSER attribute" (16+). libpq prints `FATAL:  ` (two spaces),
# pgjdbc `FATAL: `, pgx `server error: FATAL: ... (SQLSTATE 53300)`. postgres_exporter: `pg_stat_activity_count`
# {datname,state}, `pg_settings_max_connections`.
def pg_client_error(rng: random.Random, rt: str, host: str, ip: str, reserved: bool, pg16: bool) -> str:
    msg = (
        (
            "remaining connection slots are reserved for roles with the SUPERUSER attribute"
            if pg16
            else "remaining connection slots are reserved for non-replication superuser connections"
        )
        if reserved
        else "sorry, too many clients already"
    )
    if rt == "python":
        return f'psycopg2.OperationalError: connection to server at "{host}" ({ip}), port 5432 failed: FATAL:  {msg}'
    if rt == "java":
        return f"org.postgresql.util.PSQLException: FATAL: {msg}"
    if rt == "go":
        return (
            f"failed to connect to `user=app database=app`: {ip}:5432 ({host}): server error: FATAL: {msg} (SQLSTATE "
            f"53300)"
        )
    return f"error: {msg}"


def plat_postgres_conns(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    base = rng.choice(["orders", "ledger", "billing", "accounts"])
    cnpg = v % 2 == 1
    if cnpg:
        dbname = f"{base}-pg"
        db = store(
            sc,
            dbname,
            "postgresql",
            3,
            5432,
            "ghcr.io/cloudnative-pg/postgresql:16.4",
            labels={"cnpg.io/cluster": dbname, "cnpg.io/instanceRole": "primary"},
            first_ordinal=1,
        )
        host = f"{dbname}-rw.{sc.ns}.svc.cluster.local"
    else:
        dbname = f"{base}-db-postgresql"
        db = store(sc, dbname, "postgresql", 1, 5432, "docker.io/bitnami/postgresql:15.8.0-debian-12-r0")
        host = f"{dbname}.{sc.ns}.svc.cluster.local"
    pg16 = cnpg
    db_ip = f"172.20.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    leaker = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken, rng.choice(["reports", "exports", "analytics"]), ["-worker", ""]),
            sc.ns,
            sc.nodes,
            w.onset - 120,
            replicas=rng.randint(4, 8),
        )
    )
    apps = [
        sc.add(
            make_svc(rng, pick_name(rng, sc.taken, base, ["-api", "-svc", ""]), sc.ns, sc.nodes, w.start - 86400 * 5)
        )
    ]
    callers = with_callers(sc)
    for a in apps + [leaker]:
        baseline(sc, a, rng.uniform(2, 5))
        sc.items += [healthy_pod(sc, a, i) for i in range(len(a.pods))] + workload_objects(sc, a)
    for a in apps + [leaker]:
        client_loop(
            sc,
            a,
            w.onset,
            w.end,
            rng.uniform(1.2, 4),
            lambda r, cl: (
                "could not acquire database connection",
                {"error": pg_client_error(r, cl.runtime, host, db_ip, r.random() < 0.3, pg16)},
            ),
        )
    victim_lines(
        sc,
        callers[0],
        apps[0],
        ["500", "502", "503"] if False else ["502", "503"],
        w.onset + 15,
        w.end,
        rng.uniform(3, 7),
    )
    # the server's own log (log_line_prefix '%m [%p] '; CloudNativePG wraps records in JSON with the same text)
    pg_lines: Lines = []
    for ts in w.spread(rng, w.onset, w.end, rng.uniform(1.5, 4)):
        text = (
            "sorry, too many clients already"
            if rng.random() < 0.75
            else (
                "remaining connection slots are reserved for roles with the SUPERUSER attribute"
                if pg16
                else "remaining connection slots are reserved for non-replication superuser connections"
            )
        )
        if cnpg:
            rec = {
                "log_time": iso_ms(ts).replace("T", " ").replace("Z", " UTC"),
                "user_name": "app",
                "database_name": "app",
                "process_id": str(rng.randint(1000, 60000)),
                "connection_from": f"{pod_ip(rng)}:{rng.randint(32768, 60999)}",
                "session_id": hexid(rng, 13),
                "session_line_num": "1",
                "session_start_time": iso(ts).replace("T", " ").replace("Z", " UTC"),
                "transaction_id": "0",
                "error_severity": "FATAL",
                "sql_state_code": "53300",
                "message": text,
                "backend_type": "client backend",
                "query_id": "0",
            }
            pg_lines.append(
                (
                    ts,
                    json.dumps(
                        {
                            "level": "info",
                            "ts": iso_us(ts),
                            "logger": "postgres",
                            "msg": "record",
                            "logging_pod": db.pods[0],
                            "record": rec,
                        },
                        separators=(",", ":"),
                    ),
                )
            )
        else:
            pg_lines.append(
                (ts, f"{iso_ms(ts).replace('T', ' ').replace('Z', '')} UTC [{rng.randint(1000, 60000)}] FATAL:  {text}")
            )
    for ts in w.spread(rng, w.start, w.end, 300):
        pg_lines.append(
            (
                ts,
                (
                    f"{iso_ms(ts).replace('T', ' ').replace('Z', '')} UTC [{rng.randint(50, 90)}] LOG:  checkpoint "
                    f"starting: "
                    f"time"
                )
                if not cnpg
                else json.dumps(
                    {
                        "level": "info",
                        "ts": iso_us(ts),
                        "logger": "postgres",
                        "msg": "record",
                        "logging_pod": db.pods[0],
                        "record": {
                            "error_severity": "LOG",
                            "message": "checkpoint starting: time",
                            "backend_type": "checkpointer",
                        },
                    }
                ),
            )
        )
    sc.log(db, 0, pg_lines)
    step = 30
    times = w.steps(step)
    maxc = rng.choice([100, 200, 300])
    series = []
    for state, share in (("active", 0.35), ("idle", 0.55), ("idle in transaction", 0.1)):
        lbl = exporter_labels(sc, db, 0, f"{dbname}-metrics", 9187) | {
            "datname": "app" if cnpg else base,
            "state": state,
        }
        series.append(
            (
                lbl,
                [
                    round(x)
                    for x in shape(
                        rng, times, maxc * 0.4 * share, (maxc - 3) * share, w.onset - 240, ramp=240, noise=0.04
                    )
                ],
            )
        )
    b.prom("pg-activity", f'pg_stat_activity_count{{namespace="{sc.ns}"}}', series, step=step)
    b.prom(
        "pg-max-connections",
        f'pg_settings_max_connections{{namespace="{sc.ns}"}}',
        [(exporter_labels(sc, db, 0, f"{dbname}-metrics", 9187), [maxc] * len(times))],
        step=step,
    )
    raise_incident(sc, db, apps + callers, None, CALLER_TITLES)
    sc.write_loki()
    sc.write_kube()
    b.expect(
        "db_connection_exhaustion",
        [dbname, f"{dbname}-rw" if cnpg else dbname.removesuffix("-postgresql")],
        "postgresql",
        "sorry, too many clients already",
    )


# 19. MySQL ERROR 1040 ------------------------------------------------------------------------------------------
# MySQL ER_CON_COUNT_ERROR 1040 "Too many connections": the mysql client prints `ERROR 1040 (HY000): Too many
# connections`, Connector/J `Data source rejected establishment of connection,  message from server: "Too many
# connections"`, PyMySQL `(1040, 'Too many connections')`, go-sql-driver `Error 1040: Too many connections`.
# mysqld_exporter: `mysql_global_status_threads_connected`, `mysql_global_variables_max_connections`.
def plat_mysql_conns(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    base = rng.choice(["catalog", "inventory", "wordpress", "legacy-shop"])
    dbname = rng.choice([f"{base}-mysql", f"{base}-db-mysql", f"mysql-{base}"])
    db = store(sc, dbname, "mysql", 1, 3306, "docker.io/bitnami/mysql:8.0.39-debian-12-r0")
    apps = [
        sc.add(
            make_svc(
                rng,
                pick_name(rng, sc.taken, base.split("-")[0], ["-api", "-svc", ""]),
                sc.ns,
                sc.nodes,
                w.start - 86400 * 5,
            )
        )
        for _ in range(rng.choice([1, 2]))
    ]
    callers = with_callers(sc)

    def err(r: random.Random, cl: Svc) -> tuple[str, dict[str, Any]]:
        text = {
            "java": (
                "java.sql.SQLNonTransientConnectionException: Data source rejected establishment of connection, "
                " message "
                'from server: "Too many connections"'
            ),
            "python": "pymysql.err.OperationalError: (1040, 'Too many connections')",
            "go": "Error 1040: Too many connections",
            "node": "Error: Too many connections",
        }[cl.runtime]
        return (
            "database connection failed",
            {"error": text, "db": f"{dbname}:3306"} if cl.runtime == "node" else {"error": text},
        )

    for a in apps:
        baseline(sc, a, rng.uniform(2, 4))
        sc.items += [healthy_pod(sc, a, i) for i in range(len(a.pods))] + workload_objects(sc, a)
        client_loop(sc, a, w.onset, w.end, rng.uniform(1.2, 3), err)
    if v % 2 == 0:
        # the nightly dump, a CronJob running the mysql client in a shell script
        job = sc.add(
            make_svc(
                rng,
                f"{base}-backup-{int(w.onset // 60) - 3}",
                sc.ns,
                sc.nodes,
                w.onset - 180,
                kind="Job",
                replicas=1,
                style="gunicorn",
            )
        )
        ts = w.onset + rng.uniform(10, 60)
        sc.log(
            job,
            0,
            [
                (ts - 2, f"[{iso(ts - 2)}] starting mysqldump of {base}"),
                (ts, "ERROR 1040 (HY000): Too many connections"),
                (ts + 0.1, f"[{iso(ts)}] backup failed, exit 1"),
            ],
        )
    victim_lines(sc, callers[0], apps[0], ["502", "503"], w.onset + 15, w.end, rng.uniform(3, 7))
    step = 60
    times = w.steps(step)
    maxc = rng.choice([151, 300, 500])
    lbl = exporter_labels(sc, db, 0, f"{dbname}-metrics", 9104)
    b.prom(
        "mysql-threads",
        f'mysql_global_status_threads_connected{{namespace="{sc.ns}"}}',
        [(lbl, [round(x) for x in shape(rng, times, maxc * 0.35, maxc + 1, w.onset - 200, ramp=200, ceil=maxc + 1)])],
        step=step,
    )
    b.prom(
        "mysql-max-connections",
        f'mysql_global_variables_max_connections{{namespace="{sc.ns}"}}',
        [(lbl, [maxc] * len(times))],
        step=step,
    )
    raise_incident(sc, db, apps + callers, None, CALLER_TITLES)
    sc.write_loki()
    sc.write_kube()
    b.expect("db_connection_exhaustion", [dbname, dbname.removesuffix("-mysql")], "mysql", "Too many connections")


# 20. Kafka consumer lag -----------------------------------------------------------------------------------------
# kafka_exporter (danielqsj/kafka_exporter): `kafka_consumergroup_lag{consumergroup,topic,partition}`.
# Kafka clients ConsumerCoordinator (3.x): "consumer poll timeout has expired. This means the time between
# subsequent calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the
# poll loop is spending too much time processing messages. You can address this either by increasing
# max.poll.interval.ms or by reducing the maximum size of batches returned in poll() with max.poll.records." and
# "Member %s sending LeaveGroup request to coordinator %s due to consumer poll timeout has expired."
POLL_TIMEOUT = (
    "consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer "
    "than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too "
    "much time processing messages. You can address this either by increasing max.poll.interval.ms or by "
    "reducing the maximum size of batches returned in poll() with max.poll.records."
)


def plat_kafka_lag(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    base = rng.choice(["order-events", "payment-events", "shipment-updates", "clickstream"])
    consumer = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken, base.split("-")[0], ["-processor", "-consumer", "-worker"]),
            sc.ns,
            sc.nodes,
            w.start - 86400 * 6,
            style="spring" if v % 2 == 1 else rng.choice(["zap", "spring", "pino"]),
        )
    )
    group = rng.choice([f"{base}-processor", consumer.name, f"{consumer.name}-group"])
    producer = sc.add(
        make_svc(
            rng, pick_name(rng, sc.taken, base.split("-")[0], ["-api", "-svc"]), sc.ns, sc.nodes, w.start - 86400 * 6
        )
    )
    kafka = store(
        sc,
        rng.choice(["kafka-controller", "kafka", "kafka-broker"]),
        "kafka",
        3,
        9092,
        "docker.io/bitnami/kafka:3.7.1-debian-12-r4",
    )
    baseline(sc, producer, rng.uniform(2, 4))
    sc.items += [healthy_pod(sc, producer, i) for i in range(len(producer.pods))] + workload_objects(sc, producer)
    topic = base
    parts = rng.choice([6, 12])
    slow = v % 2 == 1
    for i in range(len(consumer.pods)):
        vo = consumer.voice(i)
        vo.thread = "org.springframework.kafka.KafkaListenerEndpointContainer#0-0-C-1"
        for ts in w.spread(rng, w.start, w.end, rng.uniform(2, 4)):
            took = rng.randint(20, 90) if (ts < w.onset or not slow) else rng.randint(4000, 30000)
            sc.log(
                consumer,
                i,
                [
                    (
                        ts,
                        vo.line(
                            ts,
                            "info",
                            f"processed {topic} record",
                            partition=rng.randrange(parts),
                            offset=rng.randint(10**6, 10**7),
                            took_ms=took,
                        ),
                    )
                ],
            )
        if slow:
            cid = f"consumer-{group}-{i + 1}"
            vo.logger = "o.a.k.c.c.internals.ConsumerCoordinator"  # the Kafka client's own logger, abbreviated
            for ts in w.spread(rng, w.onset + 300, w.end, rng.uniform(120, 240)):
                sc.log(
                    consumer,
                    i,
                    [
                        (ts, vo.line(ts, "warn", f"[Consumer clientId={cid}, groupId={group}] {POLL_TIMEOUT}")),
                        (
                            ts + 0.01,
                            vo.line(
                                ts + 0.01,
                                "info",
                                (
                                    f"[Consumer clientId={cid}, groupId={group}] Member {cid}-{uid(rng)} "
                                    f"sending LeaveGroup "
                                    f"request to coordinator "
                                    f"{kafka.pods[rng.randrange(3)]}.{kafka.name}-headless.{sc.ns}.svc.cluster.local"
                                    ":9092 "
                                    f"(id: {2147483647 - rng.randrange(3)} "
                                    f"rack: null) due to consumer poll timeout has expired."
                                ),
                            ),
                        ),
                    ],
                )
        sc.items.append(healthy_pod(sc, consumer, i))
    sc.items += workload_objects(sc, consumer)
    if not slow:
        # a campaign: the producer publishes several times its usual rate
        for ts in w.spread(rng, w.onset, w.end, 0.4):
            i = rng.randrange(len(producer.pods))
            sc.log(
                producer,
                i,
                [
                    (
                        ts,
                        producer.voice(i).line(
                            ts, "info", "event published", topic=topic, key=f"ord-{rng.randint(10**5, 10**6)}"
                        ),
                    )
                ],
            )
    step = 60
    times = w.steps(step)
    series = []
    other_group = rng.choice(["audit-sink", "search-indexer", "analytics-loader"])
    for g in (group, other_group):
        for p in range(parts):
            grow = g == group
            vals = shape(
                rng,
                times,
                rng.uniform(0, 40),
                rng.uniform(8000, 40000) if grow else rng.uniform(0, 40),
                w.onset,
                ramp=(w.end - w.onset),
                noise=0.1,
                floor=0,
            )
            series.append(
                (
                    {
                        "consumergroup": g,
                        "topic": topic,
                        "partition": str(p),
                        "instance": "kafka-exporter.monitoring.svc:9308",
                        "job": "kafka-exporter",
                        "namespace": "monitoring",
                        "pod": f"kafka-exporter-{pod_template_hash(rng)}-{name_suffix(rng)}",
                        "service": "kafka-exporter",
                    },
                    [round(x) for x in vals],
                )
            )
    b.prom("consumer-lag", f'kafka_consumergroup_lag{{topic="{topic}"}}', series, step=step)
    raise_incident(
        sc, consumer, [producer], None, [f"{topic} events delayed", "{svc} updates late", "orders stuck in pending"]
    )
    if b.files["incident.json"].get("source") == "cli" and rng.random() < 0.5:
        alert = alertmanager(
            rng,
            "KafkaConsumerGroupLagHigh",
            {
                "consumergroup": group,
                "topic": topic,
                "job": "kafka-exporter",
                "service": "kafka-exporter",
                "severity": "warning",
            },
            f"Consumer group {group} lag is above 5000",
            w.onset + 400,
        )
        b.incident(f"KafkaConsumerGroupLagHigh {group}", "alertmanager", None, alert)
    sc.write_loki()
    sc.write_kube()
    b.expect("queue_backlog", [consumer.name, group], "kafka", POLL_TIMEOUT[:40] if slow else "kafka_consumergroup_lag")


# 21. RabbitMQ queue growing behind Celery workers ---------------------------------------------------------------
# RabbitMQ's rabbitmq_prometheus plugin: per-object `rabbitmq_queue_messages_ready{vhost,queue}` (with
# `prometheus.return_per_object_metrics = true`) or `rabbitmq_detailed_queue_messages_ready` from
# /metrics/detailed?family=queue_coarse_metrics. Celery worker log format `[%(asctime)s: %(levelname)s/%(processName)s]
# %(message)s`; celery.app.trace: "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
# celery.worker.strategy: "Task %(name)s[%(id)s] received".
def celery_line(ts: float, level: str, proc: str, msg: str) -> str:
    from datetime import UTC, datetime

    d = datetime.fromtimestamp(ts, UTC)
    return f"[{d.strftime('%Y-%m-%d %H:%M:%S,')}{d.microsecond // 1000:03d}: {level}/{proc}] {msg}"


def plat_rabbit_celery(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    base = rng.choice(["invoices", "reports", "notifications", "media"])
    worker = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken, base, ["-worker", "-celery", "-tasks"]),
            sc.ns,
            sc.nodes,
            w.start - 86400 * 4,
            style="gunicorn",
            replicas=rng.choice([2, 3]),
        )
    )
    web = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken, base, ["-api", "-web"]),
            sc.ns,
            sc.nodes,
            w.start - 86400 * 4,
            style=rng.choice(["gunicorn", "uvicorn", "structlog"]),
        )
    )
    rabbit = store(
        sc,
        rng.choice(["rabbitmq", f"{base}-rabbitmq"]),
        "rabbitmq",
        3,
        5672,
        "docker.io/bitnami/rabbitmq:3.13.6-debian-12-r1",
    )
    baseline(sc, web, rng.uniform(2, 4))
    sc.items += [healthy_pod(sc, web, i) for i in range(len(web.pods))] + workload_objects(sc, web)
    task = rng.choice(
        [f"{base}.tasks.render_pdf", f"{base}.tasks.send_batch", f"{base}.tasks.transcode", f"{base}.tasks.generate"]
    )
    queue = rng.choice(["celery", base, f"{base}.default"])
    slow = v % 2 == 1
    for i in range(len(worker.pods)):
        lines: Lines = []
        t = w.start + rng.uniform(0, 3)
        while t < w.end:
            tid = uid(rng)
            took = rng.uniform(0.8, 2.5) if (t < w.onset or not slow) else rng.uniform(35, 70)
            proc = f"ForkPoolWorker-{rng.randint(1, 4)}"
            lines.append((t, celery_line(t, "INFO", "MainProcess", f"Task {task}[{tid}] received")))
            lines.append(
                (
                    t + took,
                    celery_line(
                        t + took, "INFO", proc, f"Task {task}[{tid}] succeeded in {took:.{rng.choice([1, 3])}f}s: None"
                    ),
                )
            )
            t += took / 4 + rng.uniform(0.05, 0.4)
        sc.log(worker, i, lines)
        sc.items.append(healthy_pod(sc, worker, i))
    sc.items += workload_objects(sc, worker)
    rate = 0.5 if slow else 0.12
    for ts in w.spread(rng, w.onset if not slow else w.start, w.end, rate):
        i = rng.randrange(len(web.pods))
        sc.log(web, i, [(ts, web.voice(i).line(ts, "info", "enqueued task", task=task, queue=queue))])
    step = 30
    times = w.steps(step)
    lbl = {
        "instance": f"{rabbit.ips[0]}:15692",
        "job": rabbit.name,
        "namespace": sc.ns,
        "pod": rabbit.pods[0],
        "service": rabbit.name,
        "endpoint": "prometheus",
        "vhost": "/",
        "queue": queue,
    }
    ready = [
        round(x)
        for x in shape(
            rng, times, rng.uniform(2, 30), rng.uniform(8000, 40000), w.onset, ramp=w.end - w.onset, noise=0.05, floor=0
        )
    ]
    metric = "rabbitmq_queue_messages_ready" if v % 2 == 0 else "rabbitmq_detailed_queue_messages_ready"
    other = dict(lbl, queue=rng.choice(["celeryev.heartbeats", "emails"]))
    b.prom(
        "rabbitmq-ready",
        f'{metric}{{vhost="/"}}',
        [(lbl, ready), (other, [rng.randint(0, 3) for _ in times])],
        step=step,
    )
    b.prom(
        "rabbitmq-consumers",
        f'rabbitmq_queue_consumers{{queue="{queue}"}}',
        [(lbl, [len(worker.pods) * 4] * len(times))],
        step=step,
    )
    raise_incident(sc, worker, [web], None, [f"{base} jobs delayed", "{svc} tasks piling up", f"{queue} queue growing"])
    sc.write_loki()
    sc.write_kube()
    b.expect("queue_backlog", worker.name, "rabbitmq", "succeeded in" if slow else metric)


# 22. Elasticsearch flood-stage watermark ------------------------------------------------------------------------
# Elasticsearch DiskThresholdMonitor: "flood stage disk watermark [{}] exceeded on {}, all indices on this node will
# be marked read-only" (DiskUsage prints `[nodeId][nodeName][path] free: 1.1gb[3.6%]`); ClusterBlock 12
# "disk usage exceeded flood-stage watermark, index has read-only-allow-delete block" (TOO_MANY_REQUESTS), surfaced
# to clients as `cluster_block_exception` "index [x] blocked by: [TOO_MANY_REQUESTS/12/...];". ES 8 logs in its ECS
# JSON layout (`"log.level": "WARN"`). elasticsearch_exporter: `elasticsearch_filesystem_data_available_bytes`
# {cluster,host,name,mount,path,es_*_node}.
BLOCK = "TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has read-only-allow-delete block"


def es_log(ts: float, level: str, msg: str, node_name: str, cluster: str, logger: str, rng: random.Random) -> str:
    return (
        f'{{"@timestamp":"{iso_ms(ts)}", "log.level": "{level}", "message":{json.dumps(msg)}, "ecs.version": '
        f'"1.2.0","service.name":"ES_ECS","event.dataset":"elasticsearch.server",'
        f'"process.thread.name":"elasticsearch[{node_name}][management][T#{rng.randint(1, 5)}]",'
        f'"log.logger":"{logger}","elasticsearch.cluster.uuid":"{hexid(rng, 22)}",'
        f'"elasticsearch.node.id":"{hexid(rng, 22)}","elasticsearch.node.name":"{node_name}",'
        f'"elasticsearch.cluster.name":"{cluster}"}}'
    )


def plat_es_flood(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    cluster = rng.choice(["search", "logging", "catalog-search", "products"])
    sts = f"{cluster}-es-{rng.choice(['data', 'default', 'hot'])}"
    es = store(
        sc,
        sts,
        "elasticsearch",
        3,
        9200,
        "docker.elastic.co/elasticsearch/elasticsearch:8.15.1",
        labels={
            "common.k8s.elastic.co/type": "elasticsearch",
            "elasticsearch.k8s.elastic.co/cluster-name": cluster,
            "elasticsearch.k8s.elastic.co/statefulset-name": sts,
        },
    )
    es.container = "elasticsearch"
    http = f"{cluster}-es-http.{sc.ns}.svc:9200"  # ECK's HTTP service, the address the writers are configured with
    index = rng.choice(
        [f"orders-{iso(w.start)[:7]}", "products", f"logs-{iso(w.start)[:10].replace('-', '.')}", "catalog-v3"]
    )
    writers = [
        sc.add(
            make_svc(
                rng,
                pick_name(rng, sc.taken, rng.choice(["indexer", "catalog", "search"]), ["-indexer", "-sync", "-api"]),
                sc.ns,
                sc.nodes,
                w.start - 86400 * 5,
            )
        )
        for _ in range(rng.choice([1, 2]))
    ]

    def err(r: random.Random, cl: Svc) -> tuple[str, dict[str, Any]]:
        reason = f"index [{index}] blocked by: [{BLOCK}];"
        cause = {"type": "cluster_block_exception", "reason": reason}
        body = {"error": {"root_cause": [cause], **cause}, "status": 429}
        text = {
            "python": f"elasticsearch.ApiError: ApiError(429, 'cluster_block_exception', '{reason}')",
            "java": (
                "co.elastic.clients.elasticsearch._types.ElasticsearchException: [es/bulk] failed: "
                "[cluster_block_exception] "
                f"{reason}"
            ),
            "node": f"ResponseError: cluster_block_exception: [cluster_block_exception] Reason: {reason}",
            "go": f"[429 Too Many Requests] {json.dumps(body, separators=(',', ':'))}",
        }[cl.runtime]
        return ("bulk index failed", {"error": text, "index": index, "url": f"https://{http}/_bulk"})

    for wr in writers:
        baseline(sc, wr, rng.uniform(2, 4))
        sc.items += [healthy_pod(sc, wr, i) for i in range(len(wr.pods))] + workload_objects(sc, wr)
        client_loop(sc, wr, w.onset, w.end, rng.uniform(1, 3), err)
    full = es.pods[rng.randrange(3)]
    lines: Lines = []
    total_gb = rng.choice([50, 100, 200])
    for ts in w.spread(rng, w.onset - 600, w.onset, 60):
        lines.append(
            (
                ts,
                es_log(
                    ts,
                    "WARN",
                    (
                        f"high disk watermark [90%] exceeded on [{hexid(rng, 22)}][{full}]"
                        "[/usr/share/elasticsearch/data] "
                        f"free: "
                        f"{total_gb * 0.08:.1f}gb[8%], shards will be relocated away from this node; currently "
                        f"relocating away "
                        f"shards totalling [0] bytes; the node is expected to continue to exceed the high "
                        f"disk watermark when "
                        f"these relocations are complete"
                    ),
                    full,
                    cluster,
                    "org.elasticsearch.cluster.routing.allocation.DiskThresholdMonitor",
                    rng,
                ),
            )
        )
    for ts in w.spread(rng, w.onset, w.end, 30):
        lines.append(
            (
                ts,
                es_log(
                    ts,
                    "WARN",
                    (
                        f"flood stage disk watermark [95%] exceeded on [{hexid(rng, 22)}][{full}]"
                        "[/usr/share/elasticsearch/data] "
                        f"free: {total_gb * 0.036:.1f}gb[3.6%], all indices on this node will be marked read-only"
                    ),
                    full,
                    cluster,
                    "org.elasticsearch.cluster.routing.allocation.DiskThresholdMonitor",
                    rng,
                ),
            )
        )
    sc.log(es, es.pods.index(full), lines)
    for i in range(3):
        sc.log(
            es,
            i,
            [
                (
                    ts,
                    es_log(
                        ts,
                        "INFO",
                        "[gc]["
                        + str(rng.randint(10000, 99999))
                        + "] overhead, spent [312ms] collecting in the last [1s]",
                        es.pods[i],
                        cluster,
                        "org.elasticsearch.monitor.jvm.JvmGcMonitorService",
                        rng,
                    ),
                )
                for ts in w.spread(rng, w.start, w.end, 400)
            ],
        )
    step = 60
    times = w.steps(step)
    series, sizes = [], []
    for p in es.pods:
        size = total_gb * 2**30
        avail = shape(
            rng,
            times,
            size * (0.15 if p == full else 0.5),
            size * (0.035 if p == full else 0.49),
            w.start + 60,
            ramp=w.onset - w.start,
            noise=0.005,
        )
        lbl = {
            "cluster": cluster,
            "host": pod_ip(rng),
            "name": p,
            "es_client_node": "true",
            "es_data_node": "true",
            "es_ingest_node": "true",
            "es_master_node": "true",
            "mount": "/usr/share/elasticsearch/data (/dev/nvme1n1)",
            "path": "/usr/share/elasticsearch/data",
            "instance": f"{cluster}-es-exporter:9114",
            "job": f"{cluster}-es-exporter",
        }
        series.append((lbl, avail))
        sizes.append((lbl, [size] * len(times)))
    b.prom(
        "es-fs-available", f'elasticsearch_filesystem_data_available_bytes{{cluster="{cluster}"}}', series, step=step
    )
    b.prom("es-fs-size", f'elasticsearch_filesystem_data_size_bytes{{cluster="{cluster}"}}', sizes, step=step)
    callers = with_callers(sc)
    victim_lines(sc, callers[0], writers[0], ["502", "503"], w.onset + 30, w.end, rng.uniform(4, 10))
    raise_incident(sc, es, writers + callers, None, CALLER_TITLES + ["search results stale", "indexing failing"])
    sc.write_loki()
    sc.write_kube()
    b.expect(
        "disk_full", [cluster, sts, f"{cluster}-es-http"], "elasticsearch", "flood stage disk watermark [95%] exceeded"
    )


# 23. MongoDB replica set without a primary -----------------------------------------------------------------------
# Node driver: `MongoServerSelectionError: Server selection timed out after 30000 ms`; `MongoServerError: not primary`
# (code 10107, codeName NotWritablePrimary); pymongo `ServerSelectionTimeoutError: No replica set members match
# selector "Primary()"`; Java `MongoTimeoutException: Timed out after 30000 ms while waiting for a server that
# matches WritableServerSelector`. mongod's structured log (4.4+): `{"t":{"$date":...},"s":"I","c":"REPL","id":21358,
# "msg":"Replica set state transition",...}`; WiredTiger "No space left on device" via id 22435 "WiredTiger error
# message".
def mongo_log(ts: float, s: str, c: str, lid: int, ctx: str, msg: str, attr: Json) -> str:
    return json.dumps(
        {
            "t": {"$date": iso_ms(ts).replace("Z", "+00:00")},
            "s": s,
            "c": c,
            "id": lid,
            "ctx": ctx,
            "msg": msg,
            "attr": attr,
        },
        separators=(",", ":"),
    )


def plat_mongo(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    base = rng.choice(["orders", "profiles", "catalog", "chat"])
    name = rng.choice([f"{base}-mongodb", f"mongodb-{base}", f"{base}-mongo"])
    mongo = make_svc(
        rng, name, sc.ns, sc.nodes, w.start - 86400 * 200, kind="StatefulSet", replicas=3, style="zap", port=27017
    )
    mongo.labels = {
        "app.kubernetes.io/name": "mongodb",
        "app.kubernetes.io/instance": name.replace("-mongodb", "").replace("mongodb-", ""),
        "app.kubernetes.io/component": "mongodb",
    }
    mongo.container = "mongodb"
    mongo.image = "docker.io/bitnami/mongodb:7.0.14-debian-12-r0"
    sc.add(mongo)
    disk = v % 2 == 1
    apps = [
        sc.add(
            make_svc(
                rng,
                pick_name(rng, sc.taken, base, ["-api", "-svc", ""]),
                sc.ns,
                sc.nodes,
                w.start - 86400 * 5,
                style=rng.choice(["pino", "nest", "uvicorn", "spring"]),
            )
        )
    ]
    callers = with_callers(sc)

    def err(r: random.Random, cl: Svc) -> tuple[str, dict[str, Any]]:
        if cl.runtime == "node":
            text = r.choice(
                [
                    "MongoServerSelectionError: Server selection timed out after 30000 ms",
                    "MongoServerError: not primary",
                ]
            )
        elif cl.runtime == "python":
            text = (
                f'pymongo.errors.ServerSelectionTimeoutError: No replica set members match selector "Primary()", '
                f"Timeout: "
                f"30s, Topology Description: <TopologyDescription id: {hexid(r, 24)}, "
                "topology_type: ReplicaSetNoPrimary, "
                f"servers: [...]>"
            )
        else:
            text = (
                f"com.mongodb.MongoTimeoutException: Timed out after 30000 ms while waiting for a server that matches "
                "WritableServerSelector. Client view of cluster state is {type=REPLICA_SET, servers=[{address="
                f"{mongo.pods[0]}.{name}-headless.{sc.ns}.svc.cluster.local:27017, "
                f"type=UNKNOWN, state=CONNECTING}}]"
            )
        return ("database operation failed", {"error": text})

    for a in apps:
        baseline(sc, a, rng.uniform(2, 4), t_to=w.onset + 30)
        sc.items += [healthy_pod(sc, a, i) for i in range(len(a.pods))] + workload_objects(sc, a)
        client_loop(sc, a, w.onset + 30, w.end, rng.uniform(1, 3), err)
    victim_lines(sc, callers[0], apps[0], ["502", "503", "timeout"], w.onset + 40, w.end, rng.uniform(3, 7))
    limit = rng.choice([1, 2]) * 1024
    for i in range(3):
        ml: Lines = [
            (
                ts,
                mongo_log(
                    ts,
                    "I",
                    "NETWORK",
                    22943,
                    "listener",
                    "Connection accepted",
                    {"remote": f"{pod_ip(rng)}:{rng.randint(32768, 60999)}", "connectionCount": rng.randint(40, 90)},
                ),
            )
            for ts in w.spread(rng, w.start, w.onset, 25)
        ]
        down = i != 2
        if disk:
            if down:
                for ts in w.spread(rng, w.onset, w.end, (w.end - w.onset) / 5, 0.2):
                    ml += [
                        (
                            ts,
                            mongo_log(
                                ts,
                                "E",
                                "WT",
                                22435,
                                "Checkpointer",
                                "WiredTiger error message",
                                {
                                    "error": 28,
                                    "message": {
                                        "ts_sec": int(ts),
                                        "ts_usec": 0,
                                        "thread": f"1:0x7f{hexid(rng, 10)}",
                                        "session_name": "WT_SESSION.checkpoint",
                                        "category": "WT_VERB_DEFAULT",
                                        "category_id": 9,
                                        "verbose_level": "ERROR",
                                        "verbose_level_id": -3,
                                        "msg": (
                                            "__posix_file_write:599:/bitnami/mongodb/data/db/"
                                            f"collection-{rng.randint(2, 90)}-{rng.getrandbits(62)}.wt: "
                                            f"handle-write: pwrite: failed to write 4096 bytes at offset "
                                            f"{rng.randint(10**6, 10**9)}: No space left "
                                            f"on device"
                                        ),
                                    },
                                },
                            ),
                        ),
                        (
                            ts + 0.01,
                            mongo_log(
                                ts + 0.01,
                                "F",
                                "ASSERT",
                                23089,
                                "Checkpointer",
                                "Fatal assertion",
                                {
                                    "msgid": 50853,
                                    "file": "src/mongo/db/storage/wiredtiger/wiredtiger_util.cpp",
                                    "line": 712,
                                },
                            ),
                        ),
                    ]
            state = crashloop_waiting(mongo, i, "2m40s") if down else running(mongo.created)
            last = terminated("Error", 14, w.end - 200, w.end - 199, rng) if down else None
        else:
            if down:
                kills = w.spread(rng, w.onset - 30, w.end, rng.uniform(150, 250), 0.2)
                for k in kills:
                    ml.append(
                        (k + 20, mongo_log(k + 20, "I", "CONTROL", 20698, "-", "***** SERVER RESTARTED *****", {}))
                    )
                    ml.append(
                        (
                            k + 24,
                            mongo_log(
                                k + 24,
                                "I",
                                "REPL",
                                21358,
                                "ReplCoord-0",
                                "Replica set state transition",
                                {"newState": "STARTUP2", "oldState": "STARTUP"},
                            ),
                        )
                    )
            else:
                ml.append(
                    (
                        w.onset + 12,
                        mongo_log(
                            w.onset + 12,
                            "I",
                            "REPL",
                            21809,
                            "ReplCoord-3",
                            "Can't see a majority of the set, relinquishing primary",
                            {},
                        ),
                    )
                )
                ml.append(
                    (
                        w.onset + 12.2,
                        mongo_log(
                            w.onset + 12.2,
                            "I",
                            "REPL",
                            21358,
                            "ReplCoord-3",
                            "Replica set state transition",
                            {"newState": "SECONDARY", "oldState": "PRIMARY"},
                        ),
                    )
                )
            state = crashloop_waiting(mongo, i, "1m20s") if down else running(mongo.created)
            last = terminated("OOMKilled", 137, w.end - 300, w.end - 120, rng) if down else None
        sc.log(mongo, i, ml)
        st = cstatus(
            "mongodb",
            mongo.image,
            rng,
            ready=not down,
            restarts=rng.randint(4, 9) if down else 0,
            state=state,
            last=last,
        )
        sc.items.append(
            svc_pod(
                sc,
                mongo,
                i,
                [st],
                ready=not down,
                memory=f"{limit}Mi",
                containers=[container("mongodb", mongo.image, port=27017, memory=f"{limit}Mi")],
            )
        )
        if down:
            sc.items.append(back_off(sc, mongo, i, w.onset + 60, w.end - 20, rng.randint(10, 30), "mongodb"))
    sc.items += workload_objects(sc, mongo, ready=1)
    if disk:
        step = 60
        times = w.steps(step)
        series = [
            (
                {
                    "namespace": sc.ns,
                    "persistentvolumeclaim": f"datadir-{p}",
                    "job": "kubelet",
                    "metrics_path": "/metrics",
                    "node": mongo.nodes[i],
                    "instance": f"{mongo.nodes[i]}:10250",
                },
                shape(rng, times, 4.2 * 2**30, 0, w.start + 120, ramp=w.onset - w.start - 120, noise=0.01, floor=0),
            )
            for i, p in enumerate(mongo.pods)
        ]
        b.prom("pvc-available", f'kubelet_volume_stats_available_bytes{{namespace="{sc.ns}"}}', series, step=step)
    else:
        mem_metrics(sc, mongo, limit * 2**20, limit * 2**20 * 0.6, 200, apps, raw=False)
    raise_incident(
        sc,
        mongo,
        apps + callers,
        (
            "KubeStatefulSetReplicasMismatch",
            {"statefulset": name},
            "StatefulSet has not matched the expected number of replicas.",
        ),
        CALLER_TITLES,
    )
    sc.write_loki()
    sc.write_kube()
    b.expect(
        "disk_full" if disk else "memory_exhaustion",
        [name, mongo.labels["app.kubernetes.io/instance"]],
        "mongodb",
        "No space left on device" if disk else "OOMKilled",
    )


# 24. ingress-nginx 504s from an upstream pinned at its CPU limit -------------------------------------------------
# nginx ngx_http_upstream.c: "upstream timed out (110: Connection timed out) while reading response header from
# upstream, client: %V, server: %V, request: \"%V\", upstream: \"%V\", host: \"%V\""; ingress-nginx's default
# log-format-upstream (`... $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name]
# $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id`); cAdvisor
# `container_cpu_usage_seconds_total`, `container_cpu_cfs_throttled_periods_total`, `container_cpu_cfs_periods_total`;
# kube-state-metrics `kube_pod_container_resource_limits{resource="cpu"}`.
def plat_nginx_cpu(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    neighbours = populate(sc)
    up = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken, rng.choice(["search", "catalog", "pricing", "recommender"]), ["-api", "", "-svc"]),
            sc.ns,
            sc.nodes,
            w.start - 86400 * 3,
            replicas=rng.choice([2, 3]),
            style=rng.choice(["zap", "pino", "logfmt", "nest"]),
        )
    )
    cpu_limit = rng.choice([0.5, 1.0, 2.0])
    host = rng.choice(["shop.example.com", "www.acme-store.com", "api.example.io"])
    ing_hash = pod_template_hash(rng)
    ing_pods = [f"ingress-nginx-controller-{ing_hash}-{name_suffix(rng)}" for _ in range(2)]
    upstream_name = f"{sc.ns}-{up.name}-{up.port}"
    ing_lines: dict[str, Lines] = {p: [] for p in ing_pods}
    for ts in w.spread(rng, w.start, w.end, 0.8):
        p = rng.choice(ing_pods)
        path = rng.choice(up.paths).replace("{id}", str(rng.randint(100, 9999)))
        late = ts > w.onset and rng.random() < 0.45
        body_bytes = 562 if late else rng.randint(300, 9000)
        worker = rng.randint(20, 40)  # nginx writes `pid#tid`; a worker process has one thread
        i = rng.randrange(len(up.pods))
        client = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        rt = 60.0 + rng.uniform(0, 0.004) if late else rng.uniform(0.005, 0.25)
        status = 504 if late else 200
        rid = hexid(rng, 32)
        ing_lines[p].append(
            (
                ts + rt,
                (
                    f'{client} - - [{clf_time(ts + rt)}] "GET {path} HTTP/1.1" {status} {body_bytes} '
                    f'"https://{host}/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 '
                    f"(KHTML, like "
                    f'Gecko) Version/17.5 Safari/605.1.15" {rng.randint(300, 700)} {rt:.3f} [{upstream_name}] '
                    f"[] {up.ips[i]}:{up.port} "
                    f"{0 if late else rng.randint(300, 9000)} {rt - 0.001 if late else rt:.3f} {status} {rid}"
                ),
            )
        )
        if late:
            from datetime import UTC, datetime

            d = datetime.fromtimestamp(ts + rt, UTC).strftime("%Y/%m/%d %H:%M:%S")
            ing_lines[p].append(
                (
                    ts + rt,
                    (
                        f"{d} [error] {worker}#{worker}: *{rng.randint(10**5, 10**7)} "
                        f"upstream timed "
                        f"out (110: Connection timed out) while reading response header from upstream, client: "
                        f"{client}, server: "
                        f'{host}, request: "GET {path} HTTP/1.1", upstream: "http://{up.ips[i]}:{up.port}{path}", '
                        f'host: "{host}", '
                        f'referrer: "https://{host}/"'
                    ),
                )
            )
    extra = [
        (
            {
                "namespace": "ingress-nginx",
                "pod": p,
                "container": "controller",
                "app_kubernetes_io_name": "ingress-nginx",
                "stream": "stdout",
            },
            ls,
        )
        for p, ls in ing_lines.items()
    ]
    for i in range(len(up.pods)):
        vo = up.voice(i)
        for ts in w.spread(rng, w.start, w.end, rng.uniform(1.5, 3)):
            ms = rng.randint(10, 120) if ts < w.onset else rng.randint(8000, 65000)
            sc.log(
                up,
                i,
                [
                    (
                        ts,
                        vo.access(
                            ts, "GET", rng.choice(up.paths).replace("{id}", "5"), 200, ms, pod_ip(rng), request_id(rng)
                        ),
                    )
                ],
            )
        if up.runtime == "node":
            sc.log(
                up,
                i,
                [
                    (ts, vo.line(ts, "warn", "event loop delay high", p99Ms=rng.randint(900, 4000)))
                    for ts in w.spread(rng, w.onset, w.end, 60)
                ],
            )
        sc.items.append(
            svc_pod(
                sc,
                up,
                i,
                [cstatus(up.container, up.image, rng, ready=True, restarts=0, state=running(up.created))],
                cpu_limit=str(cpu_limit),
            )
        )
    sc.items += workload_objects(sc, up)
    step = 60
    times = w.steps(step)
    cpu, thr, lim = [], [], []
    for svc in [up, *neighbours[:2]]:
        for p in svc.pods:
            l_ = cpu_limit if svc is up else 1.0
            base_ = l_ * rng.uniform(0.2, 0.4)
            lbl = {"namespace": sc.ns, "pod": p, "container": svc.container}
            cpu.append(
                (
                    lbl,
                    shape(
                        rng,
                        times,
                        base_,
                        l_ * 0.99 if svc is up else base_,
                        w.onset - 60,
                        ramp=120,
                        noise=0.03,
                        ceil=l_,
                    ),
                )
            )
            thr.append(
                (
                    lbl,
                    shape(rng, times, 0.02, 0.85 if svc is up else 0.02, w.onset - 60, ramp=120, noise=0.05, ceil=1.0),
                )
            )
            lim.append((lbl | {"resource": "cpu", "unit": "core"}, [l_] * len(times)))
    b.prom(
        "cpu-usage",
        (
            f'sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{{namespace="{sc.ns}", '
            f'container!=""}}[5m]))'
        ),
        cpu,
        step=step,
    )
    b.prom(
        "cpu-throttling",
        (
            "sum by (namespace, pod, container) "
            f'(rate(container_cpu_cfs_throttled_periods_total{{namespace="{sc.ns}"}}[5m])) '
            f'/ sum by (namespace, pod, container) (rate(container_cpu_cfs_periods_total{{namespace="{sc.ns}"}}[5m]))'
        ),
        thr,
        step=step,
    )
    b.prom("cpu-limits", f'kube_pod_container_resource_limits{{namespace="{sc.ns}", resource="cpu"}}', lim, step=step)
    mode = rng.random()
    if mode < 0.5:
        alert = alertmanager(
            rng,
            "NginxIngress5xxHigh",
            {
                "ingress": up.name,
                "exported_namespace": sc.ns,
                "namespace": "ingress-nginx",
                "service": "ingress-nginx-controller-metrics",
                "job": "ingress-nginx-controller-metrics",
                "severity": "critical",
            },
            f"{host} 504 ratio above 5%",
            w.onset + 240,
        )
        b.incident(
            f"504s on {host}", "alertmanager", "ingress-nginx-controller-metrics" if mode < 0.25 else None, alert
        )
    else:
        b.incident(f"{host} timing out", "slack", rng.choice(["ingress-nginx", "frontend", None]))
    sc.write_loki(extra)
    sc.write_kube()
    b.expect(
        "cpu_saturation",
        up.name,
        "nginx",
        "upstream timed out (110: Connection timed out) while reading response header from upstream",
    )


# 25. Traefik 502s while the backend is OOMKilled ----------------------------------------------------------------
# Traefik access log in JSON (`accessLog.format: json`): ClientHost, DownstreamStatus, OriginStatus, Duration (ns),
# RequestMethod, RequestPath, RouterName, ServiceName `<namespace>-<service>-<port>@kubernetes` (Ingress provider)
# or `@kubernetescrd` (IngressRoute), ServiceURL, entryPointName, level, msg, time.
def plat_traefik_oom(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    neighbours = populate(sc)
    pay = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken, rng.choice(["payments", "checkout", "orders"]), ["", "", "-api"]),
            sc.ns,
            sc.nodes,
            w.start - 86400 * 2,
            replicas=rng.choice([2, 3]),
            port=80 if rng.random() < 0.5 else 8080,
        )
    )
    provider = rng.choice(["kubernetes", "kubernetescrd"])
    limit_mi = rng.choice([256, 512])
    period = rng.uniform(150, 260)
    for i in range(len(pay.pods)):
        kills = w.spread(rng, w.onset, w.end, period, 0.2)
        t = w.start
        for k in kills:
            sc.log(pay, i, traffic(rng, pay.voice(i), w, pay.paths, 3, t_from=t, t_to=k))
            t = k + 15
            sc.log(pay, i, startup(pay, i, k + 3))
        sc.log(pay, i, traffic(rng, pay.voice(i), w, pay.paths, 3, t_from=t))
        st = cstatus(
            pay.container,
            pay.image,
            rng,
            ready=True,
            restarts=len(kills),
            state=running(kills[-1] + 12 if kills else w.onset),
            last=terminated(
                "OOMKilled", 137, kills[-1] - period if kills else w.onset, kills[-1] if kills else w.onset, rng
            ),
        )
        sc.items.append(svc_pod(sc, pay, i, [st], memory=f"{limit_mi}Mi"))
    sc.items += workload_objects(sc, pay)
    tr_pods = [f"traefik-{pod_template_hash(rng)}-{name_suffix(rng)}"]
    lines: Lines = []
    host = rng.choice(["pay.example.com", "checkout.acme-store.com", "api.example.io"])
    svc_name = f"{sc.ns}-{pay.name}-{pay.port}@{provider}"
    router = (
        f"{sc.ns}-{pay.name}-{host.replace('.', '-')}@{provider}"
        if provider == "kubernetes"
        else f"{sc.ns}-{pay.name}-{hexid(rng, 20)}@kubernetescrd"
    )
    for ts in w.spread(rng, w.start, w.end, 0.7):
        bad = ts > w.onset and rng.random() < 0.3
        i = rng.randrange(len(pay.pods))
        dur = rng.randint(2, 40) * 10**6 if not bad else rng.randint(1, 30) * 10**6
        path = rng.choice(pay.paths).replace("{id}", str(rng.randint(100, 9999)))
        doc = {
            "ClientAddr": f"10.0.{rng.randint(0, 3)}.{rng.randint(2, 254)}:{rng.randint(32768, 60999)}",
            "ClientHost": f"10.0.{rng.randint(0, 3)}.{rng.randint(2, 254)}",
            "ClientPort": str(rng.randint(32768, 60999)),
            "ClientUsername": "-",
            "DownstreamContentSize": 11 if bad else rng.randint(80, 4000),
            "DownstreamStatus": 502 if bad else 200,
            "Duration": dur,
            "OriginContentSize": 0 if bad else rng.randint(80, 4000),
            "OriginDuration": dur - 50_000,
            "OriginStatus": 0 if bad else 200,
            "Overhead": 50_000,
            "RequestAddr": host,
            "RequestContentSize": 0,
            "RequestCount": rng.randint(10**5, 10**6),
            "RequestHost": host,
            "RequestMethod": rng.choice(["GET", "POST"]),
            "RequestPath": path,
            "RequestPort": "-",
            "RequestProtocol": "HTTP/2.0",
            "RequestScheme": "https",
            "RetryAttempts": 0,
            "RouterName": router,
            "ServiceAddr": f"{pay.ips[i]}:{pay.port}",
            "ServiceName": svc_name,
            "ServiceURL": f"http://{pay.ips[i]}:{pay.port}",
            "StartLocal": iso_us(ts).replace("Z", "+00:00"),
            "StartUTC": iso_us(ts),
            "entryPointName": "websecure",
            "level": "info",
            "msg": "",
            "time": iso(ts + dur / 1e9),
        }
        lines.append((ts + dur / 1e9, json.dumps(doc, separators=(",", ":"))))
    extra = [
        (
            {
                "namespace": "traefik",
                "pod": tr_pods[0],
                "container": "traefik",
                "app_kubernetes_io_name": "traefik",
                "stream": "stdout",
            },
            lines,
        )
    ]
    mem_metrics(sc, pay, limit_mi * 2**20, limit_mi * 2**20 * 0.4, period, neighbours[:2], raw=rng.random() < 0.5)
    if rng.random() < 0.5:
        alert = alertmanager(
            rng,
            "TraefikServiceHighErrorRate",
            {
                "service": "traefik",
                "exported_service": svc_name,
                "job": "traefik",
                "namespace": "traefik",
                "severity": "critical",
            },
            f"High 5xx rate on {svc_name}",
            w.onset + 200,
        )
        b.incident(f"502s on {host}", "alertmanager", rng.choice(["traefik", None]), alert)
    else:
        b.incident(f"{host} returning 502", rng.choice(["slack", "cli"]), rng.choice([None, "traefik", host]))
    sc.write_loki(extra)
    sc.write_kube()
    b.expect("memory_exhaustion", pay.name, "traefik", "OOMKilled")


# 26. An expired certificate cert-manager failed to renew --------------------------------------------------------
# cert-manager (pkg/controller/certificates/readiness policies): Ready=False reason "Expired", message
# "Certificate expired on %s" (time.RFC1123); the HTTP-01 self check logs `"propagation check failed"
# err="wrong status code '404', expected '200'"`. Clients: Go crypto/x509 "x509: certificate has expired or is not
# yet valid: current time %s is after %s" behind "tls: failed to verify certificate: "; Java "PKIX path validation
# failed: java.security.cert.CertPathValidatorException: validity check failed"; Node "certificate has expired";
# Python "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)".
# Go net/http server: "http: TLS handshake error from %s: %v".
def plat_cert_expired(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    srv = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken, rng.choice(["ledger", "payments", "accounts", "tax"]), ["", "-api", "-grpc"]),
            sc.ns,
            sc.nodes,
            w.start - 86400 * 80,
            style=rng.choice(["zap", "logfmt"]),
            port=8443,
        )
    )
    callers = [
        sc.add(make_svc(rng, pick_name(rng, sc.taken), sc.ns, sc.nodes, w.start - 86400 * 20))
        for _ in range(rng.choice([1, 2]))
    ]
    not_after = w.onset
    renew_at = not_after - 15 * 86400
    cert = f"{srv.name}-tls"
    for c in callers:
        baseline(sc, c, rng.uniform(2, 4))
        sc.items += [healthy_pod(sc, c, i) for i in range(len(c.pods))] + workload_objects(sc, c)

        def err(r: random.Random, cl: Svc) -> tuple[str, dict[str, Any]]:
            url = f"https://{srv.dns(r)}:8443/v1/{srv.core}"
            text = {
                "go": (
                    f'Post "{url}": tls: failed to verify certificate: x509: certificate has expired or is '
                    f"not yet valid: "
                    f"current time {iso(not_after + r.uniform(1, 1200))} is after {iso(not_after)}"
                ),
                "java": (
                    f"org.springframework.web.client.ResourceAccessException: I/O error on POST request for "
                    f'"{url}": PKIX '
                    f"path validation failed: java.security.cert.CertPathValidatorException: validity check failed"
                ),
                "node": "Error: certificate has expired",
                "python": (
                    "httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate "
                    "has expired "
                    "(_ssl.c:1006)"
                ),
            }[cl.runtime]
            return (
                f"{srv.name} call failed",
                {"error": text, "code": "CERT_HAS_EXPIRED"} if cl.runtime == "node" else {"error": text},
            )

        client_loop(sc, c, not_after + 1, w.end, rng.uniform(1, 3), err)

    def alert() -> str:
        """The TLS alert the rejecting client sent: Go's crypto/tls sends bad_certificate, OpenSSL and the JDK
        certificate_expired, which Go's server prints as "expired certificate"."""
        return "bad certificate" if rng.choice(callers).runtime == "go" else "expired certificate"

    for i in range(len(srv.pods)):
        vo = srv.voice(i)
        sc.log(srv, i, traffic(rng, vo, w, srv.paths, rng.uniform(2, 4), t_to=not_after))
        sc.log(
            srv,
            i,
            [
                (
                    ts,
                    (
                        f"{iso_ms(ts).replace('T', ' ').replace('Z', '')[:-4].replace('-', '/')} http: TLS "
                        f"handshake error from "
                        f"{pod_ip(rng)}:{rng.randint(32768, 60999)}: remote error: tls: {alert()}"
                    ),
                )
                for ts in w.spread(rng, not_after, w.end, rng.uniform(1, 3))
            ],
        )
        sc.items.append(healthy_pod(sc, srv, i))
    sc.items += workload_objects(sc, srv)
    issued = not_after - 90 * 86400
    sc.items.append(
        {
            "apiVersion": "cert-manager.io/v1",
            "kind": "Certificate",
            "metadata": meta(cert, sc.ns, rng, issued - 86400 * 200),
            "spec": {
                "secretName": cert,
                "dnsNames": [f"{srv.name}.{sc.ns}.svc", f"{srv.name}.{sc.ns}.svc.cluster.local"],
                "issuerRef": {"name": rng.choice(["internal-ca", "letsencrypt-prod"]), "kind": "ClusterIssuer"},
                "duration": "2160h0m0s",
                "renewBefore": "360h0m0s",
            },
            "status": {
                "conditions": [
                    {
                        "type": "Ready",
                        "status": "False",
                        "reason": "Expired",
                        "message": f"Certificate expired on {rfc1123(not_after)}",
                        "lastTransitionTime": iso(not_after),
                        "observedGeneration": 1,
                    },
                    {
                        "type": "Issuing",
                        "status": "True",
                        "reason": "Renewing",
                        "message": f"Renewing certificate as renewal was scheduled at {rfc1123(renew_at)}",
                        "lastTransitionTime": iso(not_after - 15 * 86400),
                        "observedGeneration": 1,
                    },
                ],
                "notBefore": iso(issued),
                "notAfter": iso(not_after),
                "renewalTime": iso(not_after - 15 * 86400),
                "failedIssuanceAttempts": rng.randint(5, 12),
                "lastFailureTime": iso(w.onset - rng.randint(600, 7200)),
            },
        }
    )
    cm = make_svc(rng, "cert-manager", "cert-manager", sc.nodes, w.start - 86400 * 300, replicas=1, style="zap")
    cm_lines = []
    for ts in w.spread(rng, w.start, w.end, 60):
        d = iso_us(ts)
        cm_lines.append(
            (
                ts,
                (
                    f'E{d[5:7]}{d[8:10]} {d[11:26]}       1 sync.go:190] "propagation check failed" err="wrong '
                    f"status code "
                    "'404', expected '200'\" logger=\"cert-manager.controller\" "
                    f'resource_name="{cert}-1-{rng.randint(10**9, 4 * 10**9)}-{rng.randint(10**8, 10**9)}" '
                    f'resource_namespace="{sc.ns}" resource_kind="Challenge" resource_version="v1" '
                    f'dnsName="{srv.name}.example.com" '
                    f'type="HTTP-01"'
                ),
            )
        )
    extra = (
        [
            (
                {
                    "namespace": "cert-manager",
                    "pod": cm.pods[0],
                    "container": "cert-manager-controller",
                    "app": "cert-manager",
                    "stream": "stderr",
                },
                cm_lines,
            )
        ]
        if v % 2 == 0
        else []
    )
    raise_incident(sc, srv, callers, None, CALLER_TITLES)
    sc.write_loki(extra)
    sc.write_kube(rng.choice(["state", "certificates"]))
    # the Certificate's Ready condition says it whatever the callers' runtimes print ("validity check failed", ...)
    b.expect("certificate_expired", [srv.name, cert], "cert-manager", "Certificate expired on")


# 27. A NetworkPolicy that cuts a caller off its database ---------------------------------------------------------
# Connect timeouts as each client prints them: Go `dial tcp %s: i/o timeout` (pgx `failed to connect to ...: dial
# error (dial tcp 10.x:5432: i/o timeout)`), pgjdbc `The connection attempt failed.` caused by
# `java.net.SocketTimeoutException: Connect timed out`, Node `connect ETIMEDOUT ip:port`, psycopg
# `connection to server at "...", port 5432 failed: timeout expired`.
def plat_netpol(b: Bundle, v: int) -> None:
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    populate(sc)
    base = rng.choice(["settlement", "reports", "payouts", "reconciler"])
    caller = sc.add(
        make_svc(rng, pick_name(rng, sc.taken, base, ["", "-worker", "-svc"]), sc.ns, sc.nodes, w.start - 86400 * 9)
    )
    other = sc.add(
        make_svc(
            rng,
            pick_name(rng, sc.taken, rng.choice(["ledger", "accounts", "orders"]), ["-api", ""]),
            sc.ns,
            sc.nodes,
            w.start - 86400 * 9,
        )
    )
    dbns = rng.choice(["data", "databases", sc.ns])
    db = store(
        sc,
        f"{rng.choice(['ledger', 'core', 'finance'])}-postgresql",
        "postgresql",
        1,
        5432,
        "docker.io/bitnami/postgresql:15.8.0-debian-12-r0",
        ns=dbns,
    )
    db_ip = db.ips[0]
    for a in (caller, other):
        sc.items += [healthy_pod(sc, a, i) for i in range(len(a.pods))] + workload_objects(sc, a)
    baseline(sc, other, rng.uniform(2, 4))
    baseline(sc, caller, rng.uniform(3, 6), t_to=w.onset)

    def err(r: random.Random, cl: Svc) -> tuple[str, dict[str, Any]]:
        text = {
            "go": (
                f"failed to connect to `user={base} database={base}`: {db_ip}:5432 "
                f"({db.name}.{dbns}.svc.cluster.local): "
                f"dial error: dial tcp {db_ip}:5432: i/o timeout"
            ),
            "java": (
                "org.postgresql.util.PSQLException: The connection attempt failed. Caused by: "
                "java.net.SocketTimeoutException: "
                "Connect timed out"
            ),
            "node": f"Error: connect ETIMEDOUT {db_ip}:5432",
            "python": (
                f'psycopg2.OperationalError: connection to server at "{db.name}.{dbns}.svc.cluster.local" '
                f"({db_ip}), port "
                f"5432 failed: timeout expired"
            ),
        }[cl.runtime]
        return ("database connection failed", {"error": text})

    client_loop(sc, caller, w.onset + rng.uniform(5, 30), w.end, rng.uniform(2, 5), err)
    sc.log(
        db,
        0,
        [
            (
                ts,
                (
                    f"{iso_ms(ts).replace('T', ' ').replace('Z', '')} UTC [{rng.randint(60, 99)}] LOG:  checkpoint "
                    f"complete: "
                    f"wrote {rng.randint(50, 900)} buffers ({rng.uniform(0.1, 5):.1f}%); 0 WAL file(s) added, "
                    f"0 removed, 1 "
                    f"recycled"
                ),
            )
            for ts in w.spread(rng, w.start, w.end, 300)
        ],
    )
    created = w.onset - rng.uniform(10, 40)
    if v % 2 == 0:
        sc.items.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": meta(
                    f"{db.name}-ingress",
                    dbns,
                    rng,
                    created,
                    annotations={"kubectl.kubernetes.io/last-applied-configuration": "{}"},
                )
                | {"generation": 1},
                "spec": {
                    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "postgresql"}},
                    "policyTypes": ["Ingress"],
                    "ingress": [
                        {
                            "from": [
                                {
                                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": sc.ns}},
                                    "podSelector": {
                                        "matchLabels": {
                                            k: v_
                                            for k, v_ in other.labels.items()
                                            if k in ("app", "app.kubernetes.io/name")
                                        }
                                    },
                                }
                            ],
                            "ports": [{"protocol": "TCP", "port": 5432}],
                        }
                    ],
                },
            }
        )
    else:
        sc.items.append(
            {
                "apiVersion": "crd.projectcalico.org/v1",
                "kind": "GlobalNetworkPolicy",
                "metadata": meta("default.deny-db-from-batch", None, rng, created),
                "spec": {
                    "tier": "default",
                    "order": 100,
                    "selector": "app.kubernetes.io/name == 'postgresql'",
                    "types": ["Ingress"],
                    "ingress": [
                        {
                            "action": "Deny",
                            "protocol": "TCP",
                            "source": {
                                "selector": f"app == '{caller.name}' || app.kubernetes.io/name == '{caller.name}'"
                            },
                            "destination": {"ports": [5432]},
                        },
                        {"action": "Allow"},
                    ],
                },
            }
        )
    raise_incident(sc, caller, [], None, [f"{base} runs failing", "{svc} cannot reach the database", f"{base} stuck"])
    sc.write_loki()
    sc.write_kube()
    b.expect(
        "network_blocked",
        caller.name,
        "kubernetes",
        "i/o timeout"
        if caller.runtime == "go"
        else {"java": "Connect timed out", "node": "connect ETIMEDOUT", "python": "timeout expired"}[caller.runtime],
    )


# --- AWS --------------------------------------------------------------------------------------------------------
@dataclass
class Ecs:
    """An ECS service: its tasks (32-hex task ids), the awslogs group `/ecs/<name>` and streams
    `ecs/<container>/<task>` (the awslogs driver with `awslogs-stream-prefix: ecs`)."""

    name: str
    cluster: str
    region: str
    style: str
    tasks: list[str]
    port: int
    image: str
    family_rev: int

    def voice(self, i: int = 0) -> Voice:
        rt = RUNTIME[self.style]
        core = self.name.removeprefix("prod-").removeprefix("shop-").split("-")[0]
        logger = {
            "java": f"c.a.{core}.web.RequestLogger",
            "go": f"{core}/server.go:88",
            "node": "HTTP",
            "python": f"app.{core}",
        }[rt]
        return Voice(self.style, self.name, f"ip-10-0-{i}-{20 + i}.{self.region}.compute.internal", logger)

    def stream(self, i: int) -> str:
        return f"ecs/{self.name}/{self.tasks[i % len(self.tasks)]}"

    @property
    def group(self) -> str:
        return f"/ecs/{self.name}"

    @property
    def runtime(self) -> str:
        return RUNTIME[self.style]

    def arn(self, kind: str, tail: str) -> str:
        return f"arn:aws:ecs:{self.region}:123456789012:{kind}/{tail}"


def version(rng: random.Random) -> str:
    return f"{rng.randint(1, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"


def make_ecs(
    rng: random.Random, name: str, region: str, cluster: str, n: int | None = None, style: str | None = None
) -> Ecs:
    return Ecs(
        name,
        cluster,
        region,
        style or rng.choice(STYLES),
        [hexid(rng, 32) for _ in range(n or rng.choice([2, 3, 4]))],
        rng.choice([8080, 3000, 8000]),
        f"123456789012.dkr.ecr.{region}.amazonaws.com/{name}:{version(rng)}",
        rng.randint(12, 140),
    )


def ecs_paths(e: Ecs) -> list[str]:
    return paths_for(e.name)


def ecs_logs(
    b: Bundle, e: Ecs, lines: dict[int, Lines], traffic_every: float | None = None, t_to: float | None = None
) -> None:
    rng, w = b.rng, b.w
    streams: dict[str, Lines] = {}
    for i in range(len(e.tasks)):
        ls = list(lines.get(i, []))
        if traffic_every:
            ls += traffic(rng, e.voice(i), w, ecs_paths(e), traffic_every, t_to=t_to)
        if i == 0:
            ls += benign_warnings(rng, e.voice(i), w, rng.randint(1, 4))
        streams[e.stream(i)] = ls
    b.cw_logs(e.name, e.group, streams, e.region)


def task_event(
    rng: random.Random,
    e: Ecs,
    task: str,
    when: float,
    last: str,
    *,
    stop_code: str | None = None,
    stopped_reason: str | None = None,
    container_reason: str | None = None,
    exit_code: int | None = None,
    started: float | None = None,
) -> str:
    """An EventBridge "ECS Task State Change" event (source aws.ecs), as a rule writes it to a log group; `detail`
    is the Task object of DescribeTasks with ISO timestamps (AWS ECS developer guide, task state change events)."""
    c: Json = {
        "containerArn": e.arn("container", f"{e.cluster}/{task}/{uid(rng)}"),
        "lastStatus": last,
        "name": e.name,
        "image": e.image,
        "taskArn": e.arn("task", f"{e.cluster}/{task}"),
        "networkInterfaces": [
            {"attachmentId": uid(rng), "privateIpv4Address": f"10.0.{rng.randint(0, 15)}.{rng.randint(2, 254)}"}
        ],
        "cpu": "0",
    }
    if last != "PENDING":
        c["runtimeId"] = f"{task}-{rng.randint(10**9, 4 * 10**9)}"
        c["imageDigest"] = f"sha256:{hexid(rng, 64)}"
    if exit_code is not None:
        c["exitCode"] = exit_code
    if container_reason:
        c["reason"] = container_reason
    detail: Json = {
        "attachments": [
            {
                "id": uid(rng),
                "type": "eni",
                "status": "ATTACHED" if last != "STOPPED" else "DELETED",
                "details": [{"name": "subnetId", "value": f"subnet-{hexid(rng, 17)}"}],
            }
        ],
        "availabilityZone": f"{e.region}{rng.choice('abc')}",
        "clusterArn": e.arn("cluster", e.cluster),
        "containers": [c],
        "cpu": "512",
        "createdAt": iso_ms((started or when) - 40),
        "desiredStatus": "STOPPED" if last == "STOPPED" else "RUNNING",
        "enableExecuteCommand": False,
        "group": f"service:{e.name}",
        "launchType": "FARGATE",
        "lastStatus": last,
        "memory": "1024",
        "platformVersion": "1.4.0",
        "startedBy": f"ecs-svc/{rng.randint(10**18, 9 * 10**18)}",
        "taskArn": e.arn("task", f"{e.cluster}/{task}"),
        "taskDefinitionArn": f"arn:aws:ecs:{e.region}:123456789012:task-definition/{e.name}:{e.family_rev}",
        "updatedAt": iso_ms(when),
        "version": rng.randint(3, 6),
    }
    if started:
        detail["startedAt"] = iso_ms(started)
    if last == "STOPPED":
        detail |= {
            "stopCode": stop_code,
            "stoppedReason": stopped_reason,
            "stoppingAt": iso_ms(when - 2),
            "stoppedAt": iso_ms(when),
            "executionStoppedAt": iso_ms(when - 1),
        }
    ev = {
        "version": "0",
        "id": uid(rng),
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": "123456789012",
        "time": iso(when),
        "region": e.region,
        "resources": [detail["taskArn"]],
        "detail": detail,
    }
    return json.dumps(ev)


def aws_incident(
    b: Bundle, title: str, service: str | None, alarm: tuple[str, str, str, dict[str, str], str] | None, region: str
) -> None:
    """incident.json from a CloudWatch alarm (bare, or in its SNS envelope), or from a person."""
    rng, w = b.rng, b.w
    mode = rng.choice(["alarm", "sns", "slack", "cli"] if alarm else ["slack", "cli"])
    if mode in ("alarm", "sns") and alarm:
        name, metric, ns, dims, reason = alarm
        doc = cloudwatch_alarm(name, metric, ns, dims, reason, w.onset + rng.randint(120, 300), REGION_NAMES[region])
        payload = doc if mode == "alarm" else sns_envelope(rng, doc, w.onset + rng.randint(120, 300), region)
        b.incident(f"ALARM: {name}", "cloudwatch", service if rng.random() < 0.5 else None, payload)
    else:
        b.incident(title, mode, service)


def frontend_errors(
    b: Bundle, fe: Ecs, peer: str, kinds: list[str], t_from: float, t_to: float, every: float
) -> dict[int, Lines]:
    rng = b.rng
    out: dict[int, Lines] = {}
    for ts in b.w.spread(rng, t_from, t_to, every):
        i = rng.randrange(len(fe.tasks))
        v = fe.voice(i)
        err = call_error(
            rng,
            fe.runtime,
            rng.choice(kinds),
            peer,
            f"10.0.{rng.randint(0, 15)}.{rng.randint(2, 254)}",
            80,
            rng.choice(paths_for(peer)).replace("{id}", "9"),
        )
        out.setdefault(i, []).append(
            (
                ts,
                v.line(ts, "error", f"{peer} request failed", error=err, upstream=peer)
                if fe.style in ("zap", "pino", "logfmt", "structlog")
                else v.line(ts, "error", f"{peer} request failed", error=err),
            )
        )
    return out


def aws_neighbours(b: Bundle, region: str, avoid: set[str], n: tuple[int, int] = (2, 3)) -> None:
    """Healthy ECS services beside the incident: normal traffic, a few benign warnings, and one unrelated error
    that runs at the same rate before and after the onset."""
    rng, w = b.rng, b.w
    taken = set(avoid)
    for k in range(rng.randint(*n)):
        o = make_ecs(rng, pick_name(rng, taken), region, rng.choice(["prod", "apps-prod"]))
        extra = {0: steady_errors(rng, o.voice(0), w, rng.uniform(40, 90))} if k == 0 else {}
        ecs_logs(b, o, extra, traffic_every=rng.uniform(3, 7))


# 28-29. ECS tasks stopped ----------------------------------------------------------------------------------------
# ECS stopped-task errors (AWS ECS developer guide, "Amazon ECS stopped task error messages"): container reason
# "OutOfMemoryError: Container killed due to memory usage" (exit code 137) with the task's stoppedReason
# "Essential container in task exited" / stopCode EssentialContainerExited; "CannotPullContainerError: pull image
# manifest has been retried 5 time(s): failed to resolve ref <image>: <image>: not found" with stopCode
# TaskFailedToStart. ECS Deployment State Change: SERVICE_DEPLOYMENT_FAILED "ECS deployment circuit breaker: tasks
# failed to start.".
def aws_ecs_oom(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    region = rng.choice(REGIONS)
    cluster = rng.choice(["prod", "shop-prod", "apps-prod", "main"])
    taken: set[str] = set()
    svc = make_ecs(rng, pick_name(rng, taken, None, ["-api", "-svc", "", "-service"]), region, cluster)
    fe = make_ecs(rng, pick_name(rng, taken, rng.choice(FRONTENDS), [""]), region, cluster)
    others = [make_ecs(rng, pick_name(rng, taken), region, cluster) for _ in range(rng.randint(2, 3))]
    events: Lines = []
    lines: dict[int, Lines] = {}
    period = rng.uniform(180, 360)
    for i in range(len(svc.tasks)):
        t = w.start
        task = svc.tasks[i]
        for k in w.spread(rng, w.onset + rng.uniform(0, 90), w.end, period, 0.2):
            lines.setdefault(i, []).extend(
                traffic(rng, svc.voice(i), w, ecs_paths(svc), rng.uniform(2, 4), t_from=t, t_to=k)
            )
            events.append(
                (
                    k + 3,
                    task_event(
                        rng,
                        svc,
                        task,
                        k + 3,
                        "STOPPED",
                        stop_code="EssentialContainerExited",
                        stopped_reason="Essential container in task exited",
                        container_reason="OutOfMemoryError: Container killed due to memory usage",
                        exit_code=137,
                        started=t,
                    ),
                )
            )
            task = hexid(rng, 32)
            events.append((k + 40, task_event(rng, svc, task, k + 40, "RUNNING", started=k + 38)))
            t = k + 45
        svc.tasks[i] = task
        lines.setdefault(i, []).extend(traffic(rng, svc.voice(i), w, ecs_paths(svc), rng.uniform(2, 4), t_from=t))
    ecs_logs(b, svc, lines)
    ecs_logs(
        b,
        fe,
        frontend_errors(b, fe, svc.name, ["502", "503", "reset"], w.onset + 20, w.end, rng.uniform(1.5, 4)),
        traffic_every=rng.uniform(1.5, 3),
    )
    for o in others:
        ecs_logs(
            b,
            o,
            {0: steady_errors(rng, o.voice(0), w, rng.uniform(40, 90))} if o is others[0] else {},
            traffic_every=rng.uniform(3, 6),
        )
    group = rng.choice(["/aws/events/ecs-task-state", f"/aws/events/{cluster}-ecs", "/ecs/events"])
    b.cw_logs("ecs-events", group, {f"{hexid(rng, 8)}-{hexid(rng, 4)}-{hexid(rng, 4)}": events}, region)
    times = w.steps(60)
    metrics = [
        CwMetric(
            "AWS/ECS",
            "MemoryUtilization",
            {"ClusterName": cluster, "ServiceName": svc.name},
            "Maximum",
            sawtooth(rng, times, 45, 100, w.onset, period),
        ),
        CwMetric(
            "AWS/ECS",
            "CPUUtilization",
            {"ClusterName": cluster, "ServiceName": svc.name},
            "Average",
            shape(rng, times, 22, 25, w.onset),
        ),
    ] + [
        CwMetric(
            "AWS/ECS",
            "MemoryUtilization",
            {"ClusterName": cluster, "ServiceName": o.name},
            "Maximum",
            shape(rng, times, 40, 41, w.onset),
        )
        for o in others[:2]
    ]
    b.cw_metrics("ecs", metrics, region)
    aws_incident(
        b,
        f"{fe.name} 5xx",
        rng.choice([fe.name, None]),
        (
            f"{fe.name}-5xx",
            "HTTPCode_Target_5XX_Count",
            "AWS/ApplicationELB",
            {"LoadBalancer": f"app/{cluster}-alb/{hexid(rng, 16)}"},
            "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (10.0).",
        ),
        region,
    )
    b.expect("memory_exhaustion", svc.name, "ecs", "OutOfMemoryError: Container killed due to memory usage")


def aws_ecs_pull(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    region = rng.choice(REGIONS)
    cluster = rng.choice(["prod", "shop-prod", "apps-prod", "main"])
    taken: set[str] = set()
    svc = make_ecs(rng, pick_name(rng, taken, None, ["-api", "-svc", "", "-worker"]), region, cluster, n=3)
    others = [make_ecs(rng, pick_name(rng, taken), region, cluster) for _ in range(rng.randint(2, 3))]
    bad_tag = f"{rng.randint(1, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
    bad = Ecs(
        **{**svc.__dict__, "image": svc.image.rsplit(":", 1)[0] + f":{bad_tag}", "family_rev": svc.family_rev + 1}
    )
    reason = (
        f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {bad.image}: "
        f"{bad.image}: not found"
    )
    events: Lines = []
    for ts in w.spread(rng, w.onset, w.end, rng.uniform(45, 120)):
        t = hexid(rng, 32)
        events.append(
            (
                ts,
                task_event(
                    rng,
                    bad,
                    t,
                    ts,
                    "STOPPED",
                    stop_code="TaskFailedToStart",
                    stopped_reason=reason,
                    container_reason=reason,
                ),
            )
        )
    if v % 2 == 1:
        dep = {
            "version": "0",
            "id": uid(rng),
            "detail-type": "ECS Deployment State Change",
            "source": "aws.ecs",
            "account": "123456789012",
            "time": iso(w.onset + 600),
            "region": region,
            "resources": [svc.arn("service", f"{cluster}/{svc.name}")],
            "detail": {
                "eventType": "ERROR",
                "eventName": "SERVICE_DEPLOYMENT_FAILED",
                "deploymentId": f"ecs-svc/{rng.randint(10**18, 9 * 10**18)}",
                "updatedAt": iso_ms(w.onset + 600),
                "reason": "ECS deployment circuit breaker: tasks failed to start.",
            },
        }
        events.append((w.onset + 600, json.dumps(dep)))
    lost = 1 if v % 2 == 0 else 0
    lines = {
        i: traffic(rng, svc.voice(i), w, ecs_paths(svc), rng.uniform(1.5, 3), t_to=w.onset + 30 if i < lost else None)
        for i in range(len(svc.tasks))
    }
    for i in range(lost, len(svc.tasks)):
        lines[i] += [
            (
                ts,
                svc.voice(i).access(
                    ts,
                    "GET",
                    ecs_paths(svc)[0],
                    200,
                    rng.randint(900, 3000),
                    f"10.0.1.{rng.randint(2, 254)}",
                    request_id(rng),
                ),
            )
            for ts in w.spread(rng, w.onset + 60, w.end, 2)
        ]
    ecs_logs(b, svc, lines)
    for o in others:
        ecs_logs(
            b,
            o,
            {0: steady_errors(rng, o.voice(0), w, rng.uniform(40, 90))} if o is others[0] else {},
            traffic_every=rng.uniform(3, 6),
        )
    b.cw_logs(
        "ecs-events",
        rng.choice(["/aws/events/ecs", f"/aws/events/{cluster}-ecs-state"]),
        {f"{hexid(rng, 8)}-{hexid(rng, 4)}": events},
        region,
    )
    times = w.steps(60)
    running_ = [float(len(svc.tasks) if t < w.onset + 30 else len(svc.tasks) - lost) for t in times]
    desired = [float(len(svc.tasks) if t < w.onset else len(svc.tasks) + 2) for t in times]
    b.cw_metrics(
        "container-insights",
        [
            CwMetric(
                "ECS/ContainerInsights",
                "RunningTaskCount",
                {"ClusterName": cluster, "ServiceName": svc.name},
                "Average",
                running_,
            ),
            CwMetric(
                "ECS/ContainerInsights",
                "DesiredTaskCount",
                {"ClusterName": cluster, "ServiceName": svc.name},
                "Average",
                desired,
            ),
        ],
        region,
    )
    aws_incident(b, f"{svc.name} deploy stuck", rng.choice([svc.name, None]), None, region)
    b.expect("image_pull_failure", svc.name, "ecs", "CannotPullContainerError")


# 30. ALB 504s at the idle timeout -------------------------------------------------------------------------------
# ALB metrics (AWS ELB docs, "CloudWatch metrics for your Application Load Balancer"): HTTPCode_ELB_504_Count
# (LoadBalancer), TargetResponseTime (LoadBalancer, TargetGroup); a 504 when the target does not answer within
# the idle timeout (60 s default). The ALB's own 504 body: "<html>\r\n<head><title>504 Gateway Time-out</title></head>".
def aws_alb_504(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    region = rng.choice(REGIONS)
    cluster = rng.choice(["prod", "web-prod"])
    taken: set[str] = set()
    svc = make_ecs(
        rng,
        pick_name(rng, taken, rng.choice(["search", "reports", "exports", "catalog"]), ["-api", "", "-svc"]),
        region,
        cluster,
        style=rng.choice(["zap", "pino", "spring", "uvicorn"]),
    )
    fe = make_ecs(rng, pick_name(rng, taken, rng.choice(FRONTENDS), [""]), region, cluster)
    lb = f"app/{rng.choice(['shop', 'web', 'public'])}-alb/{hexid(rng, 16)}"
    tg_name = f"{svc.name}-tg"[:32]
    tg = f"targetgroup/{tg_name}/{hexid(rng, 16)}"
    lines: dict[int, Lines] = {}
    for i in range(len(svc.tasks)):
        vo = svc.voice(i)
        for ts in w.spread(rng, w.start, w.end, rng.uniform(1.5, 3)):
            ms = (
                rng.randint(20, 400) if ts < w.onset else rng.choice([rng.randint(20, 400), rng.randint(61000, 140000)])
            )
            lines.setdefault(i, []).append(
                (
                    ts + ms / 1000,
                    vo.access(
                        ts + ms / 1000,
                        "GET",
                        rng.choice(ecs_paths(svc)).replace("{id}", "3"),
                        200,
                        ms,
                        f"10.0.{rng.randint(0, 3)}.{rng.randint(2, 254)}",
                        request_id(rng),
                    ),
                )
            )
    ecs_logs(b, svc, lines)
    body = (
        "<html>\\r\\n<head><title>504 Gateway Time-out</title></head>\\r\\n<body>\\r\\n<center><h1>504 Gateway "
        "Time-out</h1></center>\\r\\n</body>\\r\\n</html>"
    )
    fe_lines: dict[int, Lines] = {}
    for ts in w.spread(rng, w.onset + 60, w.end, rng.uniform(2, 5)):
        i = rng.randrange(len(fe.tasks))
        fe_lines.setdefault(i, []).append(
            (ts, fe.voice(i).line(ts, "error", f"{svc.name} returned 504", status=504, body=body[:60]))
        )
    ecs_logs(b, fe, fe_lines, traffic_every=rng.uniform(1.5, 3))
    times = w.steps(60)
    metrics = [
        CwMetric(
            "AWS/ApplicationELB",
            "HTTPCode_ELB_504_Count",
            {"LoadBalancer": lb},
            "Sum",
            [0.0 if t < w.onset else float(rng.randint(15, 80)) for t in times],
        ),
        CwMetric(
            "AWS/ApplicationELB",
            "TargetResponseTime",
            {"LoadBalancer": lb, "TargetGroup": tg},
            "p99",
            shape(rng, times, 0.35, 60.0, w.onset, ramp=180, noise=0.01, ceil=60.0),
        ),
        CwMetric(
            "AWS/ApplicationELB",
            "TargetResponseTime",
            {"LoadBalancer": lb, "TargetGroup": tg},
            "Average",
            shape(rng, times, 0.09, 21.0, w.onset, ramp=180, noise=0.08),
        ),
        CwMetric(
            "AWS/ApplicationELB",
            "RequestCount",
            {"LoadBalancer": lb, "TargetGroup": tg},
            "Sum",
            shape(rng, times, 1400, 1380, w.onset, noise=0.1),
        ),
    ]
    b.cw_metrics("alb", metrics, region)
    aws_incident(
        b,
        f"504s on {fe.name}",
        rng.choice([fe.name, None, svc.name]),
        (
            f"{lb.split('/')[1]}-elb-504",
            "HTTPCode_ELB_504_Count",
            "AWS/ApplicationELB",
            {"LoadBalancer": lb},
            "Threshold Crossed: 1 datapoint [37.0 (20/11/26 05:44:00)] was greater than the threshold (5.0).",
        ),
        region,
    )
    aws_neighbours(b, region, taken)
    b.expect("timeout", [svc.name, tg, tg_name], "alb", "HTTPCode_ELB_504_Count")


# 31-33. Lambda --------------------------------------------------------------------------------------------------
# Lambda runtime log lines (AWS Lambda developer guide, "Working with Lambda function logs"): `START RequestId: %s
# Version: $LATEST`, `END RequestId: %s`, `REPORT RequestId: %s<TAB>Duration: %.2f ms<TAB>Billed Duration: %d ms<TAB>
# Memory Size: %d MB<TAB>Max Memory Used: %d MB` (newer runtimes append `<TAB>Status: timeout` or `<TAB>Status:
# error<TAB>Error Type: Runtime.OutOfMemory`), `<time> <id> Task timed out after 6.01 seconds`, `RequestId: %s
# Error: Runtime exited with error: signal: killed`/`Runtime.ExitError`; `INIT_START Runtime Version: ...`.
def lambda_stream(rng: random.Random, t: float) -> str:
    from datetime import UTC, datetime

    return f"{datetime.fromtimestamp(t, UTC).strftime('%Y/%m/%d')}/[$LATEST]{hexid(rng, 32)}"


def lambda_invocations(
    b: Bundle,
    fn: str,
    runtime: str,
    memory: int,
    timeout_s: float,
    every: float,
    fail: Callable[[float], str | None],
    new_report: bool,
) -> dict[str, Lines]:
    """The function's log group: streams of invocations; `fail(ts)` says how an invocation ends (None = fine,
    "timeout", "oom")."""
    rng, w = b.rng, b.w
    streams: dict[str, Lines] = {}
    stream = lambda_stream(rng, w.start)
    arn = f"arn:aws:lambda:{rng.choice(REGIONS)}::runtime:{hexid(rng, 64)}"
    streams[stream] = [(w.start - 30, f"INIT_START Runtime Version: {runtime}\tRuntime Version ARN: {arn}")]
    for ts in w.spread(rng, w.start, w.end, every):
        rid = aws_request_id(rng)
        how = fail(ts)
        out = streams[stream]
        out.append((ts, f"START RequestId: {rid} Version: $LATEST"))
        if runtime.startswith("python"):
            out.append(
                (
                    ts + 0.004,
                    f"[INFO]\t{iso_ms(ts + 0.004)}\t{rid}\tprocessing {rng.choice(['s3://uploads/', 'order '])}"
                    f"{hexid(rng, 8)}",
                )
            )
        else:
            out.append((ts + 0.004, f"{iso_ms(ts + 0.004)}\t{rid}\tINFO\tprocessing {hexid(rng, 8)}"))
        if how == "timeout":
            d = timeout_s * 1000 + rng.uniform(2, 9)
            out.append((ts + timeout_s, f"END RequestId: {rid}"))
            out.append(
                (
                    ts + timeout_s,
                    (
                        f"REPORT RequestId: {rid}\tDuration: {d:.2f} ms\tBilled Duration: {int(timeout_s * 1000)} "
                        f"ms\tMemory Size: "
                        f"{memory} MB\tMax Memory Used: {rng.randint(memory // 4, memory // 2)} MB"
                    )
                    + ("\tStatus: timeout" if new_report else ""),
                )
            )
            out.append(
                (
                    ts + timeout_s + 0.001,
                    f"{iso_ms(ts + timeout_s)} {rid} Task timed out after {timeout_s + 0.01:.2f} seconds",
                )
            )
        elif how == "oom":
            d = rng.uniform(800, 4000)
            if not new_report:
                out.append(
                    (
                        ts + d / 1000,
                        f"RequestId: {rid} Error: Runtime exited with error: signal: killed\nRuntime.ExitError",
                    )
                )
            out.append((ts + d / 1000, f"END RequestId: {rid}"))
            out.append(
                (
                    ts + d / 1000,
                    (
                        f"REPORT RequestId: {rid}\tDuration: {d:.2f} ms\tBilled Duration: {int(d) + 1} ms\tMemory "
                        f"Size: {memory} "
                        f"MB\tMax Memory Used: {memory} MB"
                    )
                    + ("\tStatus: error\tError Type: Runtime.OutOfMemory" if new_report else ""),
                )
            )
            stream = lambda_stream(rng, ts)
            streams[stream] = [
                (ts + d / 1000 + 0.5, f"INIT_START Runtime Version: {runtime}\tRuntime Version ARN: {arn}")
            ]
        else:
            d = rng.uniform(40, timeout_s * 1000 * 0.3)
            out.append((ts + d / 1000, f"END RequestId: {rid}"))
            out.append(
                (
                    ts + d / 1000,
                    (
                        f"REPORT RequestId: {rid}\tDuration: {d:.2f} ms\tBilled Duration: {int(d) + 1} ms\tMemory "
                        f"Size: {memory} "
                        f"MB\tMax Memory Used: {rng.randint(memory // 4, memory // 2)} MB"
                    ),
                )
            )
    return streams


def aws_lambda_timeout(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    region = rng.choice(REGIONS)
    fn = rng.choice(["thumbnailer", "invoice-pdf", "webhook-dispatcher", "geocoder", "image-resize"]) + rng.choice(
        ["", "-prod"]
    )
    timeout_s = rng.choice([3.0, 6.0, 10.0, 15.0])
    streams = lambda_invocations(
        b,
        fn,
        rng.choice(["python:3.12.v36", "nodejs:20.v33"]),
        rng.choice([256, 512, 1024]),
        timeout_s,
        rng.uniform(2, 6),
        lambda ts: "timeout" if ts > w.onset and rng.random() < 0.6 else None,
        new_report=v % 2 == 0,
    )
    b.cw_logs(fn, f"/aws/lambda/{fn}", streams, region)
    taken: set[str] = {fn}
    caller = make_ecs(
        rng,
        pick_name(rng, taken, rng.choice(["upload", "media", "orders"]), ["-api", "-svc"]),
        region,
        "prod",
        style=rng.choice(["gunicorn", "structlog", "pino"]),
    )
    cl: dict[int, Lines] = {}
    for ts in w.spread(rng, w.onset + 10, w.end, rng.uniform(3, 8)):
        i = rng.randrange(len(caller.tasks))
        payload = json.dumps(
            {"errorMessage": f"{iso_ms(ts)} {aws_request_id(rng)} Task timed out after {timeout_s + 0.01:.2f} seconds"}
        )
        cl.setdefault(i, []).append(
            (
                ts,
                caller.voice(i).line(
                    ts, "error", f"{fn} invocation failed", error=f"FunctionError=Unhandled payload={payload}"
                ),
            )
        )
    ecs_logs(b, caller, cl, traffic_every=rng.uniform(2, 4))
    times = w.steps(60)
    b.cw_metrics(
        "lambda",
        [
            CwMetric(
                "AWS/Lambda",
                "Duration",
                {"FunctionName": fn},
                "Maximum",
                [rng.uniform(300, timeout_s * 400) if t < w.onset else timeout_s * 1000 for t in times],
            ),
            CwMetric(
                "AWS/Lambda",
                "Errors",
                {"FunctionName": fn},
                "Sum",
                [0.0 if t < w.onset else float(rng.randint(4, 15)) for t in times],
            ),
            CwMetric(
                "AWS/Lambda", "Invocations", {"FunctionName": fn}, "Sum", [float(rng.randint(12, 25)) for _ in times]
            ),
        ],
        region,
    )
    aws_incident(
        b,
        f"{fn} errors",
        rng.choice([fn, caller.name, None]),
        (
            f"{fn}-errors",
            "Errors",
            "AWS/Lambda",
            {"FunctionName": fn},
            "Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold (1.0).",
        ),
        region,
    )
    aws_neighbours(b, region, taken)
    b.expect("timeout", fn, "lambda", f"Task timed out after {timeout_s + 0.01:.2f} seconds")


def aws_lambda_throttle(b: Bundle, v: int) -> None:
    """Lambda throttling as the invoker sees it: `TooManyRequestsException` "Rate Exceeded." (boto3 `An error
    occurred (TooManyRequestsException) when calling the Invoke operation (reached max retries: 4): Rate
    Exceeded.`, AWS SDK for Java v2 `... (Service: Lambda, Status Code: 429, Request ID: ...)`)."""
    rng, w = b.rng, b.w
    region = rng.choice(REGIONS)
    fn = rng.choice(["payment-events", "order-webhooks", "ledger-writer", "notify-push"])
    reserved = rng.choice([5, 10, 20])
    streams = lambda_invocations(
        b, fn, "nodejs:20.v33", 512, 30.0, rng.uniform(0.5, 1.5), lambda ts: None, new_report=True
    )
    b.cw_logs(fn, f"/aws/lambda/{fn}", streams, region)
    taken: set[str] = {fn}
    caller = make_ecs(
        rng,
        pick_name(rng, taken, rng.choice(["checkout", "orders", "billing"]), ["-api", "-svc"]),
        region,
        "prod",
        style=rng.choice(["gunicorn", "spring", "pino", "zap"]),
    )

    def text(rt: str) -> str:
        rid = aws_request_id(rng)
        return {
            "python": (
                "botocore.errorfactory.TooManyRequestsException: An error occurred (TooManyRequestsException) "
                "when calling "
                "the Invoke operation (reached max retries: 4): Rate Exceeded."
            ),
            "java": (
                f"software.amazon.awssdk.services.lambda.model.TooManyRequestsException: Rate Exceeded. (Service: "
                f"Lambda, "
                f"Status Code: 429, Request ID: {rid})"
            ),
            "node": "TooManyRequestsException: Rate Exceeded.",
            "go": (
                f"operation error Lambda: Invoke, exceeded maximum number of attempts, 3, https response "
                f"error StatusCode: "
                f"429, RequestID: {rid}, TooManyRequestsException: Rate Exceeded."
            ),
        }[rt]

    cl: dict[int, Lines] = {}
    for ts in w.spread(rng, w.onset, w.end, rng.uniform(0.8, 2.5)):
        i = rng.randrange(len(caller.tasks))
        cl.setdefault(i, []).append(
            (ts, caller.voice(i).line(ts, "error", f"invoke {fn} failed", error=text(caller.runtime)))
        )
    ecs_logs(b, caller, cl, traffic_every=rng.uniform(1.5, 3))
    times = w.steps(60)
    b.cw_metrics(
        "lambda",
        [
            CwMetric(
                "AWS/Lambda",
                "Throttles",
                {"FunctionName": fn},
                "Sum",
                [0.0 if t < w.onset else float(rng.randint(30, 200)) for t in times],
            ),
            CwMetric(
                "AWS/Lambda",
                "ConcurrentExecutions",
                {"FunctionName": fn},
                "Maximum",
                [float(rng.randint(2, reserved - 1)) if t < w.onset else float(reserved) for t in times],
            ),
            CwMetric(
                "AWS/Lambda",
                "Invocations",
                {"FunctionName": fn},
                "Sum",
                shape(rng, times, 60, 60 * 1.2, w.onset, noise=0.1),
            ),
        ],
        region,
    )
    aws_incident(
        b,
        f"{caller.name} failing to publish",
        rng.choice([caller.name, None]),
        (
            f"{fn}-throttles",
            "Throttles",
            "AWS/Lambda",
            {"FunctionName": fn},
            "Threshold Crossed: 1 datapoint [112.0] was greater than or equal to the threshold (1.0).",
        ),
        region,
    )
    aws_neighbours(b, region, taken)
    b.expect("rate_limited", fn, "lambda", "Rate Exceeded.")


def aws_lambda_oom(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    region = rng.choice(REGIONS)
    fn = rng.choice(["csv-import", "report-builder", "pdf-merge", "image-resize"]) + rng.choice(["", "-prod"])
    mem = rng.choice([128, 256])
    streams = lambda_invocations(
        b,
        fn,
        rng.choice(["python:3.12.v36", "java:21.v14"]),
        mem,
        60.0,
        rng.uniform(4, 9),
        lambda ts: "oom" if ts > w.onset and rng.random() < 0.5 else None,
        new_report=v % 2 == 1,
    )
    b.cw_logs(fn, f"/aws/lambda/{fn}", streams, region)
    times = w.steps(60)
    b.cw_metrics(
        "lambda",
        [
            CwMetric(
                "AWS/Lambda",
                "Errors",
                {"FunctionName": fn},
                "Sum",
                [0.0 if t < w.onset else float(rng.randint(2, 8)) for t in times],
            ),
            CwMetric(
                "AWS/Lambda",
                "Duration",
                {"FunctionName": fn},
                "Average",
                shape(rng, times, 900, 1600, w.onset, noise=0.2),
            ),
        ],
        region,
    )
    aws_incident(
        b,
        f"{fn} failing",
        rng.choice([fn, None]),
        (
            f"{fn}-errors",
            "Errors",
            "AWS/Lambda",
            {"FunctionName": fn},
            "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (0.0).",
        ),
        region,
    )
    aws_neighbours(b, region, {fn})
    b.expect(
        "memory_exhaustion",
        fn,
        "lambda",
        "Runtime exited with error: signal: killed" if v % 2 == 0 else "Runtime.OutOfMemory",
    )


# 34. RDS out of storage -----------------------------------------------------------------------------------------
# RDS event RDS-EVENT-0007 "Allocated storage has been exhausted. Allocate additional storage to resolve the issue."
# (AWS RDS user guide, DB instance events, category "low storage") delivered by EventBridge as "RDS DB Instance
# Event"; PostgreSQL on RDS (log_line_prefix '%t:%r:%u@%d:[%p]:'): `ERROR:  could not extend file "%s": No space
# left on device` with `HINT:  Check free disk space.`; psycopg2 raises it as `psycopg2.errors.DiskFull`.
def aws_rds_storage(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    region = rng.choice(REGIONS)
    db = rng.choice(["reports-db", "orders-prod", "ledger-pg", "analytics-db"])
    taken: set[str] = set()
    api = make_ecs(
        rng,
        pick_name(rng, taken, db.split("-")[0], ["-api", "-worker"]),
        region,
        "prod",
        style=rng.choice(["gunicorn", "structlog", "spring"]),
    )
    rel = f"base/16384/{rng.randint(16000, 99999)}"
    cl: dict[int, Lines] = {}
    for ts in w.spread(rng, w.onset, w.end, rng.uniform(1.5, 4)):
        i = rng.randrange(len(api.tasks))
        err = (
            f'psycopg2.errors.DiskFull: could not extend file "{rel}.{rng.randint(1, 9)}": No space left on device'
            if api.runtime == "python"
            else (
                f'org.postgresql.util.PSQLException: ERROR: could not extend file "{rel}.{rng.randint(1, 9)}": '
                f"No space "
                f"left on device"
            )
        )
        cl.setdefault(i, []).append((ts, api.voice(i).line(ts, "error", "insert failed", error=err)))
    ecs_logs(b, api, cl, traffic_every=rng.uniform(2, 4))
    pg: Lines = []
    for ts in w.spread(rng, w.onset, w.end, rng.uniform(2, 5)):
        from datetime import UTC, datetime

        stamp = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        client = f"10.0.{rng.randint(0, 15)}.{rng.randint(2, 254)}({rng.randint(32768, 60999)})"
        prefix = f"{stamp}:{client}:app@{db.split('-')[0]}:[{rng.randint(1000, 60000)}]:"
        pg += [
            (ts, f'{prefix}ERROR:  could not extend file "{rel}.{rng.randint(1, 9)}": No space left on device'),
            (ts + 0.0001, f"{prefix}HINT:  Check free disk space."),
        ]
    b.cw_logs("rds-postgresql", f"/aws/rds/instance/{db}/postgresql", {f"{db}.0": pg}, region)
    if v % 2 == 0:
        ev = {
            "version": "0",
            "id": uid(rng),
            "detail-type": "RDS DB Instance Event",
            "source": "aws.rds",
            "account": "123456789012",
            "time": iso(w.onset + 30),
            "region": region,
            "resources": [f"arn:aws:rds:{region}:123456789012:db:{db}"],
            "detail": {
                "EventCategories": ["low storage"],
                "SourceType": "DB_INSTANCE",
                "SourceArn": f"arn:aws:rds:{region}:123456789012:db:{db}",
                "Date": iso_ms(w.onset + 30),
                "Message": "Allocated storage has been exhausted. Allocate additional storage to resolve the issue.",
                "SourceIdentifier": db,
                "EventID": "RDS-EVENT-0007",
            },
        }
        b.cw_logs("rds-events", "/aws/events/rds", {uid(rng): [(w.onset + 31, json.dumps(ev))]}, region)
    times = w.steps(60)
    total = rng.choice([20, 50, 100]) * 2**30
    b.cw_metrics(
        "rds",
        [
            CwMetric(
                "AWS/RDS",
                "FreeStorageSpace",
                {"DBInstanceIdentifier": db},
                "Minimum",
                shape(rng, times, total * 0.12, total * 0.0004, w.start, ramp=w.onset - w.start, noise=0.003, floor=0),
            ),
            CwMetric(
                "AWS/RDS",
                "WriteIOPS",
                {"DBInstanceIdentifier": db},
                "Average",
                shape(rng, times, 900, 120, w.onset, noise=0.1),
            ),
            CwMetric(
                "AWS/RDS",
                "CPUUtilization",
                {"DBInstanceIdentifier": db},
                "Average",
                shape(rng, times, 35, 20, w.onset, noise=0.1),
            ),
        ],
        region,
    )
    aws_incident(
        b,
        f"{api.name} writes failing",
        rng.choice([api.name, db, None]),
        (
            f"{db}-free-storage-low",
            "FreeStorageSpace",
            "AWS/RDS",
            {"DBInstanceIdentifier": db},
            "Threshold Crossed: 1 datapoint [40231936.0] was less than the threshold (2147483648.0).",
        ),
        region,
    )
    aws_neighbours(b, region, taken)
    b.expect("disk_full", db, "rds", "No space left on device")


# 35. DynamoDB throttling ----------------------------------------------------------------------------------------
# DynamoDB errors (AWS DynamoDB developer guide, "Error handling"): ProvisionedThroughputExceededException "The
# level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning
# level with the UpdateTable API."; on-demand tables ThrottlingException "Throughput exceeds the current capacity of
# your table or index. ..."; metrics ThrottledRequests (TableName, Operation), WriteThrottleEvents.
# DynamoDB API reference (TransactWriteItems CancellationReasons, "Throttling Error"): the on-demand wording.
ONDEMAND_THROTTLE = (
    "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or "
    "index so please try again shortly. If exceptions persist, check if you have a hot key: "
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"
)
PTEE = (
    "The level of configured provisioned throughput for the table was exceeded. Consider increasing your "
    "provisioning level with the UpdateTable API."
)


def aws_dynamo_throttle(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    region = rng.choice(REGIONS)
    table = rng.choice(["payments-ledger", "sessions", "orders-v2", "inventory-counts", "carts"])
    taken: set[str] = set()
    writers = [
        make_ecs(rng, pick_name(rng, taken, None, ["-api", "-svc", "-worker"]), region, "prod")
        for _ in range(rng.choice([1, 2]))
    ]
    ondemand = v % 2 == 1  # a PAY_PER_REQUEST table throttled on a hot key answers ThrottlingException
    exc, text = (
        ("ThrottlingException", ONDEMAND_THROTTLE) if ondemand else ("ProvisionedThroughputExceededException", PTEE)
    )
    for wr in writers:
        cl: dict[int, Lines] = {}
        for ts in w.spread(rng, w.onset, w.end, rng.uniform(0.8, 2.5)):
            i = rng.randrange(len(wr.tasks))
            rid = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(52))
            err = {
                "python": (
                    f"botocore.errorfactory.{exc}: An error occurred ({exc}) "
                    f"when calling the PutItem operation (reached max retries: 9): {text}"
                ),
                "java": (
                    f"software.amazon.awssdk.services.dynamodb.model.{exc}: "
                    f"{text} (Service: DynamoDb, Status Code: 400, Request ID: {rid})"
                ),
                "node": f"{exc}: {text}",
                "go": (
                    "operation error DynamoDB: PutItem, exceeded maximum number of attempts, 3, https response "
                    f"error StatusCode: 400, RequestID: {rid}, {exc}: {text}"
                ),
            }[wr.runtime]
            cl.setdefault(i, []).append((ts, wr.voice(i).line(ts, "error", f"write to {table} failed", error=err)))
        ecs_logs(b, wr, cl, traffic_every=rng.uniform(1.5, 3))
    times = w.steps(60)
    prov = float(rng.choice([100, 250, 500]))
    b.cw_metrics(
        "dynamodb",
        [
            CwMetric(
                "AWS/DynamoDB",
                "ThrottledRequests",
                {"TableName": table, "Operation": "PutItem"},
                "Sum",
                [0.0 if t < w.onset else float(rng.randint(50, 400)) for t in times],
            ),
            CwMetric(
                "AWS/DynamoDB",
                "WriteThrottleEvents",
                {"TableName": table},
                "Sum",
                [0.0 if t < w.onset else float(rng.randint(60, 500)) for t in times],
            ),
            CwMetric(
                "AWS/DynamoDB",
                "ConsumedWriteCapacityUnits",
                {"TableName": table},
                "Sum",
                shape(rng, times, prov * 60 * 0.4, prov * 60, w.onset, ramp=60, noise=0.02, ceil=prov * 60),
            ),
        ]
        + (
            []
            if ondemand
            else [
                CwMetric(
                    "AWS/DynamoDB",
                    "ProvisionedWriteCapacityUnits",
                    {"TableName": table},
                    "Average",
                    [prov] * len(times),
                )
            ]
        ),
        region,
    )
    aws_incident(
        b,
        f"{writers[0].name} errors",
        rng.choice([writers[0].name, None]),
        (
            f"{table}-write-throttles",
            "WriteThrottleEvents",
            "AWS/DynamoDB",
            {"TableName": table},
            "Threshold Crossed: 1 datapoint [212.0] was greater than the threshold (0.0).",
        ),
        region,
    )
    aws_neighbours(b, region, taken)
    b.expect("rate_limited", table, "dynamodb", exc)


# 36. SQS backlog ------------------------------------------------------------------------------------------------
# SQS metrics (AWS SQS developer guide, "Available CloudWatch metrics"): ApproximateAgeOfOldestMessage,
# ApproximateNumberOfMessagesVisible, NumberOfMessagesDeleted (QueueName).
def aws_sqs_backlog(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    region = rng.choice(REGIONS)
    base = rng.choice(["invoice", "email", "export", "webhook"])
    queue = rng.choice([f"{base}-jobs", f"{base}-queue", f"prod-{base}s"])
    taken: set[str] = set()
    consumer = make_ecs(
        rng,
        pick_name(rng, taken, base, ["-worker", "-consumer"]),
        region,
        "prod",
        n=2,
        style=rng.choice(["structlog", "zap", "pino"]),
    )
    producer = make_ecs(
        rng, pick_name(rng, taken, rng.choice(["billing", "orders", "accounts"]), ["-api"]), region, "prod"
    )
    cl: dict[int, Lines] = {}
    for i in range(2):
        vo = consumer.voice(i)
        for ts in w.spread(rng, w.start, w.end, rng.uniform(1, 2)):
            took = rng.randint(300, 900) if ts < w.onset else rng.randint(9000, 25000)
            cl.setdefault(i, []).append(
                (
                    ts,
                    vo.line(
                        ts, "info", f"processed message from {queue}", took_ms=took, message_id=aws_request_id(rng)
                    ),
                )
            )
    ecs_logs(b, consumer, cl)
    ecs_logs(
        b,
        producer,
        {0: steady_errors(rng, producer.voice(0), w, rng.uniform(40, 80))},
        traffic_every=rng.uniform(1.5, 3),
    )
    times = w.steps(60)
    b.cw_metrics(
        "sqs",
        [
            CwMetric(
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                {"QueueName": queue},
                "Maximum",
                [rng.uniform(1, 20) if t < w.onset else (t - w.onset) * rng.uniform(0.95, 1.0) + 5 for t in times],
            ),
            CwMetric(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                {"QueueName": queue},
                "Maximum",
                shape(rng, times, 3, 4000, w.onset, ramp=w.end - w.onset, noise=0.05),
            ),
            CwMetric(
                "AWS/SQS",
                "NumberOfMessagesDeleted",
                {"QueueName": queue},
                "Sum",
                shape(rng, times, 110, 8, w.onset, ramp=120, noise=0.1),
            ),
        ],
        region,
    )
    aws_incident(
        b,
        f"{queue} backlog",
        rng.choice([queue, None, producer.name]),
        (
            f"{queue}-oldest-message-age",
            "ApproximateAgeOfOldestMessage",
            "AWS/SQS",
            {"QueueName": queue},
            "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (300.0).",
        ),
        region,
    )
    aws_neighbours(b, region, taken, (1, 2))
    b.expect("queue_backlog", consumer.name, "sqs", "ApproximateAgeOfOldestMessage")


# --- GCP: Cloud Logging entries forwarded to Loki by Grafana Alloy's loki.source.gcplog -------------------------
# Alloy internal/component/loki/source/gcplog/gcptypes formatter: the line is the entry's `textPayload` when it
# has one (unless `use_full_line = true`), else the whole LogEntry JSON; stream labels are only the component's
# `labels` plus what `relabel_rules` keep from `__gcp_logname`, `__gcp_resource_type`, `__gcp_severity`,
# `__gcp_resource_labels_<name>`, `__gcp_labels_<name>`. LogEntry: https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry.
# Cloud Run platform texts (cloud.google.com/run/docs/troubleshooting): "The request was aborted because there was
# no available instance. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request",
# "The request failed because either the HTTP response was malformed or connection to the instance had an error.
# Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#malformed-response-or-connection-error",
# "Memory limit of %d MiB exceeded with %d MiB used. Consider increasing the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits".
NO_INSTANCE = (
    "The request was aborted because there was no available instance. Additional troubleshooting documentation "
    "can be found at: https://cloud.google.com/run/docs/troubleshooting#abort-request"
)
MALFORMED = (
    "The request failed because either the HTTP response was malformed or connection to the instance had "
    "an error. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#malformed-response-or-connection-error"
)


@dataclass
class CloudRun:
    service: str
    project: str
    region: str
    revision: str
    instances: list[str]
    style: str


def make_run(rng: random.Random, service: str, style: str | None = None) -> CloudRun:
    project = rng.choice(["acme-prod", "shop-prod-4821", "acme-platform"])
    rev = f"{service}-{rng.randint(1, 400):05d}-{''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(3))}"
    return CloudRun(
        service,
        project,
        rng.choice(["europe-west1", "us-central1", "asia-northeast1"]),
        rev,
        [hexid(rng, 96) for _ in range(rng.randint(2, 5))],
        style or rng.choice(["structlog", "zap", "pino", "uvicorn", "spring"]),
    )


def log_entry(
    rng: random.Random,
    run: CloudRun,
    ts: float,
    log: str,
    severity: str,
    *,
    text: str | None = None,
    payload: Json | None = None,
    http: Json | None = None,
    instance: str | None = None,
) -> Json:
    e: Json = {
        "insertId": hexid(rng, 14),
        "resource": {
            "type": "cloud_run_revision",
            "labels": {
                "project_id": run.project,
                "service_name": run.service,
                "revision_name": run.revision,
                "location": run.region,
                "configuration_name": run.service,
            },
        },
        "timestamp": iso_ns(ts, rng),
        "severity": severity,
        "labels": {"instanceId": instance or rng.choice(run.instances)},
        "logName": f"projects/{run.project}/logs/run.googleapis.com%2F{log}",
        "receiveTimestamp": iso_ns(ts + rng.uniform(0.05, 0.6), rng),
    }
    if text is not None:
        e["textPayload"] = text
    if payload is not None:
        e["jsonPayload"] = payload
    if http is not None:
        e["httpRequest"] = http
        e["trace"] = f"projects/{run.project}/traces/{hexid(rng, 32)}"
        e["spanId"] = str(rng.getrandbits(63))
        e["traceSampled"] = rng.random() < 0.1
    return e


def http_request(rng: random.Random, run: CloudRun, status: int, latency: float, path: str) -> Json:
    return {
        "requestMethod": rng.choice(["GET", "POST"]),
        "requestUrl": f"https://{run.service}-{hexid(rng, 10)}-ew.a.run.app{path}",
        "requestSize": str(rng.randint(200, 2000)),
        "status": status,
        "responseSize": str(rng.randint(100, 9000)),
        "userAgent": rng.choice(
            ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)", "okhttp/4.12.0", "Go-http-client/2.0"]
        ),
        "remoteIp": f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "serverIp": "216.239.32.53",
        "latency": f"{latency:.6f}s",
        "protocol": "HTTP/1.1",
    }


class GcpLoki:
    """Collects LogEntries and writes them as Alloy's gcplog component delivers them to Loki."""

    def __init__(self, b: Bundle, full_line: bool, relabel: bool) -> None:
        self.b, self.full_line, self.relabel = b, full_line, relabel
        self.entries: list[tuple[float, Json]] = []

    def add(self, ts: float, e: Json) -> None:
        self.entries.append((ts, e))

    def write(self) -> None:
        streams: dict[tuple[tuple[str, str], ...], Lines] = {}
        for ts, e in self.entries:
            labels = {"job": "gcplog"}
            if self.relabel:
                labels |= {
                    "service_name": e["resource"]["labels"]["service_name"],
                    "resource_type": e["resource"]["type"],
                    "severity": e["severity"],
                }
            line = (
                e["textPayload"]
                if (not self.full_line and e.get("textPayload", "").strip())
                else json.dumps(e, separators=(",", ":"))
            )
            streams.setdefault(tuple(sorted(labels.items())), []).append((ts, line))
        self.b.loki(
            "gcplog",
            '{job="gcplog"}' if not self.relabel else '{job="gcplog", resource_type="cloud_run_revision"}',
            [(dict(k), v) for k, v in streams.items()],
        )


def run_traffic(
    gl: GcpLoki,
    run: CloudRun,
    t_from: float,
    t_to: float,
    every: float,
    fail: Callable[[float], tuple[int, str, str | None] | None] | None = None,
) -> None:
    """Request logs (run.googleapis.com/requests: httpRequest only, or textPayload for a platform error) and the
    app's own stdout lines (structured apps write JSON, which Cloud Logging turns into jsonPayload)."""
    rng = gl.b.rng
    for ts in gl.b.w.spread(rng, t_from, t_to, every):
        path = rng.choice(paths_for(run.service)).replace("{id}", str(rng.randint(10, 9999)))
        f = fail(ts) if fail else None
        if f:
            status, severity, text = f
            gl.add(
                ts,
                log_entry(
                    rng,
                    run,
                    ts,
                    "requests",
                    severity,
                    text=text,
                    http=http_request(rng, run, status, rng.uniform(0.001, 12), path),
                ),
            )
            continue
        gl.add(
            ts,
            log_entry(
                rng, run, ts, "requests", "INFO", http=http_request(rng, run, 200, rng.uniform(0.004, 0.3), path)
            ),
        )
        if rng.random() < 0.4:
            if run.style in ("structlog", "zap", "pino"):
                gl.add(
                    ts,
                    log_entry(
                        rng,
                        run,
                        ts,
                        "stdout",
                        "INFO",
                        payload={"message": "handled request", "path": path, "severity": "INFO"},
                    ),
                )
            else:
                gl.add(
                    ts,
                    log_entry(
                        rng,
                        run,
                        ts,
                        "stdout",
                        "DEFAULT",
                        text=f'INFO:     169.254.1.1:{rng.randint(30000, 60000)} - "GET {path} HTTP/1.1" 200 OK',
                    ),
                )


def gcp_noise(gl: GcpLoki, run: CloudRun) -> None:
    """A neighbour's unrelated error at a steady rate, and a benign warning now and then."""
    rng, w = gl.b.rng, gl.b.w
    msg, fields = rng.choice(PRE_ONSET_ERRORS)
    for ts in w.spread(rng, w.start, w.end, rng.uniform(40, 90)):
        gl.add(ts, log_entry(rng, run, ts, "stdout", "ERROR", payload={"message": msg, **fields, "severity": "ERROR"}))
    for ts in w.spread(rng, w.start, w.end, 300):
        gl.add(ts, log_entry(rng, run, ts, "stderr", "WARNING", text="WARNING:  Invalid HTTP request received."))


def gcp_no_instance(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    run = make_run(rng, pick_name(rng, set(), None, ["", "-api", "-svc"]))
    other = make_run(rng, pick_name(rng, {run.service}))
    gl = GcpLoki(b, full_line=v % 2 == 0, relabel=rng.random() < 0.6)
    status = 429 if v % 2 == 0 else 500
    run_traffic(
        gl,
        run,
        w.start,
        w.end,
        rng.uniform(0.3, 0.8),
        lambda ts: (
            (status, "ERROR" if status == 500 else "WARNING", NO_INSTANCE)
            if ts > w.onset and rng.random() < 0.35
            else None
        ),
    )
    run_traffic(gl, other, w.start, w.end, rng.uniform(2, 4))
    for ts in w.spread(rng, w.start, w.end, 400):
        gl.add(
            ts,
            log_entry(
                rng,
                run,
                ts,
                "varlog%2Fsystem",
                "INFO",
                text=(
                    "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling "
                    "factors (e.g. "
                    "CPU utilization, request throughput, etc.) or no existing capacity for current traffic."
                ),
            ),
        )
    gcp_noise(gl, other)
    gl.write()
    b.incident(
        f"{run.service} 429s" if status == 429 else f"{run.service} errors",
        rng.choice(["slack", "grafana", "cli"]),
        rng.choice([run.service, None]),
    )
    b.expect("capacity_limit", run.service, "cloud-run", "there was no available instance")


def gcp_memory(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    run = make_run(rng, pick_name(rng, set(), None, ["", "-api", "-worker"]))
    other = make_run(rng, pick_name(rng, {run.service}))
    gl = GcpLoki(b, full_line=v % 2 == 1, relabel=rng.random() < 0.6)
    limit = rng.choice([256, 512, 1024])
    run_traffic(
        gl,
        run,
        w.start,
        w.end,
        rng.uniform(0.5, 1.2),
        lambda ts: (503, "ERROR", MALFORMED) if ts > w.onset and rng.random() < 0.15 else None,
    )
    run_traffic(gl, other, w.start, w.end, rng.uniform(2, 4))
    for ts in w.spread(rng, w.onset, w.end, rng.uniform(40, 90)):
        inst = rng.choice(run.instances)
        gl.add(
            ts,
            log_entry(
                rng,
                run,
                ts,
                "varlog%2Fsystem",
                "ERROR",
                text=(
                    f"Memory limit of {limit} MiB exceeded with {limit + rng.randint(2, 40)} MiB used. Consider "
                    f"increasing "
                    f"the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits"
                ),
                instance=inst,
            ),
        )
        gl.add(
            ts + 0.5,
            log_entry(
                rng,
                run,
                ts + 0.5,
                "varlog%2Fsystem",
                "INFO",
                text=(
                    "Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling "
                    "factors (e.g. "
                    "CPU utilization, request throughput, etc.) or no existing capacity for current traffic."
                ),
            ),
        )
    gcp_noise(gl, other)
    gl.write()
    b.incident(f"{run.service} 503s", rng.choice(["slack", "cli", "grafana"]), rng.choice([run.service, None]))
    b.expect("memory_exhaustion", run.service, "cloud-run", "Memory limit of")


# Pub/Sub's IAM denial as gRPC status (`PERMISSION_DENIED: User not authorized to perform this action.`), Cloud
# Storage's JSON API 403 ("... does not have storage.objects.create access to the Google Cloud Storage object.
# Permission 'storage.objects.create' denied on resource (or it may not exist)."), Secret Manager's
# ("Permission 'secretmanager.versions.access' denied for resource '...' (or it may not exist).").
def gcp_permission(b: Bundle, v: int) -> None:
    rng, w = b.rng, b.w
    run = make_run(
        rng,
        pick_name(
            rng, set(), rng.choice(["invoice", "orders", "notifier", "exports"]), ["-renderer", "-publisher", "-api"]
        ),
        style=rng.choice(["uvicorn", "spring"]),
    )
    other = make_run(rng, pick_name(rng, {run.service}))
    sa = f"{run.service[:20]}@{run.project}.iam.gserviceaccount.com"
    kind = v % 3
    if kind == 0:
        topic = f"projects/{run.project}/topics/{rng.choice(['order-events', 'invoices', 'notifications'])}"
        text = (
            "google.api_core.exceptions.PermissionDenied: 403 User not authorized to perform this action."
            if run.style == "uvicorn"
            else (
                "com.google.api.gax.rpc.PermissionDeniedException: io.grpc.StatusRuntimeException: PERMISSION_DENIED: "
                "User not authorized to perform this action."
            )
        )
        msg = f"publish to {topic} failed"
        decisive = "User not authorized to perform this action."
    elif kind == 1:
        bucket = rng.choice(["acme-invoices", "exports-prod", "media-uploads"])
        text = (
            "google.api_core.exceptions.Forbidden: 403 POST "
            f"https://storage.googleapis.com/upload/storage/v1/b/{bucket}/o?uploadType=multipart: "
            f"{sa} does not have storage.objects.create access to the Google Cloud Storage object. Permission "
            f"'storage.objects.create' "
            f"denied on resource (or it may not exist)."
        )
        msg = "upload failed"
        decisive = "Permission 'storage.objects.create' denied on resource (or it may not exist)."
    else:
        secret = (
            f"projects/{run.project}/secrets/{rng.choice(['stripe-key', 'db-password', 'smtp-token'])}/versions/latest"
        )
        text = (
            f"google.api_core.exceptions.PermissionDenied: 403 Permission 'secretmanager.versions.access' denied for "
            f"resource '{secret}' (or it may not exist). [reason: \"IAM_PERMISSION_DENIED\"]"
        )
        msg = "could not load secret"
        decisive = "Permission 'secretmanager.versions.access' denied"
    gl = GcpLoki(b, full_line=rng.random() < 0.5, relabel=rng.random() < 0.6)
    run_traffic(gl, run, w.start, w.onset, rng.uniform(0.8, 2))
    run_traffic(gl, other, w.start, w.end, rng.uniform(2, 4))
    for ts in w.spread(rng, w.onset, w.end, rng.uniform(1, 3)):
        if run.style == "uvicorn":
            gl.add(ts, log_entry(rng, run, ts, "stderr", "ERROR", text=f"ERROR:    {msg}: {text}"))
            gl.add(
                ts + 0.001,
                log_entry(
                    rng,
                    run,
                    ts,
                    "stdout",
                    "DEFAULT",
                    text=(
                        f'INFO:     169.254.1.1:{rng.randint(30000, 60000)} - "POST {paths_for(run.service)[0]} '
                        f'HTTP/1.1" 500 '
                        f"Internal Server Error"
                    ),
                ),
            )
        else:
            gl.add(
                ts,
                log_entry(
                    rng,
                    run,
                    ts,
                    "stdout",
                    "ERROR",
                    payload={
                        "message": f"{msg}: {text}",
                        "severity": "ERROR",
                        "logging.googleapis.com/sourceLocation": {"file": "PublisherService.java", "line": "88"},
                    },
                ),
            )
        gl.add(
            ts + 0.002,
            log_entry(
                rng,
                run,
                ts,
                "requests",
                "ERROR",
                http=http_request(rng, run, 500, rng.uniform(0.05, 0.4), paths_for(run.service)[0]),
            ),
        )
    gcp_noise(gl, other)
    gl.write()
    b.incident(f"{run.service} failing", rng.choice(["slack", "cli"]), rng.choice([run.service, None]))
    b.expect("permission_denied", run.service, "gcp", decisive)


# --- healthy controls -------------------------------------------------------------------------------------------
def healthy_k8s(b: Bundle, v: int) -> None:
    """Nothing is wrong: steady traffic and benign warnings, plus the one thing each variant shows that looks like
    trouble and is not (a rollout that went fine, a client's 4xx burst, a CronJob that completed, restarts long
    before the window, memory that falls after a restart, a rate limiter refilling its bucket)."""
    sc = new_scene(b)
    rng, w = sc.rng, sc.w
    add_nodes(sc)
    neighbours = populate(sc, (3, 5))
    subject = neighbours[0]
    kind = v % 6
    if kind == 0:
        pass  # steady traffic with benign warnings
    elif kind == 1:
        # a rollout mid-window: new pods become ready, old ones shut down cleanly
        t = w.start + (w.end - w.start) * rng.uniform(0.4, 0.6)
        new = make_svc(rng, subject.name, sc.ns, sc.nodes, t, replicas=len(subject.pods), style=subject.style)
        new.labels = subject.labels
        new.uid = subject.uid
        for i, p in enumerate(subject.pods):
            sc.logs[p] = [x for x in sc.logs.get(p, []) if x[0] < t + 20 * i] + [
                (
                    t + 20 * i + 1,
                    subject.voice(i).line(t + 20 * i + 1, "info", "received SIGTERM, draining connections"),
                )
            ]
        sc.items = [it for it in sc.items if not (it["kind"] == "Pod" and it["metadata"]["name"] in subject.pods)]
        sc.add(new)
        for i in range(len(new.pods)):
            sc.log(
                new,
                i,
                startup(new, i, t + 20 * i - 10)
                + traffic(rng, new.voice(i), w, new.paths, rng.uniform(3, 6), t_from=t + 20 * i),
            )
            sc.items.append(healthy_pod(sc, new, i))
        objs = workload_objects(sc, new, revision=2)
        sc.items = [
            it for it in sc.items if not (it["kind"] == "Deployment" and it["metadata"]["name"] == subject.name)
        ] + objs
        old_rs = [
            it
            for it in sc.items
            if it["kind"] == "ReplicaSet" and it["metadata"]["name"] == f"{subject.name}-{subject.rs_hash}"
        ]
        for it in old_rs:
            it["spec"]["replicas"] = 0
            it["status"] = {"replicas": 0, "observedGeneration": 2}
        for i, p in enumerate(new.pods):
            sc.items.append(
                event(
                    rng,
                    sc.ns,
                    "Pod",
                    p,
                    "Unhealthy",
                    'Readiness probe failed: Get "http://'
                    + new.ips[i]
                    + f':{new.port}/healthz": dial tcp {new.ips[i]}:{new.port}: connect: connection refused',
                    first=t + 20 * i - 8,
                    last=t + 20 * i - 8,
                )
            )
    elif kind == 2:
        # one client hammers with a bad token: a burst of 401s and 404s, nothing on the server side
        for ts in w.spread(rng, w.start + 600, w.start + 1200, 0.3):
            i = rng.randrange(len(subject.pods))
            sc.log(
                subject,
                i,
                [
                    (
                        ts,
                        subject.voice(i).access(
                            ts,
                            "GET",
                            rng.choice(["/api/v1/admin", "/wp-login.php", "/api/v1/items/abc"]),
                            rng.choice([401, 401, 404]),
                            rng.randint(1, 5),
                            "203.0.113.77",
                            request_id(rng),
                        ),
                    )
                ],
            )
    elif kind == 3:
        job = make_svc(
            rng,
            f"{rng.choice(['nightly-report', 'sitemap', 'cleanup'])}-{int(w.start // 60) + 30}",
            sc.ns,
            sc.nodes,
            w.start + 1800,
            kind="Job",
            replicas=1,
            style="gunicorn",
        )
        sc.add(job)
        sc.log(
            job,
            0,
            [
                (w.start + 1801, job.voice(0).line(w.start + 1801, "info", "starting run")),
                (w.start + 1860, job.voice(0).line(w.start + 1860, "info", "done", rows=rng.randint(1000, 90000))),
            ],
        )
        sc.items.append(
            svc_pod(
                sc,
                job,
                0,
                [
                    cstatus(
                        job.container,
                        job.image,
                        rng,
                        ready=False,
                        restarts=0,
                        state=terminated("Completed", 0, w.start + 1801, w.start + 1861, rng),
                        started=False,
                    )
                ],
                phase="Succeeded",
                ready=False,
            )
        )
        cond = {"status": "True", "lastProbeTime": iso(w.start + 1862), "lastTransitionTime": iso(w.start + 1862)}
        sc.items.append(
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": meta(job.name, sc.ns, rng, w.start + 1800) | {"uid": job.uid},
                "spec": {"backoffLimit": 2},
                "status": {
                    "conditions": [{"type": "SuccessCriteriaMet", **cond}, {"type": "Complete", **cond}],
                    "startTime": iso(w.start + 1800),
                    "completionTime": iso(w.start + 1862),
                    "succeeded": 1,
                    "ready": 0,
                    "terminating": 0,
                    "uncountedTerminatedPods": {},
                },
            }
        )
        sc.items.append(
            event(
                rng,
                sc.ns,
                "Job",
                job.name,
                "Completed",
                "Job completed",
                first=w.start + 1862,
                last=w.start + 1862,
                etype="Normal",
                component="job-controller",
                api_version="batch/v1",
            )
        )
    elif kind == 4:
        # restarts, long before the window: lastState OOMKilled three days ago, an event from before the window
        for it in sc.items:
            if it["kind"] == "Pod" and it["metadata"]["name"] == subject.pods[0]:
                cs = it["status"]["containerStatuses"][0]
                cs["restartCount"] = 3
                cs["lastState"] = terminated("OOMKilled", 137, w.start - 3 * 86400 - 7200, w.start - 3 * 86400, rng)
                cs["state"] = running(w.start - 3 * 86400 + 20)
        sc.items.append(back_off(sc, subject, 0, w.start - 3300, w.start - 3000, 2))
    else:
        # a rate limiter doing its job, in words that look alarming
        for ts in w.spread(rng, w.start, w.end, 30):
            i = rng.randrange(len(subject.pods))
            sc.log(
                subject,
                i,
                [
                    (
                        ts,
                        subject.voice(i).line(
                            ts, "info", "rate limiter: token bucket refilled", capacity=100, tokens=100
                        ),
                    ),
                    (
                        ts + 1,
                        subject.voice(i).line(
                            ts + 1, "info", "throttled client request, quota resets in 30s", client="ci-bot", status=429
                        ),
                    ),
                ],
            )
    # memory that falls after a restart, early in the window
    step = 60
    times = w.steps(step)
    series = []
    for svc in neighbours[:3]:
        for p in svc.pods:
            lim = 512 * 2**20
            falls = svc is subject and kind in (1, 4)
            vals = shape(
                rng,
                times,
                lim * 0.8 if falls else lim * 0.35,
                lim * 0.3 if falls else lim * 0.36,
                w.start + 300,
                ramp=60,
            )
            series.append(({"namespace": sc.ns, "pod": p, "container": svc.container}, vals))
    b.prom(
        "memory",
        f'max by (namespace, pod, container) (container_memory_working_set_bytes{{namespace="{sc.ns}"}})',
        series,
        step=step,
    )
    title = rng.choice(
        ["is {svc} ok?", "{svc} looks slow to a customer", "check {svc} after the deploy", "{svc} alert flapped"]
    )
    b.incident(title.format(svc=subject.name), rng.choice(["slack", "cli"]), subject.name)
    sc.write_loki()
    sc.write_kube()
    b.expect("unknown", subject.name, "healthy")


def healthy_cloud(b: Bundle, v: int) -> None:
    """A quiet AWS service (steady ECS traffic, a Lambda with cold starts) or a quiet Cloud Run service."""
    rng, w = b.rng, b.w
    if v % 2 == 0:
        region = rng.choice(REGIONS)
        taken: set[str] = set()
        svc = make_ecs(rng, pick_name(rng, taken), region, "prod")
        ecs_logs(
            b, svc, {0: steady_errors(rng, svc.voice(0), w, rng.uniform(40, 90))}, traffic_every=rng.uniform(1.5, 3)
        )
        fn = rng.choice(["thumbnailer", "mailer", "audit-writer"])
        b.cw_logs(
            fn,
            f"/aws/lambda/{fn}",
            lambda_invocations(
                b, fn, "python:3.12.v36", 512, 15.0, rng.uniform(3, 8), lambda ts: None, new_report=True
            ),
            region,
        )
        times = w.steps(60)
        b.cw_metrics(
            "ecs",
            [
                CwMetric(
                    "AWS/ECS",
                    "CPUUtilization",
                    {"ClusterName": "prod", "ServiceName": svc.name},
                    "Average",
                    shape(rng, times, 30, 31, w.onset, noise=0.1),
                ),
                CwMetric(
                    "AWS/ECS",
                    "MemoryUtilization",
                    {"ClusterName": "prod", "ServiceName": svc.name},
                    "Maximum",
                    shape(rng, times, 55, 55, w.onset, noise=0.03),
                ),
            ],
            region,
        )
        b.incident(f"{svc.name} latency question", "slack", svc.name)
        b.expect("unknown", svc.name, "healthy")
    else:
        run = make_run(rng, pick_name(rng, set()))
        gl = GcpLoki(b, full_line=rng.random() < 0.5, relabel=True)
        run_traffic(gl, run, w.start, w.end, rng.uniform(0.5, 1.5))
        for ts in w.spread(rng, w.start, w.end, 300):
            gl.add(
                ts,
                log_entry(
                    rng,
                    run,
                    ts,
                    "varlog%2Fsystem",
                    "INFO",
                    text=(
                        "Starting new instance. Reason: AUTOSCALING - Instance started due to configured "
                        "scaling factors (e.g. "
                        "CPU utilization, request throughput, etc.) or no existing capacity for current traffic."
                    ),
                ),
            )
        gl.write()
        b.incident(f"{run.service} cold starts?", "slack", run.service)
        b.expect("unknown", run.service, "healthy")


# --- the registry -----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Family:
    slug: str
    variants: int
    make: Callable[[Bundle, int], None]


FAMILIES: list[Family] = [
    Family("k8s-oomkilled", 3, k8s_oomkilled),
    Family("k8s-init-oom", 2, k8s_init_oom),
    Family("k8s-evicted-disk", 2, k8s_evicted_disk),
    Family("k8s-job-backoff", 3, k8s_job_backoff),
    Family("k8s-sa-missing", 2, k8s_sa_missing),
    Family("k8s-failed-mount", 2, k8s_failed_mount),
    Family("k8s-autoscaler-max", 2, lambda b, v: k8s_unschedulable(b, v, "cpu")),
    Family("k8s-gpu-insufficient", 2, lambda b, v: k8s_unschedulable(b, v, "gpu")),
    Family("k8s-too-many-pods", 2, lambda b, v: k8s_unschedulable(b, v, "pods")),
    Family("k8s-quota", 3, k8s_quota),
    Family("k8s-init-crash", 2, k8s_init_crash),
    Family("k8s-start-error", 3, k8s_start_error),
    Family("k8s-probe", 2, k8s_probe),
    Family("k8s-runtime-crash", 2, k8s_runtime_crash),
    Family("k8s-coredns", 2, k8s_coredns),
    Family("k8s-node-notready", 2, k8s_node_notready),
    Family("redis-maxmemory", 2, plat_redis_oom),
    Family("postgres-conns", 2, plat_postgres_conns),
    Family("mysql-conns", 2, plat_mysql_conns),
    Family("kafka-lag", 2, plat_kafka_lag),
    Family("rabbitmq-celery", 2, plat_rabbit_celery),
    Family("es-flood-stage", 2, plat_es_flood),
    Family("mongodb-no-primary", 2, plat_mongo),
    Family("nginx-504-cpu", 2, plat_nginx_cpu),
    Family("traefik-502-oom", 2, plat_traefik_oom),
    Family("cert-expired", 2, plat_cert_expired),
    Family("netpol-blocked", 2, plat_netpol),
    Family("ecs-oom", 2, aws_ecs_oom),
    Family("ecs-image-pull", 2, aws_ecs_pull),
    Family("alb-504", 2, aws_alb_504),
    Family("lambda-timeout", 2, aws_lambda_timeout),
    Family("lambda-throttle", 2, aws_lambda_throttle),
    Family("lambda-oom", 2, aws_lambda_oom),
    Family("rds-storage", 2, aws_rds_storage),
    Family("dynamodb-throttle", 2, aws_dynamo_throttle),
    Family("sqs-backlog", 2, aws_sqs_backlog),
    Family("cloudrun-no-instance", 2, gcp_no_instance),
    Family("cloudrun-memory", 2, gcp_memory),
    Family("gcp-permission", 3, gcp_permission),
    Family("healthy-k8s", 6, healthy_k8s),
    Family("healthy-cloud", 2, healthy_cloud),
]
