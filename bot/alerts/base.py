"""What every alert source shares: the `Alert` with its scope, routing, refusals and the payload helpers."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.settings import Settings
from collectors.naming import workload_of

CLUSTER_LABELS = ("cluster", "cluster_name", "k8s_cluster", "kubernetes_cluster")
_FRACTION = re.compile(r"(\.\d{6})\d+")


NAME_LIMIT = 200  # the store's columns for an alert's name, service and cluster
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and unpaired surrogates (valid JSON escapes)


def clean(text: str, limit: int) -> str:
    """Text as the store can hold it: NUL and lone surrogates become U+FFFD, and it is cut at `limit`."""
    return _UNSTORABLE.sub("\ufffd", str(text))[:limit]


class Refused(Exception):
    """A webhook request refused before anything is stored: the status and the reason the sender is told."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


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

    def __post_init__(self) -> None:
        """Whatever a sender put in it fits the store: no NUL, no lone surrogate, names within their columns
        (PostgreSQL refuses the first two and over-long names, and would refuse the whole batch)."""
        self.alertname = clean(self.alertname, NAME_LIMIT) or "alert"
        self.service = clean(self.service, NAME_LIMIT) if self.service else None
        self.cluster = clean(self.cluster, NAME_LIMIT) if self.cluster else None
        self.severity = clean(self.severity, 64) if self.severity else None
        self.summary = clean(self.summary, 2000)
        self.labels = {clean(k, NAME_LIMIT): clean(v, 2000) for k, v in self.labels.items()}

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
    return workload_of(labels)


def cluster_of(labels: dict[str, str]) -> str | None:
    return next((labels[k] for k in CLUSTER_LABELS if labels.get(k)), None)


def object_of(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def strings_of(value: Any, where: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in object_of(value or {}, where).items()}
