"""The pipeline that wires the stages: collect → digest → diagnose → prescribe."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from analyzers import DEFAULT_TOKEN_BUDGET, Diagnosis, Digest, LogReduction, Redactor, build_digest
from analyzers import REGISTRY as DIAGNOSERS
from collectors import BundleCollector, Evidence
from kernel import CloudDoctorError
from prescribers import REGISTRY as PRESCRIBERS
from prescribers import Prescription

E = TypeVar("E")
Progress = Callable[[str, str], None]  # (stage, detail): digesting | diagnosing | writing fix


@dataclass(slots=True)
class Report:
    evidence: Evidence
    digest: Digest
    diagnosis: Diagnosis
    prescription: Prescription
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Exactly the diagnosis contract of incident-bundle.md."""
        scope = self.evidence.scope
        diagnosis = self.diagnosis.to_json()
        if self.prescription.fix is None:
            diagnosis["summary"] = f"{diagnosis['summary']} {self.prescription.advice}".strip()
        return {
            "incident": {
                "title": scope.title,
                "window": {"start": scope.window.start.isoformat(), "end": scope.window.end.isoformat()},
            },
            "diagnosis": diagnosis,
            "fix": self.prescription.fix.to_json() if self.prescription.fix else None,
        }


def _quiet(_stage: str, _detail: str) -> None:
    return None


def engine(registry: dict[str, Callable[..., E]], name: str, kind: str, options: dict[str, dict[str, Any]] | None) -> E:
    """The engine registered under `name`, built with its settings; an unknown name says which exist."""
    if name not in registry:
        raise CloudDoctorError(f"unknown {kind} {name!r}; choose one of {sorted(registry)}")
    return registry[name](**(options or {}).get(name, {}))


def collect_bundle(path: str | Path, alert: dict[str, Any] | None = None) -> Evidence:
    """A bundle's evidence, its log lines reduced as they are read; `alert` replaces the bundle's own."""
    return BundleCollector(path, logs=LogReduction).collect(alert=alert)


def digest_bundle(path: str | Path, token_budget: int = DEFAULT_TOKEN_BUDGET) -> Digest:
    return build_digest(collect_bundle(path), token_budget)[0]


def diagnose(
    evidence: Evidence,
    token_budget: int = DEFAULT_TOKEN_BUDGET,
    diagnoser: str = "rules",
    prescriber: str = "templates",
    progress: Progress = _quiet,
    redactor: Redactor | None = None,
    options: dict[str, dict[str, Any]] | None = None,
) -> Report:
    """Run the stages; `options` holds each engine's constructor arguments by name (Settings.engine_options)."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    progress("digesting", f"digesting {len(evidence.logs)} log lines, {len(evidence.metrics)} series")
    digest, _templates = build_digest(evidence, token_budget, redactor)
    timings["digest"] = time.perf_counter() - start
    progress("diagnosing", f"diagnosing with {diagnoser}")
    mark = time.perf_counter()
    diagnosis = engine(DIAGNOSERS, diagnoser, "diagnoser", options).diagnose(digest, evidence)
    timings["diagnose"] = time.perf_counter() - mark
    progress("writing fix", f"writing the fix with {prescriber}")
    mark = time.perf_counter()
    prescription = engine(PRESCRIBERS, prescriber, "prescriber", options).prescribe(diagnosis, evidence)
    timings["prescribe"] = time.perf_counter() - mark
    return Report(evidence, digest, diagnosis, prescription, timings)
