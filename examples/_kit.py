"""Building blocks for example incident bundles, written in the native formats of each source."""

from __future__ import annotations

import base64
import json
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

Lines = list[tuple[float, str]]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Bundle:
    """One incident under construction: 40-minute window, the incident starting 20 minutes in."""

    def __init__(self, name: str, day: str, seed: int) -> None:
        self.name = name
        self.rng = random.Random(seed)
        self.t0 = datetime.fromisoformat(
            f"{day}T{self.rng.randint(1, 20):02d}:{self.rng.choice([0, 10, 20]):02d}:00+00:00"
        )
        self.start = self.t0.timestamp()
        self.onset = self.start + 20 * 60 + self.rng.randint(0, 90)
        self.end = self.start + 40 * 60
        self.files: dict[str, Any] = {}
        self.tf: dict[str, str] = {}

    # --- time helpers -------------------------------------------------------------
    def spread(self, t_from: float, t_to: float, every: float, jitter: float = 0.5) -> list[float]:
        out, t = [], t_from
        while t < t_to:
            out.append(t + self.rng.uniform(0, every * jitter))
            t += every
        return out

    # --- sources ------------------------------------------------------------------
    def incident(
        self,
        title: str,
        source: str = "alertmanager",
        service: str | None = None,
        alert: dict[str, Any] | None = None,
        environment: str = "prod",
    ) -> None:
        doc: dict[str, Any] = {
            "title": title,
            "source": source,
            "environment": environment,
            "window": {"start": iso(self.start), "end": iso(self.end)},
        }
        if service:
            doc["service"] = service
        if alert is not None:
            doc["alert"] = alert
        self.files["incident.json"] = doc

    def alertmanager(self, alertname: str, labels: dict[str, str], summary: str, delay: float = 180) -> dict[str, Any]:
        starts = iso_ms(self.onset + delay)
        alert = {
            "status": "firing",
            "labels": {"alertname": alertname, **labels},
            "annotations": {"summary": summary},
            "startsAt": starts,
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.monitoring:9090/graph",
            "fingerprint": f"{self.rng.getrandbits(64):016x}",
        }
        return {
            "version": "4",
            "groupKey": f'{{}}:{{alertname="{alertname}"}}',
            "truncatedAlerts": 0,
            "status": "firing",
            "receiver": "cloud-doctor",
            "groupLabels": {"alertname": alertname},
            "commonLabels": alert["labels"],
            "commonAnnotations": alert["annotations"],
            "externalURL": "http://alertmanager.monitoring:9093",
            "alerts": [alert],
        }

    def cloudwatch_alarm(
        self, name: str, metric: str, namespace: str, dims: dict[str, str], reason: str
    ) -> dict[str, Any]:
        return {
            "AlarmName": name,
            "AlarmDescription": f"{metric} alarm",
            "AWSAccountId": "123456789012",
            "NewStateValue": "ALARM",
            "NewStateReason": reason,
            "StateChangeTime": iso_ms(self.onset + 120)[:-1] + "+0000",
            "Region": "Asia Pacific (Seoul)",
            "OldStateValue": "OK",
            "Trigger": {
                "MetricName": metric,
                "Namespace": namespace,
                "StatisticType": "Statistic",
                "Statistic": "MAXIMUM",
                "Period": 60,
                "EvaluationPeriods": 3,
                "ComparisonOperator": "GreaterThanThreshold",
                "Threshold": 0.0,
                "Dimensions": [{"name": k, "value": v} for k, v in dims.items()],
            },
        }

    def loki(self, file: str, query: str, streams: list[tuple[dict[str, str], Lines]], cluster: str = "") -> None:
        result = []
        for labels, lines in streams:
            values = [[str(int(ts * 1e9)), line] for ts, line in sorted(lines, reverse=True)]  # Loki: newest first
            result.append({"stream": labels, "values": values})
        entries = sum(len(r["values"]) for r in result)
        body = {
            "status": "success",
            "data": {
                "resultType": "streams",
                "result": result,
                "stats": {"summary": {"totalEntriesReturned": entries}},
            },
        }
        doc: dict[str, Any] = {"query": query, "response": body}
        if cluster:
            doc["cluster"] = cluster
        self.files[f"loki/{file}.json"] = doc

    def tempo(self, traces: list[list[dict[str, Any]]], query: str, cluster: str = "") -> None:
        """Tempo's own JSON: the search that found the traces (hex ids) and each trace by id (OTLP, base64 ids).

        Each trace is a list of spans: {service, span, parent, name, kind, start, ms, error, message, exception,
        attrs}, where span and parent are this trace's local span numbers."""
        found = []
        for spans in traces:
            trace_id = self.rng.getrandbits(128).to_bytes(16, "big")
            ids = {s["span"]: self.rng.getrandbits(64).to_bytes(8, "big") for s in spans}
            by_service: dict[str, list[dict[str, Any]]] = {}
            for s in spans:
                otlp: dict[str, Any] = {
                    "traceId": base64.b64encode(trace_id).decode(),
                    "spanId": base64.b64encode(ids[s["span"]]).decode(),
                    "name": s["name"],
                    "kind": f"SPAN_KIND_{s['kind'].upper()}",
                    "startTimeUnixNano": str(int(s["start"] * 1e9)),
                    "endTimeUnixNano": str(int((s["start"] + s["ms"] / 1000) * 1e9)),
                    "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in s.get("attrs", {}).items()],
                    "status": {"code": "STATUS_CODE_ERROR", "message": s["message"]} if s.get("error") else {},
                }
                if s.get("parent") is not None:
                    otlp["parentSpanId"] = base64.b64encode(ids[s["parent"]]).decode()
                if s.get("exception"):
                    kind, message = s["exception"]
                    otlp["events"] = [{
                        "timeUnixNano": otlp["endTimeUnixNano"], "name": "exception",
                        "attributes": [{"key": "exception.type", "value": {"stringValue": kind}},
                                       {"key": "exception.message", "value": {"stringValue": message}}],
                    }]  # fmt: skip
                by_service.setdefault(s["service"], []).append(otlp)
            batches = [
                {"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": svc}}]},
                 "scopeSpans": [{"scope": {"name": "io.opentelemetry.auto"}, "spans": spans_}]}
                for svc, spans_ in by_service.items()
            ]  # fmt: skip
            doc: dict[str, Any] = {"trace_id": trace_id.hex(), "response": {"batches": batches}}
            if cluster:
                doc["cluster"] = cluster
            self.files[f"tempo/trace-{trace_id.hex()}.json"] = doc
            root = spans[0]
            started = str(int(root["start"] * 1e9))
            matched = {"spanID": ids[root["span"]].hex(), "startTimeUnixNano": started,
                       "durationNanos": str(int(root["ms"] * 1e6))}  # fmt: skip
            found.append({
                "traceID": trace_id.hex(), "rootServiceName": root["service"], "rootTraceName": root["name"],
                "startTimeUnixNano": started, "durationMs": int(root["ms"]),
                "spanSet": {"spans": [matched], "matched": 1}, "spanSets": [{"spans": [matched], "matched": 1}],
            })  # fmt: skip
        search: dict[str, Any] = {"query": query, "response": {"traces": found, "metrics": {"inspectedBytes": "482113",
                                  "completedJobs": 1, "totalJobs": 1}}}  # fmt: skip
        if cluster:
            search["cluster"] = cluster
        self.files["tempo/search-errors.json"] = search

    def cloud_logging(self, file: str, entries: list[dict[str, Any]], query: str, project: str = "acme-prod") -> None:
        """An entries:list body: LogEntry objects, oldest first (the source's `orderBy: timestamp asc`)."""
        ordered = sorted(entries, key=lambda e: e["timestamp"])
        self.files[f"cloud_logging/{file}.json"] = {
            "project": project,
            "filter": query,
            "response": {"entries": ordered},
        }

    def cloud_monitoring(
        self, file: str, query: str, aligner: str, series: list[tuple[dict[str, Any], dict[str, Any], list[float]]],
        value_type: str = "DOUBLE", project: str = "acme-prod",
    ) -> None:  # fmt: skip
        """A timeSeries.list body: each (metric, resource, values per minute from the window's start), points newest
        first as the API returns them."""
        body = []
        for metric, resource, values in series:
            points = []
            for i, v in enumerate(values):
                end = iso(self.start + (i + 1) * 60)
                value = {"doubleValue": v} if value_type == "DOUBLE" else {"int64Value": str(int(v))}
                points.append({"interval": {"startTime": iso(self.start + i * 60), "endTime": end}, "value": value})
            kind = "DELTA" if aligner == "ALIGN_DELTA" else "GAUGE"
            body.append({"metric": metric, "resource": resource, "metricKind": kind, "valueType": value_type,
                         "points": points[::-1]})  # fmt: skip
        self.files[f"cloud_monitoring/{file}.json"] = {
            "project": project,
            "filter": query,
            "aligner": aligner,
            "response": {"timeSeries": body},
        }

    def cw_logs(self, file: str, group: str, streams: dict[str, Lines], region: str = "ap-northeast-2") -> None:
        events = []
        for stream, lines in streams.items():
            for ts, line in lines:
                ms = int(ts * 1000)
                events.append(
                    {
                        "logStreamName": stream,
                        "timestamp": ms,
                        "message": line,
                        "ingestionTime": ms + self.rng.randint(200, 2000),
                        "eventId": f"{self.rng.getrandbits(120):036d}"[:56],
                    }
                )
        events.sort(key=lambda e: e["timestamp"])
        self.files[f"cloudwatch/logs/{file}.json"] = {
            "logGroupName": group,
            "region": region,
            "response": {"events": events, "searchedLogStreams": []},
        }

    def prom(
        self, file: str, query: str, series: list[tuple[dict[str, str], list[float]]], step: int = 60, cluster: str = ""
    ) -> None:
        result = []
        for labels, values in series:
            points = [[self.start + i * step, _num(v)] for i, v in enumerate(values)]
            result.append({"metric": labels, "values": points})
        doc: dict[str, Any] = {
            "query": query,
            "response": {"status": "success", "data": {"resultType": "matrix", "result": result}},
        }
        if cluster:
            doc["cluster"] = cluster
        self.files[f"prometheus/{file}.json"] = doc

    def cw_metrics(
        self, file: str, metrics: list[tuple[str, str, dict[str, str], str, list[float]]], period: int = 60
    ) -> None:
        queries, results = [], []
        for i, (namespace, name, dims, stat, values) in enumerate(metrics):
            qid = f"m{i}"
            queries.append(
                {
                    "Id": qid,
                    "MetricStat": {
                        "Metric": {
                            "Namespace": namespace,
                            "MetricName": name,
                            "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                        },
                        "Period": period,
                        "Stat": stat,
                    },
                    "ReturnData": True,
                }
            )
            stamps = [iso(self.start + j * period) for j in range(len(values))]
            results.append(
                {"Id": qid, "Label": name, "Timestamps": stamps[::-1], "Values": values[::-1], "StatusCode": "Complete"}
            )  # GetMetricData returns newest first by default
        self.files[f"cloudwatch/metrics/{file}.json"] = {
            "region": "ap-northeast-2",
            "queries": queries,
            "response": {"MetricDataResults": results, "Messages": []},
        }

    def kube(self, file: str, items: list[dict[str, Any]], cluster: str = "") -> None:
        doc: dict[str, Any] = {
            "response": {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
        }
        if cluster:
            doc["cluster"] = cluster
        self.files[f"kubernetes/{file}.json"] = doc

    def terraform(self, files: dict[str, str]) -> None:
        self.tf.update(files)

    def expect(self, category: str, resource: str, fix: bool, **extra: Any) -> None:
        self.files["expected.json"] = {"category": category, "resource": resource, "fix": fix, **extra}

    # --- metric shapes --------------------------------------------------------------
    def series(
        self,
        base: float,
        after: float,
        noise: float = 0.03,
        ramp: float = 4,
        step: int = 60,
        floor: float | None = None,
    ) -> list[float]:
        """A value steady at `base`, moving to `after` over `ramp` minutes from the onset."""
        n = int((self.end - self.start) // step) + 1
        out = []
        for i in range(n):
            t = self.start + i * step
            k = min(1.0, max(0.0, (t - self.onset) / (ramp * 60)))
            value = base + (after - base) * k
            value *= 1 + self.rng.uniform(-noise, noise)
            if floor is not None:
                value = max(floor, value)
            out.append(round(value, 3))
        return out

    def write(self, root: Path) -> Path:
        out = root / self.name
        if out.exists():
            shutil.rmtree(out)
        for rel, doc in self.files.items():
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(doc, indent=1) + "\n")
        for rel, text in self.tf.items():
            path = out / "terraform" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.lstrip("\n"))
        return out


def _num(v: float) -> str:
    return f"{v:.6g}" if isinstance(v, float) and v != int(v) else str(int(v))


def k8s_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ago(ts: float, days: int) -> float:
    return ts - timedelta(days=days).total_seconds()
