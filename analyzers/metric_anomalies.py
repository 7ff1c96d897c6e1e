"""Metric anomaly scoring: robust baseline (median/MAD before the onset) and saturation against limits."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict

from analyzers.base import Finding
from collectors import MetricSeries

# (kind, pattern over the query or CloudWatch metric name). Most specific first.
KINDS: tuple[tuple[str, str], ...] = (
    # Cloud Monitoring: GKE's limit utilisations, Cloud Run's utilisation distributions (as a percentile)
    ("memory_ratio", r"memory_working_set_bytes.*/.*limits|container/memory/(limit_utilization|utilizations)"),
    ("cpu_ratio", r"cpu_usage_seconds_total.*/.*limits|container/cpu/(limit_utilization|utilizations)"),
    ("memory_limit", r"resource_limits.*memory|memory.*resource_limits|redis_memory_max_bytes|memory/limit_bytes"),
    ("cpu_limit", r"resource_limits.*cpu|cpu.*resource_limits|cpu/limit_cores"),
    # redis_exporter: used memory against `maxmemory` (redis_memory_max_bytes, 0 when unset)
    (
        "memory_bytes",
        r"memory_working_set_bytes|container_memory_usage_bytes|redis_memory_used_bytes|"
        r"kubernetes\.io/container/memory/used_bytes",
    ),
    ("cpu_throttling", r"cpu_cfs_throttled"),
    ("cpu_cores", r"cpu_usage_seconds_total"),
    ("memory_percent", r"^MemoryUtilization$"),
    ("cpu_percent", r"^CPUUtilization$"),
    ("connections", r"^DatabaseConnections$|pg_stat_activity_count|mysql_global_status_threads_connected"),
    ("max_connections", r"pg_settings_max_connections|mysql_global_variables_max_connections"),
    # RDS, kubelet volume stats, node_exporter, elasticsearch_exporter's data path
    (
        "free_storage",
        r"^FreeStorageSpace$|volume_stats_available_bytes|filesystem_avail_bytes|"
        r"filesystem_data_available_bytes|filesystem_data_free_bytes",
    ),
    ("queue_age", r"^ApproximateAgeOfOldestMessage$|consumergroup_lag_seconds"),
    # SQS; kafka_exporter's consumer-group lag; RabbitMQ's built-in Prometheus plugin; celery-exporter
    (
        "queue_depth",
        r"^ApproximateNumberOfMessagesVisible$|consumergroup_lag|rabbitmq_queue_messages_ready|"
        r"rabbitmq_detailed_queue_messages_ready|celery_queue_length",
    ),
    ("throttles", r"Throttle|ThrottledRequests"),
    ("duration", r"^Duration$"),
    ("unhealthy_hosts", r"^UnHealthyHostCount$"),
    ("hpa_max", r"horizontalpodautoscaler_spec_max_replicas|hpa_spec_max_replicas"),
    ("hpa_current", r"horizontalpodautoscaler_status_current_replicas|hpa_status_current_replicas"),
    ("errors_5xx", r"5\.\.|5xx|HTTPCode_.*5XX|HTTPCode_\w+_5\d\d_Count|^Errors$"),
    ("latency", r"histogram_quantile|latency|latencies|duration_seconds|TargetResponseTime"),
    ("restarts", r"restarts_total|container/restart_count"),
)
_COMPILED = [(kind, re.compile(p)) for kind, p in KINDS]
LIMIT_OF = {
    "memory_bytes": "memory_limit",
    "cpu_cores": "cpu_limit",
    "connections": "max_connections",
    "hpa_current": "hpa_max",
}
BYTE_KINDS = {"memory_bytes", "memory_limit", "free_storage"}
# The least change that counts for a count: three messages in an idle queue are not a backlog.
COUNT_FLOOR = {"queue_depth": 10.0, "connections": 2.0, "restarts": 1.0, "throttles": 1.0, "errors_5xx": 1.0}
THROTTLING_SATURATED = 0.25  # a quarter of CPU periods throttled counts as saturated


def kind_of(series: MetricSeries) -> str:
    for text in (series.metric, series.ref):
        for kind, pattern in _COMPILED:
            if pattern.search(text):
                return kind
    return "other"


def score_metrics(series: list[MetricSeries], onset: float) -> list[Finding]:
    """One finding per series that moved: robust z-score, saturation and plateau at a ceiling."""
    kinds = [kind_of(s) for s in series]
    limits: dict[tuple[str, str], float] = {}
    for s, kind in zip(series, kinds, strict=True):
        if kind in LIMIT_OF.values() and s.points:
            limits[(kind, s.resource)] = max(v for _, v in s.points)
    findings = []
    for s, kind in zip(series, kinds, strict=True):
        if kind in LIMIT_OF.values():
            continue
        finding = _score(s, kind, onset, limits.get((LIMIT_OF.get(kind, ""), s.resource)))
        if finding is not None:
            findings.append(finding)
    return _dedupe(findings)


def _score(s: MetricSeries, kind: str, onset: float, limit: float | None) -> Finding | None:
    before = [v for t, v in s.points if t < onset]
    after = [v for t, v in s.points if t >= onset]
    if not after:
        return None
    base = statistics.median(before) if before else after[0]
    mad = statistics.median([abs(v - base) for v in before]) if before else 0.0
    spread = max(1.4826 * mad, abs(base) * 0.05, COUNT_FLOOR.get(kind, 1e-9))
    peak = max(after) if kind != "free_storage" else min(after)
    z = (peak - base) / spread
    saturation = _saturation(kind, peak, base, limit)
    pinned = (
        _pinned(after) and peak > base * 1.2 and peak - base >= COUNT_FLOOR.get(kind, 0.0)
        and kind not in ("free_storage", "hpa_current")
    )  # fmt: skip
    if kind != "free_storage" and before and peak <= max(before) * 1.02 and after[-1] < 0.7 * max(before):
        saturation, pinned = None, False  # it fell from where it was (memory after a kill): not pressing a limit
    score = min(abs(z), 30.0) / 5
    if saturation is not None and saturation >= 0.9:
        score += 4
    if pinned:
        score += 1.5
    if score < 1.2:
        return None
    size = kind in BYTE_KINDS
    text = f"{s.resource}: {s.metric} {_fmt(base, size)} before onset -> {_fmt(peak, size)} after (robust z={z:+.1f})"
    if saturation is not None:
        text += f", {saturation:.0%} of its limit" + (f" {_fmt(limit, size)}" if limit else "")
    if pinned:
        text += ", flat at its ceiling" if saturation is not None or kind not in COUNT_FLOOR else ", flat at its peak"
    attrs = {
        "kind": kind,
        "metric": s.metric,
        "baseline": base,
        "peak": peak,
        "z": round(z, 2),
        "saturation": saturation,
        "pinned": pinned,
        "limit": limit,
        "labels": s.labels,
    }
    return Finding("metric", s.source, s.ref, s.resource, text, round(score, 3), attrs)


def _saturation(kind: str, peak: float, base: float, limit: float | None) -> float | None:
    if kind in ("memory_ratio", "cpu_ratio"):
        return peak
    if kind in ("memory_percent", "cpu_percent"):
        return peak / 100
    if kind == "cpu_throttling":
        return min(1.0, peak / THROTTLING_SATURATED) if peak > 0 else 0.0
    if kind == "free_storage":
        return 1 - peak / base if base > 0 else None
    if limit:
        return peak / limit
    return None


def _pinned(after: list[float]) -> bool:
    """Most of the incident spent within 2% of the peak: pressed against a limit."""
    top = max(after)
    if top <= 0 or len(after) < 4:
        return False
    return sum(1 for v in after if v >= top * 0.98) / len(after) >= 0.4


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Keep the strongest series per (resource, kind): pods of one deployment say the same thing."""
    best: dict[tuple[str, str], Finding] = {}
    members: defaultdict[tuple[str, str], int] = defaultdict(int)
    for f in findings:
        key = (f.resource, str(f.attrs["kind"]))
        members[key] += 1
        if key not in best or f.score > best[key].score:
            best[key] = f
    for key, f in best.items():
        f.attrs["series"] = members[key]
    return list(best.values())


def _fmt(value: float | None, size: bool) -> str:
    if value is None:
        return "?"
    if size:
        for unit, scale in (("Gi", 2**30), ("Mi", 2**20)):
            if abs(value) >= scale:
                return f"{value / scale:.1f}{unit}"
    return f"{value:.4g}"
