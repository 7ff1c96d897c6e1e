"""Result types of the analyzers: findings, the Digest a model reads, and the Diagnosis."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from collectors import Evidence

FindingKind = Literal["log_template", "metric", "kubernetes", "alert", "trace"]


@dataclass(slots=True)
class Finding:
    """One fact worth a reader's attention, already redacted, with a score for ranking."""

    kind: FindingKind
    source: str
    ref: str
    resource: str
    text: str
    score: float
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Strict JSON: a rate change with no baseline (infinite) is null; `attrs.new` says it is new."""
        strict: dict[str, Any] = _finite(asdict(self))
        return strict


@dataclass(slots=True)
class Digest:
    """What a model is given: ranked findings and the exact evidence text, within a token budget."""

    title: str
    window: dict[str, str]
    onset: float
    findings: list[Finding]  # every finding, best first; the first `included` are in `text`
    included: int
    text: str
    tokens: int
    token_budget: int
    redactions: dict[str, int]
    missing_sources: list[str]
    log_lines: int

    def to_json(self) -> dict[str, Any]:
        return {
            "tokens": self.tokens,
            "token_budget": self.token_budget,
            "text": self.text,
            "findings": [f.to_json() for f in self.findings[: self.included]],
            "omitted_findings": len(self.findings) - self.included,
            "redactions": self.redactions,
            "missing_sources": self.missing_sources,
        }


@dataclass(slots=True)
class EvidenceLine:
    source: str
    ref: str
    text: str


@dataclass(slots=True)
class Hypothesis:
    category: str
    resource: str
    confidence: float


@dataclass(slots=True)
class Diagnosis:
    category: str
    resource: str
    summary: str
    confidence: float
    engine: str
    evidence: list[EvidenceLine]
    hypotheses: list[Hypothesis]
    details: dict[str, Any] = field(default_factory=dict)  # what a prescriber needs (peer, port, action, ...)
    usage: dict[str, Any] | None = None  # model, tokens, latency, fallback: set by model engines

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "resource": self.resource,
            "summary": self.summary,
            "confidence": round(self.confidence, 2),
            "engine": self.engine,
            "evidence": [asdict(e) for e in self.evidence],
            "hypotheses": [
                {"category": h.category, "resource": h.resource, "confidence": round(h.confidence, 2)}
                for h in self.hypotheses
            ],
        } | ({"usage": self.usage} if self.usage is not None else {})


class Diagnoser(Protocol):
    """Turns a digest (and, for code-only engines, the evidence) into a Diagnosis."""

    name: str

    def diagnose(self, digest: Digest, evidence: Evidence) -> Diagnosis: ...


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
