"""A failure signature: how one category shows in logs, metrics and Kubernetes, what to do, and what a fix needs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from analyzers.base import Finding
from collectors import Evidence


@dataclass(frozen=True, slots=True)
class LogSignature:
    pattern: re.Pattern[str]
    weight: float
    subject: str = "emitter"  # emitter: the resource that logs it; named: a known resource the line names
    category: str = ""  # set by the Signature that holds it
    # A server's reply a client logs ("OOM command not allowed" is Redis speaking): when the line names no
    # known resource, the known resource whose name holds one of these words is the one charged.
    server: tuple[str, ...] = ()
    unless: re.Pattern[str] | None = None  # a line that also matches this names another cause


def log(
    pattern: str, weight: float, subject: str = "emitter", server: tuple[str, ...] = (), unless: str | None = None
) -> LogSignature:
    """A log signature matched case-insensitively."""
    return LogSignature(
        re.compile(pattern, re.IGNORECASE), weight, "named" if server else subject, server=server,
        unless=re.compile(unless, re.IGNORECASE) if unless else None,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Case:
    """What a facts extractor reads: the verdict's resource, the findings behind it and their texts, all findings."""

    resource: str
    support: list[tuple[float, Finding]]
    texts: list[str]  # examples, event messages and texts of the supporting findings
    findings: list[Finding]
    evidence: Evidence


Facts = Callable[[Case], dict[str, Any]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature:
    """One failure category: its signals with their weights, its advice, the facts its fix needs, its example."""

    category: str
    logs: tuple[LogSignature, ...] = ()
    kube_reasons: dict[str, float] = field(default_factory=dict)  # Kubernetes reason -> weight
    metric_kinds: dict[str, float] = field(default_factory=dict)  # metric kind -> weight, when saturated or off
    advice: tuple[str, str]  # (what happened, what to do), for the summary a person reads
    facts: Facts | None = None  # what a fix needs, from the findings behind the verdict
    example: str  # the bundle under examples/incidents/ that shows this category

    def __post_init__(self) -> None:
        object.__setattr__(self, "logs", tuple(replace(s, category=self.category) for s in self.logs))
