"""When did the incident start? The change point of the error-line rate, else the alert's start."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from collectors import Evidence

BIN_SECONDS = 30.0
MIN_ERRORS = 5


def incident_onset(evidence: Evidence) -> float:
    """The single most likely change point in the per-bin rate of error lines (a Poisson split).

    Falls back to the alert's start, then to the window's start, when the logs show no clear rise.
    """
    errors = [r.ts for r in evidence.logs if r.level == "error" and r.ts <= evidence.scope.window.end_ts]
    lo = min(evidence.scope.window.start_ts, evidence.logs[0].ts) if evidence.logs else 0.0
    split = _change_point(errors, lo) if len(errors) >= MIN_ERRORS else None
    if split is not None:
        return split
    alert_start = alert_started_at(evidence.alert)
    if alert_start is not None:
        return alert_start
    return evidence.scope.window.start_ts


def alert_started_at(alert: dict[str, Any]) -> float | None:
    """startsAt (Alertmanager, Grafana) or StateChangeTime (CloudWatch via SNS), if the alert has one."""
    candidates: list[Any] = [a.get("startsAt") for a in alert.get("alerts", []) if isinstance(a, dict)]
    candidates.append(alert.get("StateChangeTime"))
    message = alert.get("Message")
    if isinstance(message, dict):
        candidates.append(message.get("StateChangeTime"))
    times = []
    for value in candidates:
        if isinstance(value, str):
            try:
                times.append(datetime.fromisoformat(value.replace("+0000", "+00:00")).timestamp())
            except ValueError:
                continue
    return min(times) if times else None


def _change_point(stamps: list[float], first: float) -> float | None:
    last = max(stamps)
    n_bins = max(2, int((last - first) // BIN_SECONDS) + 1)
    counts = [0] * n_bins
    for ts in stamps:
        counts[min(n_bins - 1, int((ts - first) // BIN_SECONDS))] += 1
    total = len(stamps)
    best_gain, best_k = 0.0, None
    before = 0
    whole = _loglik(total, n_bins)
    for k in range(1, n_bins):
        before += counts[k - 1]
        after = total - before
        if after / (n_bins - k) <= before / k:
            continue  # only a rise starts an incident
        gain = _loglik(before, k) + _loglik(after, n_bins - k) - whole
        if gain > best_gain:
            best_gain, best_k = gain, k
    if best_k is None or best_gain < 3.0:  # too weak to be a real change
        return None
    return first + best_k * BIN_SECONDS


def _loglik(n: int, bins: int) -> float:
    return n * math.log(n / bins) if n else 0.0
