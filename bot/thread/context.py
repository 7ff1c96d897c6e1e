"""What a finished job keeps for its thread: the digest, ranked findings with their times, what changed, the
sources' status, the deciding metric's series for the chart, and the runbook. Follow-up questions, the chart
and the postmortem are answered from this, never by collecting again.

All of it is JSON (the job's result column), and all of the telemetry in it is the digest's: already redacted.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from analyzers.onset import alert_started_at
from collectors.naming import workload_of

if TYPE_CHECKING:
    from analyzers import Finding
    from bot.pipeline import Report

MAX_FINDINGS = 40
MAX_CHART_SERIES = 5
MAX_POINTS = 600  # per series: a 30-minute window at 3 s steps
CHANGE_LOOKBACK = 3600.0  # a rollout up to an hour before the window may be what changed
UNITS = {"memory_bytes": "bytes", "free_storage": "bytes", "memory_ratio": "ratio", "cpu_ratio": "ratio"}
# Series that are a share of their limit by definition: the limit line is where they saturate.
IMPLIED_LIMITS = {"memory_ratio": 1.0, "cpu_ratio": 1.0, "memory_percent": 100.0, "cpu_percent": 100.0}


def job_context(report: Report, bundle: str | None = None, runbook: str | None = None) -> dict[str, Any]:
    evidence, digest = report.evidence, report.digest
    window = evidence.scope.window
    findings = [_finding(f) for f in digest.findings[:MAX_FINDINGS]]
    changes = [
        {"at": f["at"], "resource": f["resource"], "text": f["text"]}
        for f in (_finding(f) for f in digest.findings if f.attrs.get("reason") == "ReplicaSet")
        if f["at"] is not None and window.start_ts - CHANGE_LOOKBACK <= f["at"] <= window.end_ts
    ]
    return {
        "service": evidence.scope.service,
        "window": {"start": window.start_ts, "end": window.end_ts},
        "onset": digest.onset,
        "alert_start": alert_started_at(evidence.alert),
        "digest": digest.text,
        "findings": findings,
        "changes": sorted(changes, key=lambda c: c["at"]),
        "sources": [
            {"source": s.source, "ref": s.ref, "status": s.status, "error": s.error} for s in evidence.sources[:50]
        ],
        "chart": deciding_chart(report),
        "runbook": runbook_of(evidence.alert) or runbook,
        "bundle": bundle,
    }


def _finding(f: Finding) -> dict[str, Any]:
    at = f.attrs.get("first_seen") or f.attrs.get("created") or f.attrs.get("at")
    return {
        "kind": f.kind,
        "source": f.source,
        "ref": f.ref,
        "resource": f.resource,
        "text": f.text,
        "score": f.score,
        "at": at if isinstance(at, int | float) and math.isfinite(at) else None,
        "new": bool(f.attrs.get("new")),
    }


def deciding_chart(report: Report) -> dict[str, Any] | None:
    """The series behind the metric finding that decided the diagnosis: the strongest metric finding on the
    diagnosed resource (or quoted in its evidence), with its baseline, peak and limit; None when the diagnosis
    rests on no metric."""
    diagnosis, digest = report.diagnosis, report.digest
    quoted = {e.text for e in diagnosis.evidence}
    metrics = [f for f in digest.findings if f.kind == "metric"]
    deciding = next((f for f in metrics if any(f.text in q or q in f.text for q in quoted)), None)
    if deciding is None:
        deciding = next((f for f in metrics if f.resource == diagnosis.resource), None)
    if deciding is None or diagnosis.category == "unknown":
        return None
    series = [s for s in report.evidence.metrics if s.ref == deciding.ref and s.resource == deciding.resource]
    lines = []
    for s in series[:MAX_CHART_SERIES]:
        step = max(1, len(s.points) // MAX_POINTS)
        points = [[t, v] for t, v in s.points[::step] if math.isfinite(v)]
        if points:
            label = s.labels.get("pod") or s.labels.get("container") or workload_of(s.labels) or s.resource
            lines.append({"label": label, "points": points})
    if not lines:
        return None
    attrs = deciding.attrs
    return {
        "title": f"{deciding.resource}: {attrs.get('metric', deciding.ref)}",
        "metric": str(attrs.get("metric", "")),
        "resource": deciding.resource,
        "unit": UNITS.get(str(attrs.get("kind")), ""),
        "series": lines,
        "onset": digest.onset,
        "baseline": _number(attrs.get("baseline")),
        "peak": _number(attrs.get("peak")),
        "limit": _number(attrs.get("limit")) or IMPLIED_LIMITS.get(str(attrs.get("kind"))),
        "finding": deciding.text,
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def runbook_of(alert: dict[str, Any]) -> str | None:
    """The first alert's `runbook_url` annotation (Prometheus and Grafana alerting rules carry it)."""
    for a in alert.get("alerts") or []:
        if isinstance(a, dict) and isinstance(a.get("annotations"), dict):
            url = a["annotations"].get("runbook_url")
            if isinstance(url, str) and safe_url(url):
                return url
    return None


def safe_url(url: str) -> bool:
    """A link a person may be shown: https (or http), no spaces and nothing Slack would read as markup."""
    return url.startswith(("https://", "http://")) and len(url) <= 500 and not any(c in url for c in " <>|\n\t`")
