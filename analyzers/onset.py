"""When did the incident start? The change point of the error-line rate, else the alert's start
(analyzers.log_stream.LogReduction.onset counts the error lines as they are read)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

BIN_SECONDS = 30.0
MIN_ERRORS = 5


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


def change_point(errors: dict[int, int], before: int, origin: float) -> float | None:
    """The single most likely change point in the per-bin rate of error lines (a Poisson split), or None when
    the rise is too weak. `errors` counts them per 30-second bin from `origin` (the window's start); the bins
    start `before` whole bins earlier when lines precede the window."""
    n_bins = max(2, max(errors) + before + 1)
    counts = [0] * n_bins
    for k, n in errors.items():
        counts[min(n_bins - 1, k + before)] += n
    total = sum(counts)
    best_gain, best_k = 0.0, None
    seen = 0
    whole = _loglik(total, n_bins)
    for k in range(1, n_bins):
        seen += counts[k - 1]
        after = total - seen
        if after / (n_bins - k) <= seen / k:
            continue  # only a rise starts an incident
        gain = _loglik(seen, k) + _loglik(after, n_bins - k) - whole
        if gain > best_gain:
            best_gain, best_k = gain, k
    if best_k is None or best_gain < 3.0:  # too weak to be a real change
        return None
    return origin + (best_k - before) * BIN_SECONDS


def _loglik(n: int, bins: int) -> float:
    return n * math.log(n / bins) if n else 0.0
