"""Alert payloads (Alertmanager v4, Grafana unified alerting, CloudWatch alarms via SNS) as `Alert`s with a scope."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.settings import Settings
from collectors.naming import RESOURCE_DIMENSIONS, RESOURCE_LABELS, pod_owner

CLUSTER_LABELS = ("cluster", "cluster_name", "k8s_cluster", "kubernetes_cluster")
_FRACTION = re.compile(r"(\.\d{6})\d+")


class PayloadError(ValueError):
    """The body is JSON but not the payload this endpoint takes: which field, and what is wrong with it."""


@dataclass(slots=True)
class Alert:
    source: str  # alertmanager | grafana | cloudwatch
    status: str  # firing | resolved
    alertname: str
    service: str | None
    cluster: str | None
    severity: str | None
    starts_at: datetime
    ends_at: datetime | None
    labels: dict[str, str] = field(default_factory=dict)
    summary: str = ""

    @property
    def identity(self) -> str:
        """One alert across repeats and re-sends: who sent it, which rule, about what, where."""
        key = "\0".join((self.source, self.alertname, self.service or "", self.cluster or ""))
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    @property
    def firing(self) -> str:
        """One firing of that alert: repeats of it share its start; a new firing starts later."""
        return hashlib.sha256(f"{self.identity}\0{self.starts_at.isoformat()}".encode()).hexdigest()[:32]

    def matches(self, match: dict[str, str]) -> bool:
        values = {**self.labels, "source": self.source, "alertname": self.alertname, "service": self.service or "",
                  "cluster": self.cluster or "", "severity": self.severity or ""}  # fmt: skip
        return all(fnmatch.fnmatchcase(values.get(k, ""), pattern) for k, pattern in match.items())


def channel_for(alert: Alert, settings: Settings) -> str | None:
    """The first route that matches, else the default channel."""
    for route in settings.routes:
        if alert.matches(route.match):
            return route.channel
    return settings.slack.default_channel


def timestamp(value: Any, where: str) -> datetime:
    """RFC 3339 as Go writes it (nanoseconds, `Z`), and CloudWatch's `+0000`."""
    if not isinstance(value, str) or not value:
        raise PayloadError(f"{where}: expected an RFC 3339 time, got {value!r}")
    text = _FRACTION.sub(r"\1", value.replace("Z", "+00:00"))
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise PayloadError(f"{where}: {value!r} is not an RFC 3339 time") from None
    return parsed.replace(tzinfo=parsed.tzinfo or UTC).astimezone(UTC)


def service_of(labels: dict[str, str]) -> str | None:
    """The workload an alert is about, named as the collectors name it (the labels they read, best first,
    then the pod's owner); None when no label names one: such an alert has nothing to scope."""
    named = next((labels[k] for k in RESOURCE_LABELS if labels.get(k)), None)
    pod = labels.get("pod") or labels.get("pod_name")
    return named or (pod_owner(pod) if pod else None)


def _cluster_of(labels: dict[str, str]) -> str | None:
    return next((labels[k] for k in CLUSTER_LABELS if labels.get(k)), None)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _strings(value: Any, where: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in _object(value or {}, where).items()}


def from_prometheus_style(doc: Any, source: str) -> list[Alert]:
    """Alertmanager v4 and Grafana share the alert list's shape (labels, annotations, startsAt, endsAt)."""
    doc = _object(doc, "body")
    if source == "alertmanager" and str(doc.get("version", "")) != "4":
        raise PayloadError(f'version: expected Alertmanager\'s webhook version "4", got {doc.get("version")!r}')
    items = doc.get("alerts")
    if not isinstance(items, list):
        raise PayloadError("alerts: expected a list of alerts")
    common = _strings(doc.get("commonLabels"), "commonLabels")
    alerts = []
    for i, raw in enumerate(items):
        item = _object(raw, f"alerts[{i}]")
        labels = {**common, **_strings(item.get("labels"), f"alerts[{i}].labels")}
        annotations = _strings(item.get("annotations"), f"alerts[{i}].annotations")
        status = item.get("status", doc.get("status"))
        if status not in ("firing", "resolved"):
            raise PayloadError(f"alerts[{i}].status: expected firing or resolved, got {status!r}")
        ends = item.get("endsAt")
        ends_at = timestamp(ends, f"alerts[{i}].endsAt") if status == "resolved" and ends else None
        alerts.append(
            Alert(
                source=source,
                status=status,
                alertname=labels.get("alertname") or labels.get("__alert_rule_title__") or "alert",
                service=service_of(labels),
                cluster=_cluster_of(labels),
                severity=labels.get("severity"),
                starts_at=timestamp(item.get("startsAt"), f"alerts[{i}].startsAt"),
                ends_at=ends_at,
                labels=labels,
                summary=annotations.get("summary") or annotations.get("description") or "",
            )
        )
    return alerts


