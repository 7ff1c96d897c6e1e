"""Analyzers reduce evidence to a Digest and diagnose it (rules engine offline, models when configured)."""

from __future__ import annotations

from collections.abc import Callable

from analyzers.base import Diagnoser, Diagnosis, Digest, EvidenceLine, Finding, Hypothesis
from analyzers.digest import DEFAULT_TOKEN_BUDGET, build_digest, estimate_tokens
from analyzers.gemini import GeminiDiagnoser
from analyzers.redact import Redactor
from analyzers.rules import RulesDiagnoser
from analyzers.signatures import CATEGORIES

# name -> the engine's class, built with its settings (Settings.engine_options); each is a Diagnoser
REGISTRY: dict[str, Callable[..., Diagnoser]] = {
    "rules": RulesDiagnoser,
    "gemini": GeminiDiagnoser,
}

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
    "Redactor",
    "RulesDiagnoser",
    "build_digest",
    "estimate_tokens",
]
