"""scheduling_failure: pods a placement rule keeps off every node (affinity, taints, volumes)."""

from __future__ import annotations

import re
from typing import Any

from analyzers.signatures.base import Case, Signature, log

_TAINT = re.compile(r"untolerated taint\(?s?\)?\s*\{([^:}]+):\s*([^}]*)\}")


def facts(case: Case) -> dict[str, Any]:
    """The taint no pod tolerates."""
    details: dict[str, Any] = {}
    if m := next((_TAINT.search(t) for t in case.texts if _TAINT.search(t)), None):
        key, _, value = m.group(1).strip().partition("=")
        details["taint"] = {"key": key, "value": m.group(2).strip() or value, "effect": "NoSchedule"}
    return details


SIGNATURE = Signature(
    category="scheduling_failure",
    logs=(
        log(
            r"didn't match Pod's node affinity|untolerated taint|"
            r"unbound immediate PersistentVolumeClaims|volume node affinity conflict",
            3,
        ),
    ),
    advice=("has pods that cannot be scheduled", "correct or relax the placement rule"),
    facts=facts,
    example="pdf-scheduling",
)
