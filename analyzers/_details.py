"""Facts a fix needs, pulled from the findings behind a verdict: each signature's own facts, and the metrics."""

from __future__ import annotations

from typing import Any

from analyzers.base import Finding
from analyzers.signatures import REGISTRY, Case
from collectors import Evidence

ROLLOUT_BEFORE = 1200.0  # a ReplicaSet created up to 20 minutes before the onset can be its cause
ROLLOUT_AFTER = 300.0


def recent_rollouts(findings: list[Finding], onset: float) -> dict[str, tuple[Finding, Finding]]:
    """owner -> (new ReplicaSet, previous ReplicaSet) for rollouts that started near the onset."""
    by_owner: dict[str, list[Finding]] = {}
    for f in findings:
        if f.kind == "kubernetes" and f.attrs.get("reason") == "ReplicaSet" and f.attrs.get("created"):
            by_owner.setdefault(f.resource, []).append(f)
    out = {}
    for owner, sets in by_owner.items():
        sets.sort(key=lambda f: float(f.attrs["created"]))
        newest = sets[-1]
        if len(sets) >= 2 and onset - ROLLOUT_BEFORE <= float(newest.attrs["created"]) <= onset + ROLLOUT_AFTER:
            out[owner] = (newest, sets[-2])
    return out


def pods_from(f: Finding, pod_hash: str) -> float:
    """Share of a template's lines written by pods of the ReplicaSet with this pod-template-hash."""
    pods: dict[str, int] = f.attrs.get("pods") or {}
    total = sum(pods.values())
    if not total or not pod_hash:
        return 0.0
    return sum(n for pod, n in pods.items() if f"-{pod_hash}-" in pod) / total


def _texts(support: list[tuple[float, Finding]]) -> list[str]:
    out: list[str] = []
    for _w, f in support:
        out += f.attrs.get("examples") or []
        out.append(str(f.attrs.get("message", "")))
        out.append(f.text)
    return out


def extract(
    category: str, resource: str, support: list[tuple[float, Finding]], findings: list[Finding], evidence: Evidence
) -> dict[str, Any]:
    """The category's own facts (its signature's `facts`), then the metrics behind the verdict."""
    details: dict[str, Any] = {}
    signature = REGISTRY.get(category)
    if signature is not None and signature.facts is not None:
        details.update(signature.facts(Case(resource, support, _texts(support), findings, evidence)))
    for _w, f in support:
        if f.kind == "metric":
            details.setdefault("metrics", []).append(
                {k: f.attrs.get(k) for k in ("kind", "metric", "baseline", "peak", "limit", "saturation")}
            )
    return details
