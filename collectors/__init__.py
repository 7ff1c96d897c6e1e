"""Collectors gather evidence: a replayed bundle today, live sources as they are added."""

from __future__ import annotations

from collectors.base import Evidence, KubeObject, LogRecord, MetricSeries, Scope, SourceStatus, TraceSpan, Window
from collectors.bundle import BundleCollector

__all__ = [
    "BundleCollector",
    "Evidence",
    "KubeObject",
    "TraceSpan",
    "LogRecord",
    "MetricSeries",
    "Scope",
    "SourceStatus",
    "Window",
]
