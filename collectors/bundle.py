"""Replay an incident bundle from disk: every source in its native response format (see incident-bundle.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collectors.base import Evidence, KubeObject, LogRecord, MetricSeries, Scope, SourceStatus, SourceStatusKind, Window
from collectors.naming import (
    RESOURCE_DIMENSIONS,
    parse_line,
    resource_from_labels,
    resource_from_log_group,
)
from kernel import InputError, Problem

INCIDENT_SOURCES = {"slack", "alertmanager", "grafana", "cloudwatch", "cli"}
KUBE_KINDS = {
    "Event",
    "Pod",
    "Deployment",
    "ReplicaSet",
    "Service",
    "Endpoints",
    "Node",
    "HorizontalPodAutoscaler",
    "ResourceQuota",
}


def parse_time(value: Any, file: str, fld: str, problems: list[Problem]) -> datetime | None:
    if not isinstance(value, str):
        problems.append(Problem(file, fld, f"expected an ISO 8601 time string, got {type(value).__name__}"))
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        problems.append(Problem(file, fld, f"{value!r} is not an ISO 8601 time (e.g. 2026-11-20T10:00:00Z)"))
        return None
    if parsed.tzinfo is None:
        problems.append(Problem(file, fld, f"{value!r} has no time zone; add Z or an offset"))
        return None
    return parsed


class BundleCollector:
    """Reads a bundle directory into Evidence; refuses a malformed bundle with every problem listed."""

    name = "bundle"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def collect(self, scope: Scope | None = None) -> Evidence:
        problems: list[Problem] = []
        evidence = self._read(problems)
        if problems or evidence is None:
            raise InputError(problems, what=f"bundle {self.path}")
        return evidence

    def problems(self) -> list[Problem]:
        """Every problem in the bundle, without raising (for `cloud-doctor validate`)."""
        problems: list[Problem] = []
        self._read(problems)
        return problems

    def _read(self, problems: list[Problem]) -> Evidence | None:
        if not self.path.exists():
            problems.append(Problem(str(self.path), "", "does not exist; pass the bundle's folder"))
            return None
        if not self.path.is_dir():
            problems.append(Problem(str(self.path), "", "is a file, not a directory; pass the bundle's folder"))
            return None
        scope, alert = self._incident(problems)
        # Without a valid incident.json the sources are still read, so every problem is listed at once.
        placeholder = Scope("", Window(datetime.fromtimestamp(0, UTC), datetime.fromtimestamp(1, UTC)))
        evidence = Evidence(scope=scope or placeholder, alert=alert)
        for folder in READERS:
            for file in sorted((self.path / folder).glob("*.json")):
                rel = str(file.relative_to(self.path))
                doc = _load_json(file, rel, problems)
                if doc is not None:
                    problems += add_document(evidence, folder, rel, doc)
        evidence.sources += _collection_statuses(self.path / COLLECTION, problems)
        tf = self.path / "terraform"
        if tf.is_dir():
            evidence.terraform_dir = str(tf)
        evidence.logs.sort(key=lambda r: r.ts)
        return evidence if scope is not None else None

    def _incident(self, problems: list[Problem]) -> tuple[Scope | None, dict[str, Any]]:
        file = self.path / "incident.json"
        if not file.is_file():
            problems.append(Problem("incident.json", "", "is missing; every bundle needs one (title, window)"))
            return None, {}
        doc = _load_json(file, "incident.json", problems)
        if doc is None:
            return None, {}
        before = len(problems)
        title = doc.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(Problem("incident.json", "title", "required: a non-empty string"))
        window = doc.get("window")
        start = end = None
        if not isinstance(window, dict):
            problems.append(Problem("incident.json", "window", "required: an object with start and end"))
        else:
            start = parse_time(window.get("start"), "incident.json", "window.start", problems)
            end = parse_time(window.get("end"), "incident.json", "window.end", problems)
            if start and end and end <= start:
                problems.append(Problem("incident.json", "window", "end must be after start"))
        source = doc.get("source", "cli")
        if source not in INCIDENT_SOURCES:
            problems.append(Problem("incident.json", "source", f"{source!r} is not one of {sorted(INCIDENT_SOURCES)}"))
        for key in ("service", "environment"):
            if doc.get(key) is not None and not isinstance(doc[key], str):
                problems.append(Problem("incident.json", key, "must be a string when present"))
        alert = doc.get("alert") or {}
        if not isinstance(alert, dict):
            problems.append(Problem("incident.json", "alert", "must be an object (the webhook payload) when present"))
            alert = {}
        if len(problems) > before or start is None or end is None:
            return None, {}
        scope = Scope(
            title=str(title),
            window=Window(start, end),
            service=doc.get("service"),
            environment=doc.get("environment"),
            source=str(source),
        )
        return scope, alert


COLLECTION = "collection.json"  # written by `cloud-doctor record`: which live sources failed, and why


def add_document(evidence: Evidence, folder: str, rel: str, doc: dict[str, Any]) -> list[Problem]:
    """Read one source document (a bundle file, or what a live source just returned) into the evidence."""
    problems: list[Problem] = []
    READERS[folder](rel, doc, evidence, problems)
    status: SourceStatusKind = "ok" if not problems else "error"
    evidence.sources.append(SourceStatus(folder.replace("/", "_"), status, ref=rel))
    return problems


def _collection_statuses(file: Path, problems: list[Problem]) -> list[SourceStatus]:
    """Failed sources of a recorded live run, so a replay names what was missing exactly as the run did."""
    if not file.is_file():
        return []
    doc = _load_json(file, COLLECTION, problems) or {}
    out = []
    for i, entry in enumerate(doc.get("failed", [])):
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str):
            problems.append(Problem(COLLECTION, f"failed[{i}]", "must be {source, error, ref}"))
            continue
        out.append(
            SourceStatus(
                entry["source"],
                "error",
                str(entry.get("ref", "")),
                str(entry.get("error", "")),
                str(entry.get("source_url", "")),
            )
        )
    return out


def _load_json(file: Path, rel: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(rel, "", "is not UTF-8 text"))
        return None
    except json.JSONDecodeError as exc:
        problems.append(Problem(rel, f"line {exc.lineno} column {exc.colno}", f"broken JSON: {exc.msg}"))
        return None
    if not isinstance(doc, dict):
        problems.append(Problem(rel, "", f"top level must be a JSON object, got {type(doc).__name__}"))
        return None
    return doc


def _response(rel: str, doc: dict[str, Any], problems: list[Problem], kind: str) -> dict[str, Any] | None:
    response = doc.get("response")
    if not isinstance(response, dict):
        problems.append(Problem(rel, "response", f"required: the exact JSON body {kind} returned"))
        return None
    return response


def _result(rel: str, doc: dict[str, Any], problems: list[Problem], result_type: str) -> list[Any]:
    response = _response(rel, doc, problems, "the API")
    if response is None:
        return []
    data = response.get("data")
    if response.get("status") not in (None, "success") or not isinstance(data, dict):
        problems.append(Problem(rel, "response.data", "missing; expected {status: success, data: {...}}"))
        return []
    if data.get("resultType") != result_type:
        problems.append(Problem(rel, "response.data.resultType", f"must be {result_type!r}"))
        return []
    result = data.get("result")
    if not isinstance(result, list):
        problems.append(Problem(rel, "response.data.result", "must be a list"))
        return []
    return result


def _labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _prometheus(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    query = str(doc.get("query", ""))
    cluster = str(doc.get("cluster", ""))
    metric = doc.get("metric") or _metric_name(query)
    for i, series in enumerate(_result(rel, doc, problems, "matrix")):
        labels = _labels(series.get("metric") if isinstance(series, dict) else None)
        values = series.get("values") if isinstance(series, dict) else None
        if not isinstance(values, list):
            problems.append(Problem(rel, f"response.data.result[{i}].values", "must be a list of [time, value]"))
            continue
        try:
            points = [(float(t), float(v)) for t, v in values]
        except (TypeError, ValueError):
            problems.append(Problem(rel, f"response.data.result[{i}].values", 'each must be [unix_seconds, "value"]'))
            continue
        if cluster:
            labels.setdefault("cluster", cluster)
        name = labels.get("__name__", metric)
        ev.metrics.append(MetricSeries("prometheus", query, name, resource_from_labels(labels), labels, points))


def _metric_name(query: str) -> str:
    """The first metric name in a PromQL query (functions and keywords are skipped)."""
    bare = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", query)
    for token in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*[{\[)]|\s*$)", bare):
        if token not in {"by", "without", "sum", "rate", "max", "min", "avg", "on", "ignoring"}:
            return str(token)
    return query


def _loki(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    query = str(doc.get("query", ""))
    cluster = str(doc.get("cluster", ""))
    for i, stream in enumerate(_result(rel, doc, problems, "streams")):
        if not isinstance(stream, dict) or not isinstance(stream.get("values"), list):
            problems.append(Problem(rel, f"response.data.result[{i}].values", "must be a list of [ns, line]"))
            continue
        labels = _labels(stream.get("stream"))
        if cluster:
            labels.setdefault("cluster", cluster)
        stream_resource = resource_from_labels(labels)
        for j, entry in enumerate(stream["values"]):
            if not isinstance(entry, list) or len(entry) < 2 or not isinstance(entry[1], str):
                problems.append(Problem(rel, f"response.data.result[{i}].values[{j}]", 'must be ["ns", "line"]'))
                break
            try:
                ts = int(entry[0]) / 1e9
            except (TypeError, ValueError):
                problems.append(Problem(rel, f"response.data.result[{i}].values[{j}][0]", "must be nanoseconds"))
                break
            message, level, named = parse_line(entry[1])
            ev.logs.append(LogRecord(ts, "loki", query, named or stream_resource, level, message, labels))


def _cloudwatch_logs(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    group = doc.get("logGroupName")
    if not isinstance(group, str) or not group:
        problems.append(Problem(rel, "logGroupName", "required: the log group the events came from"))
        return
    response = _response(rel, doc, problems, "FilterLogEvents")
    if response is None:
        return
    events = response.get("events")
    if not isinstance(events, list):
        problems.append(Problem(rel, "response.events", "must be a list (a FilterLogEvents response)"))
        return
    base = {"log_group": group, "region": str(doc.get("region", ""))}
    for i, event in enumerate(events):
        if not isinstance(event, dict) or not isinstance(event.get("message"), str):
            problems.append(Problem(rel, f"response.events[{i}].message", "required string"))
            return
        if not isinstance(event.get("timestamp"), int | float):
            problems.append(Problem(rel, f"response.events[{i}].timestamp", "required: epoch milliseconds"))
            return
        stream = str(event.get("logStreamName", ""))
        message, level, named = parse_line(event["message"])
        resource = named or resource_from_log_group(group, stream)
        labels = {**base, "log_stream": stream}
        ev.logs.append(LogRecord(event["timestamp"] / 1000, "cloudwatch", group, resource, level, message, labels))


def _cloudwatch_metrics(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    response = _response(rel, doc, problems, "GetMetricData")
    if response is None:
        return
    results = response.get("MetricDataResults")
    if not isinstance(results, list):
        problems.append(Problem(rel, "response.MetricDataResults", "must be a list (a GetMetricData response)"))
        return
    queries = {q.get("Id"): q for q in doc.get("queries", []) if isinstance(q, dict)}
    for i, res in enumerate(results):
        fld = f"response.MetricDataResults[{i}]"
        if not isinstance(res, dict):
            problems.append(Problem(rel, fld, "must be an object"))
            continue
        stamps, values = res.get("Timestamps"), res.get("Values")
        if not isinstance(stamps, list) or not isinstance(values, list) or len(stamps) != len(values):
            problems.append(Problem(rel, fld, "Timestamps and Values must be lists of equal length"))
            continue
        points: list[tuple[float, float]] = []
        for stamp, value in zip(stamps, values, strict=True):
            when = parse_time(stamp, rel, f"{fld}.Timestamps", problems)
            if when is None:
                return
            points.append((when.timestamp(), float(value)))
        points.sort()
        stat = queries.get(res.get("Id"), {}).get("MetricStat", {})
        metric = stat.get("Metric", {})
        labels = {d["Name"]: str(d["Value"]) for d in metric.get("Dimensions", []) if "Name" in d and "Value" in d}
        labels["namespace"] = str(metric.get("Namespace", ""))
        labels["stat"] = str(stat.get("Stat", ""))
        name = str(metric.get("MetricName") or res.get("Label") or res.get("Id"))
        resource = next((labels[d] for d in RESOURCE_DIMENSIONS if d in labels), "unknown")
        ev.metrics.append(MetricSeries("cloudwatch", str(res.get("Id", "")), name, resource, labels, points))


def _kubernetes(rel: str, doc: dict[str, Any], ev: Evidence, problems: list[Problem]) -> None:
    response = _response(rel, doc, problems, "kubectl get -o json")
    if response is None:
        return
    items = response.get("items")
    if response.get("kind") != "List" or not isinstance(items, list):
        problems.append(Problem(rel, "response", "must be a v1 List with items (kubectl get ... -o json)"))
        return
    cluster = str(doc.get("cluster", ""))
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("metadata"), dict):
            problems.append(Problem(rel, f"response.items[{i}].metadata", "required object"))
            continue
        kind = item.get("kind")
        if kind not in KUBE_KINDS:
            continue  # unknown kinds are ignored, as the contract says
        meta = item["metadata"]
        ev.kubernetes.append(
            KubeObject(str(kind), str(meta.get("name", "")), str(meta.get("namespace", "")), cluster, item)
        )


READERS: dict[str, Callable[[str, dict[str, Any], Evidence, list[Problem]], None]] = {
    "prometheus": _prometheus,
    "loki": _loki,
    "cloudwatch/logs": _cloudwatch_logs,
    "cloudwatch/metrics": _cloudwatch_metrics,
    "kubernetes": _kubernetes,
}
