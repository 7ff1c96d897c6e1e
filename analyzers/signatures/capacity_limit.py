"""capacity_limit: an autoscaler at its maximum, or a quota or a cluster with no room left."""

from __future__ import annotations

from typing import Any

from analyzers.signatures.base import Case, Signature, log

# Words in a FailedScheduling, Unschedulable or FailedCreate message that mean no room, not a placement rule.
# "Insufficient <resource>" covers extended resources (nvidia.com/gpu) and ephemeral-storage; "max node group
# size reached" is cluster-autoscaler's NotTriggerScaleUp when the node group is at its maximum.
CAPACITY_WORDS = ("Insufficient ", "Too many pods", "exceeded quota", "max node group size reached",
                  "max cluster cpu", "max cluster memory", "no available instance")  # fmt: skip


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
            r"unable to place a task|Insufficient (cpu|memory|[a-z0-9.-]+/[a-z0-9.-]+)|exceeded quota|"
            r"max node group size reached|"
            # Cloud Run at its maximum instances (its request log's textPayload)
            r"request was aborted because there was no available instance|"
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