def from_cloudwatch(message: str, settings: Settings) -> Alert:
    """A CloudWatch alarm state change, the `Message` of an SNS notification."""
    try:
        alarm = _object(json.loads(message), "Message")
    except json.JSONDecodeError:
        raise PayloadError("Message: not a CloudWatch alarm (expected a JSON document)") from None
    name = alarm.get("AlarmName")
    if not isinstance(name, str) or not name:
        raise PayloadError("Message.AlarmName: missing; is this topic publishing CloudWatch alarms?")
    state = alarm.get("NewStateValue")
    if state not in ("ALARM", "OK", "INSUFFICIENT_DATA"):
        raise PayloadError(f"Message.NewStateValue: expected ALARM, OK or INSUFFICIENT_DATA, got {state!r}")
    trigger = _object(alarm.get("Trigger") or {}, "Message.Trigger")
    dimensions = _dimensions(trigger)
    resource = next((dimensions[d] for d in RESOURCE_DIMENSIONS if dimensions.get(d)), None)
    if resource and dimensions.get("TargetGroup") == resource:  # targetgroup/<name>/<id>
        resource = resource.split("/")[1] if resource.count("/") == 2 else resource
    region = _arn_region(alarm.get("AlarmArn"))
    service, cluster = _aws_service(resource, region, settings)
    changed = timestamp(alarm.get("StateChangeTime"), "Message.StateChangeTime")
    firing = state == "ALARM"
    return Alert(
        source="cloudwatch",
        status="firing" if firing else "resolved",
        alertname=name,
        service=service,
        cluster=cluster,
        severity=None,
        # An OK closes the firing that the last ALARM opened: the store finds it by identity.
        starts_at=changed,
        ends_at=None if firing else changed,
        labels={k: str(v) for k, v in dimensions.items()} | {"region": region or ""},
        summary=str(alarm.get("NewStateReason") or ""),
    )


def _dimensions(trigger: dict[str, Any]) -> dict[str, str]:
    """Dimensions of a plain alarm, or of the metrics of a metric-math alarm."""
    found: list[Any] = list(trigger.get("Dimensions") or [])
    for metric in trigger.get("Metrics") or []:
        if isinstance(metric, dict):
            stat = (metric.get("MetricStat") or {}).get("Metric") or {}
            found += stat.get("Dimensions") or []
    dims: dict[str, str] = {}
    for d in found:
        if isinstance(d, dict):
            name, value = d.get("name") or d.get("Name"), d.get("value") or d.get("Value")
            if name and value:
                dims.setdefault(str(name), str(value))
    return dims


def _arn_region(arn: Any) -> str | None:
    parts = str(arn or "").split(":")
    return parts[3] if len(parts) > 4 and parts[0] == "arn" else None


def _aws_service(resource: str | None, region: str | None, settings: Settings) -> tuple[str | None, str | None]:
    """The service a resource belongs to (a cluster's `cloudwatch.resources`), and the AWS cluster of the region."""
    aws = [c for c in settings.clusters if c.cloud == "aws" and (region is None or c.region == region)]
    for cluster in aws:
        for service, names in (cluster.cloudwatch.resources if cluster.cloudwatch else {}).items():
            if resource in names:
                return service, cluster.name
    return resource, aws[0].name if len(aws) == 1 else None
