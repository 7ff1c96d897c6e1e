"""Normalisation shared by every source: resource names, log levels, structured log lines."""

from __future__ import annotations

import re
from typing import Any

from collectors.base import Level
from collectors.reading import only_blanks_after, scan_json

# Labels that name a workload, best first (Loki stream labels and Prometheus series labels alike). The
# first group names it outright (kube-state-metrics' own labels among them); then the pod's owner; then
# the labels teams and charts set (`app`, and `app_kubernetes_io_name`, which for a Helm chart is the
# chart, `mongodb` for every MongoDB); `service`, `container` and `job` name it too, unless they name
# the exporter or the scrape job that carried the series.
WORKLOAD_LABELS = (
    "consumergroup",  # kafka_exporter's consumer-group lag: the group is the consumer behind it
    "queue",  # RabbitMQ's queue series (the rules engine finds the queue's consumer)
    "deployment",
    "statefulset",
    "daemonset",
    "cronjob",
    "job_name",
    "horizontalpodautoscaler",  # kube-state-metrics' HPA series
    "function_name",
)
APP_LABELS = ("app", "app_kubernetes_io_instance", "app_kubernetes_io_name", "service_name")
RESOURCE_LABELS = (*WORKLOAD_LABELS, *APP_LABELS, "service", "container", "job")
# Who carried the series, not what it is about: kube-state-metrics, the kubelet/cAdvisor, node and other
# exporters, Prometheus' own scrape jobs (`kubernetes-pods`, Alloy's `integrations/...`, `monitoring/...`).
_CARRIER = re.compile(
    r"^(?:kube-state-metrics|kubelet|cadvisor|apiserver|kubernetes-[a-z-]+|prometheus(?:-[a-z-]+)?|"
    r"(?:prometheus-)?node-exporter|blackbox(?:-exporter)?|pushgateway|otel-collector|alloy|POD|"
    r"gcplog|cloudwatch|firehose|fluent-?bit|fluentd|vector|promtail)$"
    # kube-prometheus-stack's own Services (`<release>-kube-prometheus-kubelet`, `-coredns`, ...), collectors
    r"|^kube-prometheus|-kube-prometheus-|-kubelet$|-kube-(?:state-metrics|proxy|scheduler|controller-manager|etcd)$"
    r"|-collector$|[-_]exporter$|[-_]metrics$|/",
    re.IGNORECASE,
)
_NAMED_CARRIER = re.compile(r".*(?:kube-state-metrics|node-exporter|blackbox-exporter)$", re.IGNORECASE)
_EXPORTED = re.compile(r"[-_](?:exporter|metrics)$", re.IGNORECASE)
_INSTANCE_HOST = re.compile(r"^(?:[a-z]+://)?(?:[^@/]*@)?([a-z][a-z0-9-]*)(?:[.:/]|$)", re.IGNORECASE)
_GENERIC = {
    "node",
    "prometheus-node",
    "blackbox",
    "process",
    "statsd",
    "redis",
    "postgres",
    "postgresql",
    "mysql",
    "mongodb",
    "kafka",
    "rabbitmq",
    "elasticsearch",
}
# CloudWatch dimensions that name a resource, best first.
RESOURCE_DIMENSIONS = (
    "ServiceName",
    "FunctionName",
    "DBInstanceIdentifier",
    "DBClusterIdentifier",
    "QueueName",
    "TableName",
    "TargetGroup",
    "LoadBalancer",
    "ClusterName",
    "AutoScalingGroupName",
    "CacheClusterId",
)

