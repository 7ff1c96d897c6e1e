"""Analyzers reduce evidence to a Digest and diagnose it (rules engine offline, models when configured)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from analyzers.base import Diagnoser, Diagnosis, Digest, EvidenceLine, Finding, Hypothesis
from analyzers.digest import DEFAULT_TOKEN_BUDGET, build_digest, estimate_tokens
from analyzers.log_stream import LogReduction
from analyzers.redact import Redactor
from analyzers.rules import RulesDiagnoser
from analyzers.signatures import CATEGORIES

if TYPE_CHECKING:
    from analyzers.gemini import GeminiDiagnoser


def _gemini(**options: Any) -> Diagnoser:
    """Gemini's engine, imported when it is asked for: the offline path never pays for its client and prompts."""
    from analyzers.gemini import GeminiDiagnoser

    return GeminiDiagnoser(**options)


# name -> the engine's class, built with its settings (Settings.engine_options); each is a Diagnoser
REGISTRY: dict[str, Callable[..., Diagnoser]] = {
    "rules": RulesDiagnoser,
    "gemini": _gemini,
}


def __getattr__(name: str) -> Any:
    if name == "GeminiDiagnoser":
        from analyzers.gemini import GeminiDiagnoser

        return GeminiDiagnoser
    raise AttributeError(f"module 'analyzers' has no attribute {name!r}")


__all__ = [
    "CATEGORIES",
    "DEFAULT_TOKEN_BUDGET",
    "REGISTRY",
    "Diagnoser",
    "Diagnosis",
    "Digest",
    "EvidenceLine",
    "Finding",
    "GeminiDiagnoser",
    "Hypothesis",
    "LogReduction",
    "Redactor",
    "RulesDiagnoser",
    "build_digest",
    "estimate_tokens",
]
