"""Result types of the prescribers: a Fix (diff, whole files, checks) and the Prescriber protocol."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from analyzers import Diagnosis
from collectors import Evidence


@dataclass(slots=True)
class Check:
    name: str
    passed: bool
    detail: str = ""


@dataclass(slots=True)
class Fix:
    engine: str
    summary: str
    diff: str
    files: dict[str, str]
    checks: list[Check]
    risk: str
    usage: dict[str, Any] | None = None

    @property
    def safe(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "summary": self.summary,
            "diff": self.diff,
            "files": self.files,
            "checks": [asdict(c) for c in self.checks],
            "risk": self.risk,
        } | ({"usage": self.usage} if self.usage is not None else {})


@dataclass(slots=True)
class Prescription:
    """What a prescriber answers: a safe fix, or none and what a person should do instead."""

    fix: Fix | None
    advice: str
    refused: Fix | None = None  # a proposal that failed its checks, kept for the record, never offered


class Prescriber(Protocol):
    """Writes the fix for a diagnosis against the evidence's terraform/, or says why it offers none."""

    name: str

    def prescribe(self, diagnosis: Diagnosis, evidence: Evidence) -> Prescription: ...