# A Deployment pod's ReplicaSet hash and every pod's random suffix. Kubernetes draws both from
# "bcdfghjklmnpqrstvwxz2456789" (apimachinery's rand.SafeEncodeString), so a segment of digits holding a 0,
# 1 or 3 is a date or a CronJob's schedule time, part of the Job's name (`db-migrate-20261120-x7k2p`), and
# a hash holds a digit (a Job `order-events` has pods `order-events-x7k2p`).
_POD_HASH = re.compile(r"-(?:(?=[a-z]*[0-9])(?![0-9]*[013][0-9]*-)[a-z0-9]{6,10}-)?[a-z0-9]{5}$")
_POD_ORDINAL = re.compile(r"-\d+$")
_LEVEL_WORDS = {
    "fatal": "error",
    "critical": "error",
    "crit": "error",
    "panic": "error",
    "emerg": "error",
    "alert": "error",
    "error": "error",
    "err": "error",
    "severe": "error",
    "e": "error",
    "warning": "warn",
    "warn": "warn",
    "w": "warn",
    "info": "info",
    "notice": "info",
    "i": "info",
    "debug": "debug",
    "trace": "debug",
    "d": "debug",
    "f": "error",
}
_LEVEL_RE = re.compile(r"\b(fatal|critical|panic|error|err|severe|warning|warn|info|notice|debug|trace)\b")
# Matched against the lowered line: a case-sensitive alternation runs 2x faster than an IGNORECASE one (measured
# on bench/make_large_bundle.py's lines with no level word: 0.19 s against 0.42 s for 50,800 lines).
_ERROR_HINT = re.compile(r"traceback|exception|\bpanic:|oomkilled|killed|timed out|no space left|denied|refused")
_MESSAGE_KEYS = ("msg", "message", "event", "log", "text")
_DETAIL_KEYS = (
    "error",
    "err",
    "exception",
    "error_message",
    "reason",
    "upstream",
    "target",
    "peer",
    "host",
    "url",
    "status",
    "stack",
)
_LEVEL_KEYS = ("level", "severity", "lvl", "log_level", "levelname", "s")  # `s`: MongoDB's F/E/W/I/D
# Objects that hold the detail of a structured line (MongoDB's `attr`, pino's `err`, an `error` object):
# their text leaves join the message, so a reason nested there is read.
_NESTED_KEYS = ("attr", "err", "error", "exception", "cause", "fields")
_RESOURCE_KEYS = ("service", "service_name", "app", "logger_service")


def pod_owner(pod: str) -> str:
    """`checkout-7d9f8b6c5d-x2x9k` → `checkout` (Deployment pods carry two hashes, DaemonSet and Job pods
    one), `ledger-2` → `ledger` (a StatefulSet's pods carry an ordinal)."""
    owner = _POD_HASH.sub("", pod)
    if owner == pod:
        owner = _POD_ORDINAL.sub("", pod)
    return owner or pod


def workload_of(labels: dict[str, str]) -> str | None:
    """The workload a label set is about, or None: its workload labels, else `service` unless a carrier,
    else its pod's owner (unless the pod is an exporter's), else its app labels, else `container`/`job`
    unless they name the exporter that carried it, else the host in `instance` (an exporter's target:
    `redis://cache-main:6379` → cache-main), else the exporter's name without its suffix
    (`ledger-db-exporter` → ledger-db)."""
    for key in WORKLOAD_LABELS:
        if labels.get(key):
            return labels[key]
    service = labels.get("service")
    if service and not _CARRIER.search(service):  # set on purpose (an alert rule's, a ServiceMonitor's)
        return service
    pod = labels.get("pod") or labels.get("pod_name")
    owner = pod_owner(pod) if pod else None
    claim = labels.get("persistentvolumeclaim")
    if claim and not owner:  # kubelet_volume_stats_*: the claim's StatefulSet (`datadir-chat-mongodb-0`)
        return claim_owner(claim)
    if owner and not _CARRIER.search(owner):
        return owner
    for key in APP_LABELS:
        if labels.get(key):
            return labels[key]
    carriers = [labels[k] for k in ("service", "container", "job") if labels.get(k)]
    named = next((v for v in carriers if not _CARRIER.search(v)), None)
    if named:
        return named
    host = _INSTANCE_HOST.match(labels.get("instance", "") or labels.get("addr", ""))
    if host and host.group(1).lower() not in ("localhost",) and not _CARRIER.search(host.group(1)):
        return host.group(1)
    for value in [*carriers, *([owner] if owner else [])]:
        stem = _EXPORTED.sub("", value)
        if stem != value and "/" not in stem and stem.lower() not in _GENERIC and not _NAMED_CARRIER.match(value):
            return stem
    return None


_CLAIM_TEMPLATE = re.compile(
    r"^(?:data|datadir|data-dir|storage|pgdata|db-data|redis-data|elasticsearch-data|mongodb-data|"
    r"export|volume|vol|pvc|www)-",
    re.IGNORECASE,
)


