"""Domain types shared by every collector: what to look at (Scope) and what was found (Evidence)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from kernel import Problem

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
    source: str  # loki | cloudwatch | cloud_logging | tempo (a trace's failing span, read as a line)
    ref: str  # the query or log group it came from
    resource: str
    level: Level
    message: str
    labels: dict[str, str]


LogLine = tuple[float, Level, str, str]  # (unix seconds, level, message, resource) of one line of a batch


class LogSink(Protocol):
    """Where readers put log lines, a batch at a time: lines of one source and query that share their labels (a
    Loki stream, a CloudWatch log stream). A list of records here (LogRecords); the pipeline hands in a sink that
    reduces them as they come (analyzers.LogReduction), so no line is kept."""

    def add(self, source: str, ref: str, labels: dict[str, str], lines: Sequence[LogLine]) -> None: ...

    def done(self) -> None: ...  # every source read

    def extend(self, later: Any) -> None: ...  # a sink of the same kind, its lines read after these

    def __len__(self) -> int: ...


class LogRecords(list[LogRecord]):
    """Every line kept, as records sorted by time once read: for tests, `validate` and small replays."""

    def add(self, source: str, ref: str, labels: dict[str, str], lines: Sequence[LogLine]) -> None:
        self.extend(LogRecord(ts, source, ref, resource, level, text, labels) for ts, level, text, resource in lines)

    def done(self) -> None:
        self.sort(key=lambda r: r.ts)


LogSinks = Callable[["Scope", dict[str, Any]], LogSink]  # (scope, alert) -> a sink for one collection


def keep_records(_scope: Scope, _alert: dict[str, Any]) -> LogSink:
    """LogSinks that keeps every line (the collectors' default)."""
    return LogRecords()


@dataclass(slots=True)
class MetricSeries:
    """One time series: its query, labels and points (unix seconds, value)."""

    source: str  # prometheus | cloudwatch | cloud_monitoring
    ref: str  # the query or metric id
    metric: str  # the metric name as best known (e.g. container_memory_working_set_bytes, MemoryUtilization)
    resource: str
    labels: dict[str, str]
    points: list[tuple[float, float]]


@dataclass(slots=True)
class TraceSpan:
    """One span of a trace, as Tempo returns it (OTLP JSON), reduced to what edges and failures need."""

    trace_id: str
    span_id: str
    parent_id: str  # "" for a root span
    service: str  # resource service.name
    name: str
    kind: str  # server | client | producer | consumer | internal | unspecified
    start: float  # unix seconds
    duration_ms: float
    error: bool
    message: str = ""  # status.message and the exception events' type and message
    attributes: dict[str, str] = field(default_factory=dict)


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
    logs: LogSink = field(default_factory=LogRecords)
    metrics: list[MetricSeries] = field(default_factory=list)
    kubernetes: list[KubeObject] = field(default_factory=list)
    spans: list[TraceSpan] = field(default_factory=list)
    alert: dict[str, Any] = field(default_factory=dict)
    sources: list[SourceStatus] = field(default_factory=list)
    terraform_dir: str | None = None
    documents: list[Document] = field(default_factory=list)  # what live sources returned, for `record`

    @property
    def missing_sources(self) -> list[SourceStatus]:
        return [s for s in self.sources if s.status == "error"]


class Source(Protocol):
    """One live system to ask (a cluster's Prometheus, Loki, Kubernetes API, a CloudWatch region)."""

    name: str  # e.g. prometheus:eks-prod
    url: str

    def fetch(self, scope: Scope) -> list[Document]: ...


@dataclass(frozen=True, slots=True)
class ClusterContext:
    """What a source's settings are read against: the cluster around them and the service asked about."""

    name: str
    cloud: str
    region: str | None
    project: str | None
    service: str
    namespace: str  # the cluster's namespace for the service: the first source setting that names one
    secret: Callable[[str | None], str | None]  # an environment variable's value, by the name the settings give


Reader = Callable[[str, dict[str, Any], Evidence, list[Problem]], None]  # (file, document, into, problems)
# (file, its text, into, problems) -> False when the text is not laid out as the reader streams it (then the
# document is decoded whole and given to the folder's Reader); a large file is read a stream at a time
TextReader = Callable[[str, str, Evidence, list[Problem]], bool]


@dataclass(frozen=True, slots=True)
class SourceKind:
    """A telemetry system, all in one module: its settings (a dataclass the bot's settings validate), how to
    build its live source from them, and the readers of its bundle folders."""

    name: str  # the key under a cluster in the settings, e.g. "loki"
    config: type[Any]
    live: Callable[[Any, ClusterContext], Source]
    readers: dict[str, Reader]  # bundle folder -> reader, e.g. {"loki": read_streams}
    text_readers: dict[str, TextReader] = field(default_factory=dict)  # bundle folder -> its file's text reader
