"""Domain types shared by every collector: what to look at (Scope) and what was found (Evidence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

Level = Literal["error", "warn", "info", "debug"]
SourceStatusKind = Literal["ok", "error", "no_data"]


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime

    @property
    def start_ts(self) -> float:
        return self.start.timestamp()

    @property
    def end_ts(self) -> float:
        return self.end.timestamp()


@dataclass(frozen=True, slots=True)
class Scope:
    """What, when and where to look."""

    title: str
    window: Window
    service: str | None = None
    environment: str | None = None
    clusters: tuple[str, ...] = ()
    source: str = "cli"


@dataclass(slots=True)
class LogRecord:
    """One log line, normalised: plain text and structured (JSON) lines alike."""

    ts: float
    source: str  # loki | cloudwatch
    ref: str  # the query or log group it came from
    resource: str
    level: Level
    message: str
    labels: dict[str, str]


@dataclass(slots=True)
class MetricSeries:
    """One time series: its query, labels and points (unix seconds, value)."""

    source: str  # prometheus | cloudwatch
    ref: str  # the query or metric id
    metric: str  # the metric name as best known (e.g. container_memory_working_set_bytes, MemoryUtilization)
    resource: str
    labels: dict[str, str]
    points: list[tuple[float, float]]


@dataclass(slots=True)
class KubeObject:
    kind: str
    name: str
    namespace: str
    cluster: str
    body: dict[str, Any]


@dataclass(slots=True)
class SourceStatus:
    """Whether a source answered; failures of the world are data, not exceptions."""

    source: str
    status: SourceStatusKind
    ref: str = ""
    error: str = ""
    source_url: str = ""


@dataclass(slots=True)
class Document:
    """One source answer in bundle form: `folder/name.json` holding a wrapper around the exact response body."""

    folder: str  # prometheus | loki | cloudwatch/logs | cloudwatch/metrics | kubernetes
    name: str
    body: dict[str, Any]


@dataclass(slots=True)
class Evidence:
    """Everything collected about one incident."""

    scope: Scope
    logs: list[LogRecord] = field(default_factory=list)
    metrics: list[MetricSeries] = field(default_factory=list)
    kubernetes: list[KubeObject] = field(default_factory=list)
    alert: dict[str, Any] = field(default_factory=dict)
    sources: list[SourceStatus] = field(default_factory=list)
    terraform_dir: str | None = None
    documents: list[Document] = field(default_factory=list)  # what live sources returned, for `record`

    @property
    def missing_sources(self) -> list[SourceStatus]:
        return [s for s in self.sources if s.status == "error"]


class Collector(Protocol):
    """A source of evidence: a bundle on disk, or a live system."""

    name: str

    def collect(self, scope: Scope | None = None) -> Evidence: ...
