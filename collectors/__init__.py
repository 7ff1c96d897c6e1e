"""Collectors gather evidence: a replayed bundle today, live sources as they are added."""

from __future__ import annotations

from collectors.base import (
    Evidence,
    KubeObject,
    LogLine,
    LogRecord,
    LogRecords,
    LogSink,
    LogSinks,
    MetricSeries,
    Scope,
    SourceStatus,
    TraceSpan,
    Window,
)
from collectors.bundle import BundleCollector

__all__ = [
    "BundleCollector",
    "Evidence",
    "KubeObject",
    "TraceSpan",
    "LogLine",
    "LogRecord",
    "LogRecords",
    "LogSink",
    "LogSinks",
    "MetricSeries",
    "Scope",
    "SourceStatus",
    "Window",
]
