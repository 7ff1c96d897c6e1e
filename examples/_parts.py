"""Log line formats, background noise and Kubernetes objects for the example bundles."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from _kit import Bundle, Lines, k8s_time


def ts_text(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def access(
    ts: float, path: str, status: int, ms: int, ua: str = "Mozilla/5.0", ip: str = "10.0.1.23", method: str = "GET"
) -> str:
    when = datetime.fromtimestamp(ts, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'{ip} - - [{when}] "{method} {path} HTTP/1.1" {status} {ms * 7 % 5000} "-" "{ua}" rt={ms / 1000:.3f}'


def logfmt(ts: float, level: str, msg: str, **kv: Any) -> str:
    extra = " ".join(f"{k}={json.dumps(v) if isinstance(v, str) and ' ' in v else v}" for k, v in kv.items())
    return f'time="{ts_text(ts)}" level={level} msg="{msg}" {extra}'.rstrip()


def jlog(ts: float, level: str, msg: str, **kv: Any) -> str:
    return json.dumps({"ts": ts_text(ts), "level": level, "msg": msg, **kv})


def logback(ts: float, level: str, logger: str, msg: str, thread: str = "http-nio-8080-exec-3") -> str:
    when = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]
    return f"{when} {level:<5} [{thread}] {logger} - {msg}"


FORMATS = ("access", "logfmt", "json", "logback")
PATHS = ("/api/v1/items", "/api/v1/cart", "/api/v1/search?q=boots", "/api/v1/orders/8812", "/static/app.js")


def noise(
    b: Bundle,
    service: str,
    fmt: str,
    every: float = 4.0,
    secrets: bool = False,
    t_from: float | None = None,
    t_to: float | None = None,
) -> Lines:
    """Healthy traffic plus the warnings and rare errors that were there long before the incident."""
    lines: Lines = []
    rng = b.rng
    for ts in b.spread(t_from if t_from is not None else b.start, t_to if t_to is not None else b.end, every):
        path, ms = rng.choice(PATHS), rng.randint(8, 180)
        status = 200 if rng.random() > 0.01 else 404
        if fmt == "access":
            lines.append((ts, access(ts, path, status, ms)))
        elif fmt == "logfmt":
            lines.append(
                (
                    ts,
                    logfmt(
                        ts,
                        "info",
                        "request completed",
                        path=path,
                        status=status,
                        duration_ms=ms,
                        request_id=f"{rng.getrandbits(64):016x}",
                    ),
                )
            )
        elif fmt == "json":
            lines.append(
                (
                    ts,
                    jlog(
                        ts,
                        "info",
                        "handled request",
                        service=service,
                        route=path,
                        status=status,
                        latency_ms=ms,
                        trace_id=f"{rng.getrandbits(128):032x}",
                    ),
                )
            )
        else:
            lines.append(
                (
                    ts,
                    logback(
                        ts,
                        "INFO",
                        f"com.acme.{service.replace('-', '')}.web.RequestLogger",
                        f"{path} -> {status} in {ms}ms",
                    ),
                )
            )
    for ts in b.spread(t_from or b.start, t_to or b.end, 60):
        lines.append(
            (ts, logfmt(ts, "warn", "deprecated config key 'http.timeout_ms'; use 'http.timeout'", component="config"))
        )
    for ts in b.spread(t_from or b.start, t_to or b.end, 300):
        lines.append(
            (
                ts,
                jlog(
                    ts,
                    "error",
                    "cache refresh failed, serving stale entries",
                    service=service,
                    error="redis: i/o deadline reached after 200ms",
                    attempt=rng.randint(1, 3),
                ),
            )
        )
    if secrets:
        t = (t_from or b.start) + 95
        lines += [
            (
                t,
                logfmt(
                    t, "info", "connecting to database", dsn="postgres://app_user:S3cr3t-Pa55w0rd@db.internal:5432/app"
                ),
            ),
            (
                t + 1,
                jlog(
                    t + 1,
                    "debug",
                    "outbound call",
                    service=service,
                    headers="Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlX3Rlc3Q",
                ),
            ),
            (
                t + 2,
                logfmt(
                    t + 2,
                    "info",
                    "aws client configured",
                    access_key="AKIAIOSFODNN7EXAMPLE",
                    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                ),
            ),
            (t + 3, jlog(t + 3, "info", "password reset mail sent", service=service, to="jane.doe@example.com")),
            (t + 4, logfmt(t + 4, "warn", "received webhook with token", api_key="sk_live_51Habc123def456ghi789")),
        ]
    return lines


def pod(
    name: str,
    ns: str,
    app: str,
    node: str,
    ready: bool = True,
    phase: str = "Running",
    waiting: dict[str, Any] | None = None,
    last: dict[str, Any] | None = None,
    restarts: int = 0,
    image: str = "",
    labels: dict[str, str] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    created: float = 0,
) -> dict[str, Any]:
    rs = name.rsplit("-", 1)[0]
    state: dict[str, Any] = {"waiting": waiting} if waiting else {"running": {"startedAt": k8s_time(created)}}
    status: dict[str, Any] = {
        "phase": phase,
        "conditions": conditions
        or [{"type": "Ready", "status": "True" if ready else "False"}, {"type": "PodScheduled", "status": "True"}],
    }
    if phase != "Pending" or waiting:
        status["containerStatuses"] = [
            {
                "name": app,
                "ready": ready,
                "restartCount": restarts,
                "image": image,
                "state": state,
                "lastState": {"terminated": last} if last else {},
            }
        ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": ns,
            "labels": labels or {"app": app, "pod-template-hash": rs.rsplit("-", 1)[-1]},
            "ownerReferences": [{"kind": "ReplicaSet", "name": rs, "apiVersion": "apps/v1"}],
            "creationTimestamp": k8s_time(created),
        },
        "spec": {"nodeName": node, "containers": [{"name": app, "image": image}]},
        "status": status,
    }


def event(
    ns: str, kind: str, name: str, reason: str, message: str, ts: float, count: int = 1, warning: bool = True
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{name}.{int(ts * 1000):x}", "namespace": ns},
        "involvedObject": {"kind": kind, "name": name, "namespace": ns},
        "reason": reason,
        "message": message,
        "type": "Warning" if warning else "Normal",
        "count": count,
        "firstTimestamp": k8s_time(ts),
        "lastTimestamp": k8s_time(ts + 60 * (count > 1)),
        "source": {"component": "kubelet"},
    }


def replicaset(
    name: str, ns: str, app: str, image: str, revision: int, replicas: int, created: float
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": ns,
            "creationTimestamp": k8s_time(created),
            "labels": {"app": app, "pod-template-hash": name.rsplit("-", 1)[-1]},
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
            "ownerReferences": [{"kind": "Deployment", "name": app}],
        },
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": app, "image": image}]}}},
        "status": {"replicas": replicas, "readyReplicas": replicas},
    }


def node(
    name: str,
    group: str,
    ready: bool = True,
    reason: str = "KubeletReady",
    message: str = "",
    taints: list[dict[str, str]] | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"eks.amazonaws.com/nodegroup": group, "kubernetes.io/hostname": name, **(labels or {})},
        },
        "spec": {"taints": taints or []},
        "status": {
            "conditions": [
                {"type": "MemoryPressure", "status": "False" if ready else "Unknown"},
                {"type": "DiskPressure", "status": "False" if ready else "Unknown"},
                {
                    "type": "Ready",
                    "status": "True" if ready else "Unknown",
                    "reason": reason,
                    "message": message or "kubelet is posting ready status",
                },
            ]
        },
    }
