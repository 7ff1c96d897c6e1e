"""capacity_limit: an autoscaler at its maximum, or a quota or a cluster with no room left."""

from __future__ import annotations

from typing import Any

from analyzers.signatures.base import Case, Signature, log

# Words in a FailedScheduling, Unschedulable or FailedCreate message that mean no room, not a placement rule.
CAPACITY_WORDS = ("Insufficient cpu", "Insufficient memory", "Too many pods", "exceeded quota")


def facts(case: Case) -> dict[str, Any]:
    """The autoscaler's current count and its maximum."""
    details: dict[str, Any] = {}
    for _w, f in case.support:
        if f.attrs.get("max") is not None:
            details.update(current=f.attrs.get("current"), max=f.attrs["max"])
    return details


SIGNATURE = Signature(
    category="capacity_limit",
    logs=(
        log(
            r"unable to place a task|Insufficient (cpu|memory)|exceeded quota|"
            r"at (its )?max(imum)? (capacity|replicas)|reached (the )?max(imum)? (capacity|replicas)",
            4,
        ),
    ),
    kube_reasons={"HPAAtMax": 4, "QuotaExhausted": 2},
    metric_kinds={"hpa_current": 4},
    advice=("hit a capacity ceiling (autoscaler maximum or quota)", "raise the maximum or the quota"),
    facts=facts,
    example="orders-capacity",
)