def claim_owner(claim: str) -> str:
    """A PersistentVolumeClaim of a StatefulSet's volumeClaimTemplates is `<template>-<statefulset>-<ordinal>`:
    the StatefulSet when the template is one of the usual names, else the claim without its ordinal."""
    return _CLAIM_TEMPLATE.sub("", _POD_ORDINAL.sub("", claim), count=1)


def resource_from_labels(labels: dict[str, str]) -> str:
    return workload_of(labels) or labels.get("namespace", "") or labels.get("instance", "") or "unknown"


def resource_from_log_group(group: str, stream: str = "") -> str:
    """Name the resource behind a CloudWatch log group: /ecs/x, /aws/lambda/x, /aws/rds/instance/x/..."""
    parts = [p for p in group.split("/") if p]
    if len(parts) >= 3 and parts[:2] == ["aws", "lambda"]:
        return parts[2]
    if len(parts) >= 4 and parts[:2] == ["aws", "rds"]:
        return parts[3]
    if len(parts) >= 4 and parts[:3] == ["aws", "eks", parts[2]] and parts[3] == "cluster":
        return parts[2]
    if parts and parts[0] == "ecs" and len(parts) >= 2:
        return parts[-1]
    if stream.startswith("ecs/") and stream.count("/") >= 2:
        return stream.split("/")[1]
    return parts[-1] if parts else group


def level_of(text: str) -> Level:
    head = text[:160].lower()
    # A regex alternation tries every word at every position (4 us on an access log's line); a substring test
    # per word first is 10x cheaper, and the regexes run only on lines that hold one (the same answer).
    for word in _LEVEL_STEMS:
        if word in head:
            match = _LEVEL_RE.search(head)
            if match:
                return _LEVEL_WORDS.get(match.group(1), "info")  # type: ignore[return-value]
            break
    low = text.lower()
    for hint in _ERROR_STEMS:
        if hint in low:
            return "error" if _ERROR_HINT.search(low) else "info"
    return "info"


_LEVEL_STEMS = ("err", "warn", "info", "debug", "trace", "fatal", "critical", "panic", "severe", "notice")
_ERROR_STEMS = ("traceback", "exception", "panic:", "killed", "timed out", "no space left", "denied", "refused")


def parse_line(line: str) -> tuple[str, Level, str | None]:
    """Return (message, level, resource named by the line itself) for a plain or JSON log line."""
    stripped = line.lstrip()
    if stripped.startswith("{"):
        try:  # json.loads without its Python wrapper (half its cost on a log line): the value, then only blanks
            obj, end = scan_json(stripped, 0)
            if not only_blanks_after(stripped, end):
                obj = None
        except (StopIteration, ValueError, RecursionError):  # not JSON, or nested deeper than any logger writes
            obj = None
        if isinstance(obj, dict):
            try:
                return _structured(obj, line)
            except (AttributeError, TypeError, RecursionError):  # a known key holding an odd shape
                pass
    return line.rstrip("\n"), level_of(line), None


_PINO_LEVELS: dict[str, Level] = {"10": "debug", "20": "debug", "30": "info", "40": "warn", "50": "error",
                                  "60": "error"}  # fmt: skip


def _structured(obj: dict[str, Any], line: str) -> tuple[str, Level, str | None]:
    if (
        "jsonPayload" in obj
        or "textPayload" in obj
        or "protoPayload" in obj
        or ("logName" in obj and "resource" in obj)
    ):
        return _log_entry(obj, line)  # a request log (httpRequest alone) is a LogEntry too
    if isinstance(obj.get("detail"), dict) and "detail-type" in obj:
        return _eventbridge(obj)
    # plain loops, and the key sets of a line compared with ours at once: a generator per field cost more than
    # the rest of the line (bench/make_large_bundle.py's JSON lines: 3.4 us, now half)
    message = _first(obj, _MESSAGE_KEYS)
    keys = obj.keys()
    details = []
    if not keys.isdisjoint(_DETAIL_KEYS):
        details = [
            f"{k}={obj[k]}" for k in _DETAIL_KEYS if obj.get(k) not in (None, "") and not isinstance(obj[k], dict)
        ]
    if not keys.isdisjoint(_NESTED_KEYS):
        for key in _NESTED_KEYS:
            if isinstance(obj.get(key), dict):
                details += _leaves(obj[key])
    text = (" ".join([message, *details]) if details else message).strip() or line.strip()
    raw_level = _first(obj, _LEVEL_KEYS)
    level: Level = _LEVEL_WORDS.get(raw_level.lower(), "") or _PINO_LEVELS.get(raw_level, "") or level_of(text)  # type: ignore[assignment]
    resource = None
    for key in _RESOURCE_KEYS:
        value = obj.get(key)
        if isinstance(value, str):
            resource = value
            break
    return text, level, resource


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> str:
    """The first of `keys` the object holds a value for (not null), as text; else ""."""
    for key in keys:
        value = obj.get(key)
        if value is not None:
            return str(value)
    return ""


