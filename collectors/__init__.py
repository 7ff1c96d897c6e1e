"""Collectors gather evidence: a replayed bundle today, live sources as they are added."""

from __future__ import annotations

from collectors.base import (
    CloudDoctorError,
    Collector,
    Evidence,
    InputError,
    KubeObject,
    LogRecord,
    MetricSeries,
    Problem,
    Scope,
    SourceStatus,
    Window,
)
from collectors.bundle import BundleCollector

REGISTRY: dict[str, type[BundleCollector]] = {"bundle": BundleCollector}

__all__ = [
    "REGISTRY",
    "BundleCollector",
    "CloudDoctorError",
    "Collector",
    "Evidence",
    "InputError",
    "KubeObject",
    "LogRecord",
    "MetricSeries",
    "Problem",
    "Scope",
    "SourceStatus",
    "Window",
]