def _leaves(value: Any, depth: int = 0) -> list[str]:
    """The text in a nested object: strings with letters in them, depth-first, at most a few levels down."""
    if isinstance(value, str):
        return [value] if any(c.isalpha() for c in value) and len(value) > 3 else []
    if depth > 3:
        return []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [text for item in items for text in _leaves(item, depth + 1)]


def _log_entry(obj: dict[str, Any], line: str) -> tuple[str, Level, str | None]:
    """A Cloud Logging LogEntry (as Grafana Alloy's gcplog source or a sink forwards it): the payload is the
    message, `severity` the level, the monitored resource's service or container the resource."""
    payload, level, resource = obj.get("textPayload"), None, None
    if isinstance(obj.get("jsonPayload"), dict):
        text, level, resource = _structured(obj["jsonPayload"], line)
    elif isinstance(obj.get("protoPayload"), dict):  # an audit log: the method and the status it ended with
        proto = obj["protoPayload"]
        status = proto.get("status") if isinstance(proto.get("status"), dict) else {}
        text = " ".join(str(v) for v in (proto.get("methodName"), status.get("message")) if v) or line.strip()
    http: dict[str, Any] = obj["httpRequest"] if isinstance(obj.get("httpRequest"), dict) else {}
    if not isinstance(obj.get("jsonPayload"), dict) and not isinstance(obj.get("protoPayload"), dict):
        if payload is not None:
            text = str(payload)
        elif http:  # a request log: the request as an access log line writes it
            parts = (http.get("requestMethod"), http.get("requestUrl"), http.get("status"), http.get("latency"))
            text = " ".join(str(p) for p in parts if p not in (None, ""))
            http = {}
        else:
            text = line.strip()
    if http.get("status"):
        text += f" status={http['status']}" + (f" url={http['requestUrl']}" if http.get("requestUrl") else "")
    severity = str(obj.get("severity", "")).lower()
    level = _LEVEL_WORDS.get(severity) or ("error" if severity in ("alert", "emergency") else None) or level  # type: ignore[assignment]
    labels = (obj.get("resource") or {}).get("labels") if isinstance(obj.get("resource"), dict) else None
    if isinstance(labels, dict):
        named = next((str(labels[k]) for k in ("service_name", "function_name", "container_name", "job_id")
                      if labels.get(k)), None)  # fmt: skip
        resource = named or resource
    return text, level or level_of(text), resource


def _eventbridge(obj: dict[str, Any]) -> tuple[str, Level, str | None]:
    """An EventBridge event (ECS task state changes and the like, as a rule writes them to a log group): the
    reason is nested in `detail`, so it becomes the message: status, stoppedReason, each container's exit."""
    detail: dict[str, Any] = obj["detail"]
    parts = [str(obj.get("detail-type", ""))]
    keys = ("lastStatus", "stopCode", "stoppedReason", "eventName", "state", "status", "reason", "message", "Message")
    for key in keys:
        if detail.get(key) not in (None, ""):
            parts.append(f"{key}={detail[key]}")
    containers = detail.get("containers")
    for c in containers if isinstance(containers, list) else []:
        if isinstance(c, dict) and (c.get("exitCode") not in (None, 0) or c.get("reason")):
            why = f" reason={c['reason']}" if c.get("reason") else ""
            parts.append(f"container {c.get('name')} exitCode={c.get('exitCode')}{why}")
    text = " ".join(parts)
    group = str(detail.get("group", ""))
    resource = group.split(":", 1)[1] if group.startswith("service:") else None
    stopped = detail.get("stoppedReason") or detail.get("lastStatus") == "STOPPED"
    return text, ("error" if stopped else level_of(text)), resource
