"""Writers for incident-bundle files in the exact formats docs/incident-bundle.md names, and log-line renderers.

Everything here is shape, not story: the scenarios decide what happened, these functions print it the way
the real system would.

- Loki: the body of `GET /loki/api/v1/query_range` (`resultType: streams`, values `["<unix ns>", "line"]`,
  newest first, as Loki's default `direction=backward` returns them).
- Prometheus: the body of `GET /api/v1/query_range` (`resultType: matrix`, values `[unix_seconds, "value"]`).
- Kubernetes: `kubectl get <kinds> -o json` (`kind: List`), objects as the API server serves them (core/v1
  Event with `involvedObject`, `count`, `firstTimestamp`/`lastTimestamp`; names generated as the controllers
  generate them, see `pod_template_hash`).
- CloudWatch Logs: a FilterLogEvents response (`events[]` with `logStreamName`, `timestamp`, `message`,
  `ingestionTime`, `eventId`); CloudWatch metrics: a GetMetricData response (newest first, the API's default
  `ScanBy: TimestampDescending`) with the `MetricDataQueries` that were sent.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

Json = dict[str, Any]
Lines = list[tuple[float, str]]

# k8s.io/apimachinery/pkg/util/rand: the alphabet generated names use (no vowels, no 0, 1 or 3).
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


# --- names and ids ---------------------------------------------------------------------------------------------
def pod_template_hash(rng: random.Random) -> str:
    """A ReplicaSet's `pod-template-hash`: pkg/controller/controller_utils.go `ComputeHash` returns a uint32 and
    the Deployment controller stores `rand.SafeEncodeString(fmt.Sprint(hash))`, which maps every decimal digit to
    one of "456789bcdf" (9 or 10 characters, the "hex-ish" look of `7d9f8b6c5d`)."""
    return "".join(ALPHANUMS[ord(c) % len(ALPHANUMS)] for c in str(rng.getrandbits(32)))


def name_suffix(rng: random.Random, n: int = 5) -> str:
    """`rand.String(5)`: the suffix the API server appends to a `generateName` (Deployment and Job pods)."""
    return "".join(rng.choice(ALPHANUMS) for _ in range(n))


def uid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def hexid(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def ec2_node(rng: random.Random, region: str = "") -> str:
    """An EKS node name: `ip-10-0-3-44.ec2.internal` (us-east-1) or `ip-10-0-3-44.<region>.compute.internal`."""
    ip = f"ip-10-{rng.randint(0, 3)}-{rng.randint(0, 255)}-{rng.randint(2, 254)}"
    return f"{ip}.{region}.compute.internal" if region else f"{ip}.ec2.internal"


def gke_node(rng: random.Random, cluster: str, pool: str) -> str:
    """A GKE node name: `gke-<cluster>-<pool>-<8 hex of the instance group>-<4 chars>`."""
    tail = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(4))
    return f"gke-{cluster}-{pool}-{hexid(rng, 8)}-{tail}"


def pod_ip(rng: random.Random, base: int | None = None) -> str:
    return (
        f"10.{base if base is not None else rng.choice([42, 244, 0, 1, 2])}.{rng.randint(0, 15)}.{rng.randint(2, 254)}"
    )


def request_id(rng: random.Random) -> str:
    return hexid(rng, 16)


def aws_request_id(rng: random.Random) -> str:
    """A Lambda / SQS request id: a UUID version 4."""
    return uid(rng)


# --- time -------------------------------------------------------------------------------------------------------
def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def iso_us(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_ns(ts: float, rng: random.Random) -> str:
    """RFC 3339 with nanoseconds, as Cloud Logging writes `timestamp`."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + f"{rng.randint(0, 999):03d}Z"


def rfc1123(ts: float) -> str:
    """Go's `time.RFC1123` (`Mon, 02 Jan 2006 15:04:05 MST`), which cert-manager uses in condition messages."""
    return datetime.fromtimestamp(ts, UTC).strftime("%a, %d %b %Y %H:%M:%S UTC")


def clf_time(ts: float) -> str:
    """Common Log Format time (`$time_local` of nginx, gunicorn's `%(t)s` without brackets)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


@dataclass(frozen=True, slots=True)
class Window:
    """The incident window: 30-40 minutes, the onset 15-20 minutes in, so what comes before is a baseline."""

    start: float
    onset: float
    end: float

    @classmethod
    def draw(cls, rng: random.Random) -> Window:
        day = datetime(
            2026,
            rng.choice([9, 10, 11, 12]),
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.choice([0, 10, 20, 30, 40, 50]),
            tzinfo=UTC,
        )
        start = day.timestamp()
        length = rng.choice([30, 35, 40]) * 60
        onset = start + rng.randint(15 * 60, 20 * 60) + rng.randint(0, 59)
        return cls(start, onset, start + length)

    def spread(self, rng: random.Random, t_from: float, t_to: float, every: float, jitter: float = 0.6) -> list[float]:
        """Moments from `t_from` to `t_to`, one every `every` seconds on average."""
        out: list[float] = []
        t = t_from + rng.uniform(0, every)
        while t < t_to:
            out.append(t)
            t += every * rng.uniform(1 - jitter, 1 + jitter)
        return out

    def steps(self, step: int) -> list[float]:
        return [self.start + i * step for i in range(int((self.end - self.start) // step) + 1)]


# --- metric shapes ----------------------------------------------------------------------------------------------
def shape(
    rng: random.Random,
    times: list[float],
    base: float,
    after: float,
    at: float,
    *,
    noise: float = 0.03,
    ramp: float = 240.0,
    floor: float | None = None,
    ceil: float | None = None,
) -> list[float]:
    """Steady at `base`, moving to `after` over `ramp` seconds from `at`, with multiplicative noise."""
    out: list[float] = []
    for t in times:
        k = min(1.0, max(0.0, (t - at) / ramp)) if ramp > 0 else float(t >= at)
        v = (base + (after - base) * k) * (1 + rng.uniform(-noise, noise))
        if floor is not None:
            v = max(floor, v)
        if ceil is not None:
            v = min(ceil, v)
        out.append(v)
    return out


def sawtooth(
    rng: random.Random, times: list[float], base: float, limit: float, at: float, period: float, noise: float = 0.02
) -> list[float]:
    """Memory of a container that leaks from `at`, reaches `limit`, is killed and starts again at `base`."""
    out: list[float] = []
    for t in times:
        if t < at:
            out.append(base * (1 + rng.uniform(-noise, noise)))
            continue
        phase = ((t - at) % period) / period
        out.append(
            min(limit, (base + (limit - base) * min(1.0, phase * 1.15)) * (1 + rng.uniform(-noise / 2, noise / 2)))
        )
    return out


def num(v: float) -> str:
    """A sample value as the Prometheus API writes it: Go's `strconv.FormatFloat(v, 'f', -1, 64)`, the shortest
    decimal that round-trips, never in exponent form (`536870912`, `0.000123`, `2.5`)."""
    text = format(Decimal(repr(float(v))), "f")
    return text.removesuffix(".0") if "." in text and text.rstrip("0").endswith(".") else text


# --- the bundle -------------------------------------------------------------------------------------------------
@dataclass
class Bundle:
    """One incident bundle under construction; `write` puts it on disk as docs/incident-bundle.md lays it out."""

    name: str
    rng: random.Random
    w: Window
    files: dict[str, Json] = field(default_factory=dict)

    def incident(
        self,
        title: str,
        source: str,
        service: str | None,
        alert: Json | None = None,
        environment: str = "prod",
    ) -> None:
        doc: Json = {
            "title": title,
            "source": source,
            "environment": environment,
            "window": {"start": iso(self.w.start), "end": iso(self.w.end)},
        }
        if service:
            doc["service"] = service
        if alert:
            doc["alert"] = alert
        self.files["incident.json"] = doc

    def expect(self, category: str, resource: str | list[str], platform: str, decisive: str | None = None) -> None:
        if isinstance(resource, list):
            resource = list(dict.fromkeys(resource))
            resource = resource[0] if len(resource) == 1 else resource
        doc: Json = {"category": category, "resource": resource, "platform": platform}
        if decisive:
            doc["decisive"] = decisive
        self.files["expected.json"] = doc

    def loki(
        self, file: str, query: str, streams: list[tuple[dict[str, str], Lines]], cluster: str | None = None
    ) -> None:
        """Loki `query_range` streams: one stream per label set, values newest first (direction=backward)."""
        result = []
        for labels, lines in streams:
            if not lines:
                continue
            values = [[str(int(ts * 1e9) + self.rng.randint(0, 999)), line] for ts, line in sorted(lines, reverse=True)]
            result.append({"stream": labels, "values": values})
        entries = sum(len(r["values"]) for r in result)
        body = {
            "status": "success",
            "data": {
                "resultType": "streams",
                "result": result,
                "stats": {
                    "summary": {"totalEntriesReturned": entries, "execTime": round(self.rng.uniform(0.05, 0.9), 6)}
                },
            },
        }
        doc: Json = {"query": query, "response": body}
        if cluster:
            doc["cluster"] = cluster
        self.files[f"loki/{file}.json"] = doc

    def prom(
        self,
        file: str,
        query: str,
        series: Sequence[tuple[dict[str, str], Sequence[float]]],
        step: int = 60,
        cluster: str | None = None,
    ) -> None:
        """Prometheus `query_range` matrix; a series' values start at the window's start, one per `step`."""
        result = []
        for labels, values in series:
            points = [[round(self.w.start + i * step, 3), num(v)] for i, v in enumerate(values)]
            result.append({"metric": labels, "values": points})
        doc: Json = {
            "query": query,
            "response": {"status": "success", "data": {"resultType": "matrix", "result": result}},
        }
        if cluster:
            doc["cluster"] = cluster
        self.files[f"prometheus/{file}.json"] = doc

    def kube(self, file: str, items: list[Json], cluster: str | None = None) -> None:
        """`kubectl get <kinds> -o json`: a v1 List."""
        doc: Json = {
            "response": {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
        }
        if cluster:
            doc["cluster"] = cluster
        self.files[f"kubernetes/{file}.json"] = doc

    def cw_logs(self, file: str, group: str, streams: dict[str, Lines], region: str) -> None:
        """A FilterLogEvents response over `group`: events of every stream, oldest first."""
        events = []
        for stream, lines in streams.items():
            for ts, line in lines:
                ms = int(ts * 1000)
                events.append(
                    {
                        "logStreamName": stream,
                        "timestamp": ms,
                        "message": line,
                        "ingestionTime": ms + self.rng.randint(150, 2500),
                        "eventId": "".join(self.rng.choice("0123456789") for _ in range(56)),
                    }
                )
        events.sort(key=lambda e: (e["timestamp"], e["eventId"]))
        self.files[f"cloudwatch/logs/{file}.json"] = {
            "logGroupName": group,
            "region": region,
            "response": {"events": events, "searchedLogStreams": []},
        }

    def cw_metrics(self, file: str, metrics: list[CwMetric], region: str, period: int = 60) -> None:
        """GetMetricData: the queries sent (one `MetricStat` each) and their results, newest first."""
        queries, results = [], []
        times = self.w.steps(period)
        for i, m in enumerate(metrics):
            qid = f"m{i}"
            queries.append(
                {
                    "Id": qid,
                    "MetricStat": {
                        "Metric": {
                            "Namespace": m.namespace,
                            "MetricName": m.name,
                            "Dimensions": [{"Name": k, "Value": v} for k, v in m.dims.items()],
                        },
                        "Period": period,
                        "Stat": m.stat,
                    },
                    "ReturnData": True,
                }
            )
            pairs = [(t, v) for t, v in zip(times, m.values, strict=False) if v is not None]
            pairs.reverse()
            results.append(
                {
                    "Id": qid,
                    "Label": m.name,
                    "Timestamps": [iso(t) for t, _ in pairs],
                    "Values": [round(v, 4) for _, v in pairs],
                    "StatusCode": "Complete",
                }
            )
        self.files[f"cloudwatch/metrics/{file}.json"] = {
            "region": region,
            "queries": queries,
            "response": {"MetricDataResults": results, "Messages": []},
        }

    def write(self, root: Path) -> Path:
        out = root / self.name
        if out.exists():
            shutil.rmtree(out)
        for rel, doc in sorted(self.files.items()):
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return out


@dataclass(frozen=True, slots=True)
class CwMetric:
    """One CloudWatch metric: values aligned on the window's minutes (None = no datapoint that minute)."""

    namespace: str
    name: str
    dims: dict[str, str]
    stat: str
    values: Sequence[float | None]


# --- alert payloads ---------------------------------------------------------------------------------------------
def alertmanager(
    rng: random.Random,
    alertname: str,
    labels: dict[str, str],
    summary: str,
    starts: float,
    description: str | None = None,
) -> Json:
    """An Alertmanager webhook body, version 4 (prometheus/alertmanager notify/webhook `Message`)."""
    annotations = {"summary": summary}
    if description:
        annotations["description"] = description
    full = {"alertname": alertname, **labels}
    alert = {
        "status": "firing",
        "labels": full,
        "annotations": annotations,
        "startsAt": iso_ms(starts),
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": f"http://prometheus-k8s.monitoring.svc:9090/graph?g0.expr={alertname}&g0.tab=1",
        "fingerprint": hexid(rng, 16),
    }
    return {
        "receiver": "cloud-doctor",
        "status": "firing",
        "alerts": [alert],
        "groupLabels": {"alertname": alertname},
        "commonLabels": full,
        "commonAnnotations": annotations,
        "externalURL": "http://alertmanager-main.monitoring.svc:9093",
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{alertname}"}}',
        "truncatedAlerts": 0,
    }


def cloudwatch_alarm(
    name: str,
    metric: str,
    namespace: str,
    dims: dict[str, str],
    reason: str,
    when: float,
    region: str,
    statistic: str = "MAXIMUM",
) -> Json:
    """A CloudWatch alarm state change as SNS delivers it in `Message` (the classic alarm notification JSON)."""
    return {
        "AlarmName": name,
        "AlarmDescription": None,
        "AWSAccountId": "123456789012",
        "AlarmConfigurationUpdatedTimestamp": "2026-06-02T09:14:51.227+0000",
        "NewStateValue": "ALARM",
        "NewStateReason": reason,
        "StateChangeTime": iso_ms(when)[:-1] + "+0000",
        "Region": region,
        "AlarmArn": f"arn:aws:cloudwatch:{region}:123456789012:alarm:{name}",
        "OldStateValue": "OK",
        "OKActions": [],
        "AlarmActions": [f"arn:aws:sns:{region}:123456789012:oncall"],
        "InsufficientDataActions": [],
        "Trigger": {
            "MetricName": metric,
            "Namespace": namespace,
            "StatisticType": "Statistic",
            "Statistic": statistic,
            "Unit": None,
            "Dimensions": [{"value": v, "name": k} for k, v in dims.items()],
            "Period": 60,
            "EvaluationPeriods": 3,
            "DatapointsToAlarm": 3,
            "ComparisonOperator": "GreaterThanThreshold",
            "Threshold": 0.0,
            "TreatMissingData": "missing",
            "EvaluateLowSampleCountPercentile": "",
        },
    }


def sns_envelope(rng: random.Random, alarm: Json, when: float, region: str) -> Json:
    """The SNS HTTP(S) notification around an alarm: `Type: Notification`, `Message` = the alarm as JSON text."""
    return {
        "Type": "Notification",
        "MessageId": aws_request_id(rng),
        "TopicArn": f"arn:aws:sns:{region}:123456789012:oncall",
        "Subject": f'ALARM: "{alarm["AlarmName"]}" in {region}',
        "Message": json.dumps(alarm),
        "Timestamp": iso_ms(when),
        "SignatureVersion": "1",
        "Signature": hexid(rng, 64),
        "SigningCertURL": f"https://sns.{region}.amazonaws.com/SimpleNotificationService-{hexid(rng, 32)}.pem",
        "UnsubscribeURL": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe",
    }


# --- Kubernetes objects -----------------------------------------------------------------------------------------
def meta(
    name: str,
    ns: str | None,
    rng: random.Random,
    created: float,
    labels: dict[str, str] | None = None,
    owner: Json | None = None,
    annotations: dict[str, str] | None = None,
    generate_name: str | None = None,
) -> Json:
    m: Json = {
        "name": name,
        "uid": uid(rng),
        "resourceVersion": str(rng.randint(10_000_000, 99_999_999)),
        "creationTimestamp": iso(created),
    }
    if ns is not None:
        m["namespace"] = ns
    if generate_name:
        m["generateName"] = generate_name
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    if owner:
        m["ownerReferences"] = [owner]
    return m


def owner_ref(kind: str, name: str, owner_uid: str, api: str = "apps/v1") -> Json:
    return {
        "apiVersion": api,
        "kind": kind,
        "name": name,
        "uid": owner_uid,
        "controller": True,
        "blockOwnerDeletion": True,
    }


def running(started: float) -> Json:
    return {"running": {"startedAt": iso(started)}}


def waiting(reason: str, message: str | None = None) -> Json:
    w: Json = {"reason": reason}
    if message:
        w["message"] = message
    return {"waiting": w}


def terminated(
    reason: str, exit_code: int, started: float | None, finished: float, rng: random.Random, message: str | None = None
) -> Json:
    t: Json = {
        "exitCode": exit_code,
        "reason": reason,
        "finishedAt": iso(finished),
        "containerID": f"containerd://{hexid(rng, 64)}",
    }
    t["startedAt"] = iso(started) if started is not None else None
    if message:
        t["message"] = message
    return {"terminated": t}


def cstatus(
    name: str,
    image: str,
    rng: random.Random,
    *,
    ready: bool,
    restarts: int,
    state: Json,
    last: Json | None = None,
    started: bool | None = None,
) -> Json:
    """A `containerStatuses[]` entry as the kubelet reports it."""
    s: Json = {
        "name": name,
        "state": state,
        "lastState": last or {},
        "ready": ready,
        "restartCount": restarts,
        "image": image,
        "imageID": f"{image.split(':')[0]}@sha256:{hexid(rng, 64)}",
        "started": started if started is not None else ("running" in state),
    }
    if "waiting" not in state or state["waiting"].get("reason") not in ("ContainerCreating", "PodInitializing"):
        s["containerID"] = f"containerd://{hexid(rng, 64)}"
    return s


def pod_conditions(
    created: float,
    scheduled: bool,
    initialized: bool,
    ready: bool,
    *,
    reason: str | None = None,
    message: str | None = None,
) -> list[Json]:
    t = iso(created + 2)
    conds: list[Json] = []
    if scheduled:
        conds.append(
            {
                "type": "PodReadyToStartContainers",
                "status": "True" if initialized else "False",
                "lastProbeTime": None,
                "lastTransitionTime": t,
            }
        )
    conds.append(
        {
            "type": "Initialized",
            "status": "True" if initialized else "False",
            "lastProbeTime": None,
            "lastTransitionTime": t,
        }
        | (
            {"reason": "ContainersNotInitialized", "message": message or ""}
            if scheduled and not initialized and message
            else {}
        )
    )
    ready_cond: Json = {
        "type": "Ready",
        "status": "True" if ready else "False",
        "lastProbeTime": None,
        "lastTransitionTime": t,
    }
    if not ready and scheduled:
        ready_cond |= (
            {"reason": "ContainersNotReady", "message": message or ""} if message else {"reason": "ContainersNotReady"}
        )
    conds.append(ready_cond)
    conds.append(
        {
            "type": "ContainersReady",
            "status": "True" if ready else "False",
            "lastProbeTime": None,
            "lastTransitionTime": t,
        }
    )
    sched: Json = {
        "type": "PodScheduled",
        "status": "True" if scheduled else "False",
        "lastProbeTime": None,
        "lastTransitionTime": t,
    }
    if not scheduled:
        sched |= {"reason": "Unschedulable", "message": message or ""}
    conds.append(sched)
    return conds


def pod(
    name: str,
    ns: str,
    rng: random.Random,
    created: float,
    *,
    labels: dict[str, str],
    owner: Json | None,
    containers: list[Json],
    statuses: list[Json] | None,
    phase: str = "Running",
    node: str | None = None,
    ip: str | None = None,
    ready: bool = True,
    scheduled: bool = True,
    initialized: bool = True,
    init_containers: list[Json] | None = None,
    init_statuses: list[Json] | None = None,
    condition_message: str | None = None,
    reason: str | None = None,
    message: str | None = None,
    service_account: str = "default",
    generate_name: str | None = None,
    volumes: list[Json] | None = None,
    qos: str = "Burstable",
) -> Json:
    """A Pod as `kubectl get pods -o json` prints it (spec trimmed to what matters, status as the kubelet sets it)."""
    spec: Json = {
        "containers": containers,
        "restartPolicy": "Always" if owner is None or owner["kind"] != "Job" else "Never",
        "serviceAccountName": service_account,
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "schedulerName": "default-scheduler",
    }
    if init_containers:
        spec["initContainers"] = init_containers
    if volumes:
        spec["volumes"] = volumes
    if node:
        spec["nodeName"] = node
    status: Json = {
        "phase": phase,
        "conditions": pod_conditions(created, scheduled, initialized, ready, message=condition_message),
        "qosClass": qos,
    }
    if scheduled:
        status["hostIP"] = f"10.{rng.randint(0, 3)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
        status["startTime"] = iso(created + 1)
        if ip:
            status["podIP"] = ip
            status["podIPs"] = [{"ip": ip}]
    if statuses is not None:
        status["containerStatuses"] = statuses
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    if reason:
        status["reason"] = reason
    if message:
        status["message"] = message
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(name, ns, rng, created, labels, owner, generate_name=generate_name),
        "spec": spec,
        "status": status,
    }


def container(
    name: str,
    image: str,
    cpu: str = "250m",
    memory: str = "512Mi",
    port: int | None = 8080,
    cpu_limit: str | None = None,
    mem_limit: str | None = None,
    env: list[Json] | None = None,
    probes: Json | None = None,
) -> Json:
    c: Json = {
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "resources": {
            "limits": {"memory": mem_limit or memory} | ({"cpu": cpu_limit} if cpu_limit else {}),
            "requests": {"cpu": cpu, "memory": memory},
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }
    if port:
        c["ports"] = [{"containerPort": port, "name": "http", "protocol": "TCP"}]
    if env:
        c["env"] = env
    if probes:
        c |= probes
    return c


def event(
    rng: random.Random,
    ns: str,
    kind: str,
    name: str,
    reason: str,
    message: str,
    *,
    first: float,
    last: float,
    count: int = 1,
    etype: str = "Warning",
    component: str = "kubelet",
    host: str | None = None,
    involved_uid: str | None = None,
    api_version: str = "v1",
    field_path: str | None = None,
) -> Json:
    """A core/v1 Event as `kubectl get events -o json` lists it (the deprecated-but-served v1 shape: `count`,
    `firstTimestamp`, `lastTimestamp`, `source`), named `<object>.<unix nanos in hex>` as client-go's recorder
    names it."""
    inv: Json = {
        "kind": kind,
        "namespace": ns,
        "name": name,
        "uid": involved_uid or uid(rng),
        "apiVersion": api_version,
        "resourceVersion": str(rng.randint(10_000_000, 99_999_999)),
    }
    if kind == "Node":
        inv.pop("namespace")
        inv["uid"] = name
    if field_path:
        inv["fieldPath"] = field_path
    src: Json = {"component": component}
    if host:
        src["host"] = host
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": f"{name}.{int(first * 1e9) + rng.randint(0, 999_999):x}",
            "namespace": ns if kind != "Node" else "default",
            "uid": uid(rng),
            "resourceVersion": str(rng.randint(10_000_000, 99_999_999)),
            "creationTimestamp": iso(first),
        },
        "involvedObject": inv,
        "reason": reason,
        "message": message,
        "source": src,
        "firstTimestamp": iso(first),
        "lastTimestamp": iso(last),
        "count": count,
        "type": etype,
        "eventTime": None,
        "reportingComponent": component if component != "kubelet" else "kubelet",
        "reportingInstance": host or "",
    }


def node(
    name: str,
    rng: random.Random,
    created: float,
    labels: dict[str, str],
    *,
    ready: str = "True",
    since: float | None = None,
    disk_pressure: bool = False,
    unschedulable: bool = False,
    taints: list[Json] | None = None,
    allocatable: dict[str, str] | None = None,
) -> Json:
    """A Node; a lost kubelet leaves every condition `Unknown` with `NodeStatusUnknown` / "Kubelet stopped posting
    node status." (pkg/controller/nodelifecycle/node_lifecycle_controller.go)."""
    t = iso(since or created + 60)
    hb = iso((since or created) - 40) if ready == "Unknown" else t

    def cond(ctype: str, ok_status: str, ok_reason: str, ok_msg: str) -> Json:
        if ready == "Unknown":
            return {
                "type": ctype,
                "status": "Unknown",
                "lastHeartbeatTime": hb,
                "lastTransitionTime": t,
                "reason": "NodeStatusUnknown",
                "message": "Kubelet stopped posting node status.",
            }
        return {
            "type": ctype,
            "status": ok_status,
            "lastHeartbeatTime": t,
            "lastTransitionTime": iso(created + 60),
            "reason": ok_reason,
            "message": ok_msg,
        }

    conds = [
        cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure")
        if not disk_pressure
        else {
            "type": "DiskPressure",
            "status": "True",
            "lastHeartbeatTime": t,
            "lastTransitionTime": t,
            "reason": "KubeletHasDiskPressure",
            "message": "kubelet has disk pressure",
        },
        cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    spec: Json = {
        "providerID": f"aws:///eu-west-1a/i-0{hexid(rng, 16)}"
        if "compute.internal" in name or "ec2.internal" in name
        else f"gce://acme-prod/europe-west1-b/{name}"
    }
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    alloc = allocatable or {"cpu": "3920m", "memory": "15147124Ki", "pods": "58", "ephemeral-storage": "76224326324"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta(
            name, None, rng, created, {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", **labels}
        ),
        "spec": spec,
        "status": {
            "conditions": conds,
            "allocatable": alloc,
            "capacity": alloc,
            "nodeInfo": {"kubeletVersion": "v1.30.4-eks-a737599", "containerRuntimeVersion": "containerd://1.7.22"},
        },
    }


def replicaset(
    name: str,
    ns: str,
    rng: random.Random,
    created: float,
    *,
    deployment: str,
    deployment_uid: str,
    labels: dict[str, str],
    template_hash: str,
    replicas: int,
    ready: int,
    image: str,
    revision: int,
    conditions: list[Json] | None = None,
    service_account: str | None = None,
) -> Json:
    spec_tpl: Json = {
        "metadata": {"labels": {**labels, "pod-template-hash": template_hash}},
        "spec": {"containers": [{"name": deployment, "image": image}]},
    }
    if service_account:
        spec_tpl["spec"]["serviceAccountName"] = service_account
    status: Json = {
        "replicas": ready,
        "fullyLabeledReplicas": ready,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "observedGeneration": 1,
    }
    if not ready:
        for k in ("readyReplicas", "availableReplicas"):
            status.pop(k)
    if conditions:
        status["conditions"] = conditions
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta(
            name,
            ns,
            rng,
            created,
            {**labels, "pod-template-hash": template_hash},
            owner_ref("Deployment", deployment, deployment_uid),
            {
                "deployment.kubernetes.io/desired-replicas": str(replicas),
                "deployment.kubernetes.io/max-replicas": str(replicas + 1),
                "deployment.kubernetes.io/revision": str(revision),
            },
        ),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {**labels, "pod-template-hash": template_hash}},
            "template": spec_tpl,
        },
        "status": status,
    }


def deployment(
    name: str,
    ns: str,
    rng: random.Random,
    created: float,
    *,
    labels: dict[str, str],
    replicas: int,
    ready: int,
    image: str,
    obj_uid: str,
    revision: int = 1,
    conditions: list[Json] | None = None,
    updated: int | None = None,
) -> Json:
    status: Json = {
        "observedGeneration": revision,
        "replicas": max(replicas, ready),
        "updatedReplicas": updated if updated is not None else ready,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "unavailableReplicas": max(0, replicas - ready),
        "conditions": conditions
        or [
            {
                "type": "Available",
                "status": "True" if ready >= max(1, replicas - 1) else "False",
                "reason": "MinimumReplicasAvailable" if ready >= max(1, replicas - 1) else "MinimumReplicasUnavailable",
                "message": "Deployment has minimum availability."
                if ready >= max(1, replicas - 1)
                else "Deployment does not have minimum availability.",
                "lastUpdateTime": iso(created),
                "lastTransitionTime": iso(created),
            },
            {
                "type": "Progressing",
                "status": "True",
                "reason": "NewReplicaSetAvailable",
                "message": f'ReplicaSet "{name}" has successfully progressed.',
                "lastUpdateTime": iso(created),
                "lastTransitionTime": iso(created),
            },
        ],
    }
    if not ready:
        status.pop("readyReplicas")
        status.pop("availableReplicas")
    m = meta(name, ns, rng, created, labels, annotations={"deployment.kubernetes.io/revision": str(revision)})
    m["uid"] = obj_uid
    m["generation"] = revision
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": m,
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": name, "image": image}]}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
        },
        "status": status,
    }


def statefulset(
    name: str,
    ns: str,
    rng: random.Random,
    created: float,
    *,
    labels: dict[str, str],
    replicas: int,
    ready: int,
    image: str,
    obj_uid: str,
) -> Json:
    m = meta(name, ns, rng, created, labels)
    m["uid"] = obj_uid
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": m,
        "spec": {
            "replicas": replicas,
            "serviceName": f"{name}-headless",
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": name, "image": image}]}},
        },
        "status": {
            "replicas": replicas,
            "readyReplicas": ready,
            "currentReplicas": replicas,
            "updatedReplicas": replicas,
            "availableReplicas": ready,
            "observedGeneration": 1,
        },
    }


def service(
    name: str,
    ns: str,
    rng: random.Random,
    created: float,
    selector: dict[str, str],
    port: int,
    target: int | str,
    cluster_ip: str,
) -> Json:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(name, ns, rng, created, dict(selector)),
        "spec": {
            "type": "ClusterIP",
            "clusterIP": cluster_ip,
            "clusterIPs": [cluster_ip],
            "selector": selector,
            "ports": [{"name": "http", "port": port, "protocol": "TCP", "targetPort": target}],
            "sessionAffinity": "None",
        },
        "status": {"loadBalancer": {}},
    }


def endpoints(
    name: str,
    ns: str,
    rng: random.Random,
    created: float,
    ready: list[tuple[str, str, str]],
    not_ready: list[tuple[str, str, str]],
    port: int,
) -> Json:
    """core/v1 Endpoints: `addresses` holds ready pods, `notReadyAddresses` the rest; a subset with neither is
    dropped."""

    def addr(ip: str, pod_name: str, node_name: str) -> Json:
        return {
            "ip": ip,
            "nodeName": node_name,
            "targetRef": {"kind": "Pod", "namespace": ns, "name": pod_name, "uid": uid(rng)},
        }

    subset: Json = {"ports": [{"name": "http", "port": port, "protocol": "TCP"}]}
    if ready:
        subset["addresses"] = [addr(*a) for a in ready]
    if not_ready:
        subset["notReadyAddresses"] = [addr(*a) for a in not_ready]
    doc: Json = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta(name, ns, rng, created, {"app": name})}
    if ready or not_ready:
        doc["subsets"] = [subset]
    return doc


# --- log voices -------------------------------------------------------------------------------------------------
RUNTIME = {
    "spring": "java",
    "spring2": "java",
    "logfmt": "go",
    "zap": "go",
    "zapdev": "go",
    "pino": "node",
    "nest": "node",
    "uvicorn": "python",
    "structlog": "python",
    "gunicorn": "python",
}
STYLES = tuple(RUNTIME)
_PINO = {"trace": 10, "debug": 20, "info": 30, "warn": 40, "error": 50, "fatal": 60}
_UPPER = {"debug": "DEBUG", "info": "INFO", "warn": "WARN", "error": "ERROR", "fatal": "FATAL"}


def _logfmt_value(v: Any) -> str:
    s = str(v)
    return json.dumps(s) if (not s or any(c in s for c in ' ="\t')) else s


@dataclass
class Voice:
    """How one process prints its lines. Styles, each the default output of a common stack:

    - `spring`: Spring Boot 3.2+ console pattern
      (`%d{ISO8601 with XXX}  %5p PID --- [app] [%15.15t] %-40.40logger{39} : %m`).
    - `spring2`: Spring Boot 2.x console pattern
      (`yyyy-MM-dd HH:mm:ss.SSS  %5p PID --- [%15.15t] %-40.40logger{39} : %m`).
    - `logfmt`: logrus `TextFormatter` with full timestamps (`time="..." level=info msg="..." k=v`).
    - `zap`: zap `NewProduction` JSON (`level`, `ts` epoch seconds, `caller`, `msg`, fields, `error`).
    - `zapdev`: zap `NewDevelopment` console (`ISO8601<TAB>LEVEL<TAB>caller<TAB>msg<TAB>{fields}`).
    - `pino`: pino / nestjs-pino JSON (numeric `level` 30/40/50, `time` epoch ms, `pid`, `hostname`, `msg`, `err{}`).
    - `nest`: NestJS `ConsoleLogger` (`[Nest] PID  - MM/DD/YYYY, h:mm:ss AM   LEVEL [Context] message`).
    - `uvicorn`: uvicorn's default formatter (`INFO:     ...`, access `client - "GET /x HTTP/1.1" 200 OK`).
    - `structlog`: structlog `JSONRenderer` (`event`, `level`, `timestamp`, `logger`).
    - `gunicorn`: Python logging `%(asctime)s [%(levelname)s] %(name)s: %(message)s`, gunicorn's default access format.
    """

    style: str
    app: str
    host: str
    logger: str
    pid: int = 1
    thread: str = "http-nio-8080-exec-1"

    @property
    def runtime(self) -> str:
        return RUNTIME[self.style]

    def line(self, ts: float, level: str, msg: str, **fields: Any) -> str:
        d = datetime.fromtimestamp(ts, UTC)
        s = self.style
        if s in ("spring", "spring2"):
            lvl = {"fatal": "ERROR"}.get(level, _UPPER[level])
            thread = self.thread[-15:].rjust(15)
            extra = "".join(f" {k}={v}" for k, v in fields.items() if k not in ("stack",))
            body = f"{msg}{extra}"
            if s == "spring":
                return f"{iso_ms(ts)} {lvl:>5} {self.pid} --- [{self.app}] [{thread}] {self.logger[:40]:<40} : {body}"
            return (
                f"{d.strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]} {lvl:>5} {self.pid} --- [{thread}] {self.logger[:40]:<40} "
                f": {body}"
            )
        if s == "logfmt":
            kv = "".join(f" {k}={_logfmt_value(v)}" for k, v in fields.items())
            return f'time="{iso(ts)}" level={"warning" if level == "warn" else level} msg={json.dumps(msg)}{kv}'
        if s == "zap":
            doc: Json = {"level": level, "ts": round(ts, 6), "caller": self.logger, "msg": msg, **fields}
            return json.dumps(doc, separators=(",", ":"))
        if s == "zapdev":
            rest = f"\t{json.dumps(fields)}" if fields else ""
            return f"{iso_ms(ts)}\t{_UPPER[level]}\t{self.logger}\t{msg}{rest}"
        if s == "pino":
            doc = {"level": _PINO[level], "time": int(ts * 1000), "pid": self.pid, "hostname": self.host}
            if "context" not in fields:
                doc["context"] = self.logger
            err = fields.pop("error", None)
            doc |= fields
            if err is not None:
                name = (
                    str(err).split(":", 1)[0]
                    if ":" in str(err)[:40] and " " not in str(err).split(":", 1)[0]
                    else "Error"
                )
                doc["err"] = {
                    "type": name,
                    "message": str(err),
                    "stack": f"{name}: {err}\n    at process.processTicksAndRejections ("
                    "node:internal/process/task_queues:95:5)",
                }
            doc["msg"] = msg
            return json.dumps(doc, separators=(",", ":"))
        if s == "nest":
            ampm = "AM" if d.hour < 12 else "PM"
            stamp = f"{d.month:02d}/{d.day:02d}/{d.year}, {(d.hour % 12) or 12}:{d.minute:02d}:{d.second:02d} {ampm}"
            lvl = {"info": "LOG", "warn": "WARN", "error": "ERROR", "debug": "DEBUG", "fatal": "FATAL"}[level]
            ctx = fields.pop("context", self.logger)
            err = fields.pop("error", None)
            tail = f" {err}" if err else ""
            return f"[Nest] {self.pid}  - {stamp} {lvl:>7} [{ctx}] {msg}{tail}"
        if s == "uvicorn":
            prefix = {"info": "INFO:", "warn": "WARNING:", "error": "ERROR:", "debug": "DEBUG:", "fatal": "CRITICAL:"}[
                level
            ]
            err = fields.pop("error", None)
            return f"{prefix:<10}{msg}{': ' + str(err) if err else ''}"
        if s == "structlog":
            doc = {
                "event": msg,
                "level": "warning" if level == "warn" else level,
                "timestamp": iso_us(ts),
                "logger": self.logger,
                **fields,
            }
            return json.dumps(doc)
        if s == "gunicorn":
            err = fields.pop("error", None)
            lvl = {"warn": "WARNING", "fatal": "CRITICAL"}.get(level, _UPPER[level])
            tail = f": {err}" if err else ""
            return f"{d.strftime('%Y-%m-%d %H:%M:%S,%f')[:-3]} [{lvl}] {self.logger}: {msg}{tail}"
        raise ValueError(s)

    def access(self, ts: float, method: str, path: str, status: int, ms: int, client: str, rid: str) -> str:
        """One served request, in the access-log form this stack prints by default (or its usual middleware's)."""
        s = self.style
        level = "error" if status >= 500 else ("warn" if status >= 400 and s == "pino" else "info")
        if s in ("spring", "spring2"):
            return self.line(ts, "info" if status < 500 else "warn", f"{method} {path} -> {status} ({ms} ms)")
        if s == "logfmt":
            return self.line(
                ts, "info", "request completed", method=method, path=path, status=status, duration_ms=ms, request_id=rid
            )
        if s == "zap":
            return self.line(
                ts,
                "info" if status < 500 else "error",
                "request completed",
                method=method,
                path=path,
                status=status,
                latency=round(ms / 1000, 6),
                request_id=rid,
            )
        if s == "zapdev":
            return self.line(
                ts, "info", "request completed", method=method, path=path, status=status, latency=f"{ms}ms"
            )
        if s == "pino":
            doc = {
                "level": _PINO[level],
                "time": int(ts * 1000),
                "pid": self.pid,
                "hostname": self.host,
                "req": {
                    "id": rid[:8],
                    "method": method,
                    "url": path,
                    "remoteAddress": f"::ffff:{client}",
                    "remotePort": 40000 + int(rid[:3], 16) % 20000,
                },
                "res": {"statusCode": status},
                "responseTime": ms,
                "msg": "request completed" if status < 500 else "request errored",
            }
            return json.dumps(doc, separators=(",", ":"))
        if s == "nest":
            return self.line(
                ts, "info" if status < 500 else "error", f"{method} {path} {status} {ms}ms", context="HTTP"
            )
        if s == "uvicorn":
            reason = {
                200: "OK",
                201: "Created",
                204: "No Content",
                304: "Not Modified",
                400: "Bad Request",
                401: "Unauthorized",
                404: "Not Found",
                429: "Too Many Requests",
                500: "Internal Server Error",
                502: "Bad Gateway",
                503: "Service Unavailable",
                504: "Gateway Timeout",
            }.get(status, "")
            return (
                f'INFO:     {client}:{40000 + int(rid[:3], 16) % 20000} - "{method} {path} HTTP/1.1" {status} {reason}'
            ).rstrip()
        if s == "structlog":
            return self.line(
                ts,
                "info",
                "request finished",
                method=method,
                path=path,
                status_code=status,
                duration_ms=ms,
                request_id=rid,
            )
        if s == "gunicorn":
            size = 200 + ms * 3
            return (
                f'{client} - - [{clf_time(ts)}] "{method} {path} HTTP/1.1" {status} {size} "-" "python-requests/2.32.3"'
            )
        raise ValueError(s)


# --- traffic and noise ------------------------------------------------------------------------------------------
PATHS = {
    "generic": ["/api/v1/items", "/api/v1/items/{id}", "/healthz", "/api/v1/search?q=boots", "/metrics"],
}


def traffic(
    rng: random.Random,
    voice: Voice,
    w: Window,
    paths: list[str],
    every: float,
    t_from: float | None = None,
    t_to: float | None = None,
    clients: list[str] | None = None,
) -> Lines:
    """Healthy request traffic of one process: 2xx mostly, an occasional 404."""
    out: Lines = []
    ips = clients or [f"10.{rng.choice([0, 1, 2])}.{rng.randint(0, 15)}.{rng.randint(2, 254)}" for _ in range(3)]
    for ts in w.spread(rng, w.start if t_from is None else t_from, w.end if t_to is None else t_to, every):
        path = rng.choice(paths).replace("{id}", str(rng.randint(1000, 99999)))
        status = 404 if rng.random() < 0.015 else (201 if path.startswith("POST") else 200)
        method = "POST" if rng.random() < 0.25 and "healthz" not in path and "metrics" not in path else "GET"
        out.append((ts, voice.access(ts, method, path, status, rng.randint(3, 140), rng.choice(ips), request_id(rng))))
    return out


BENIGN_WARNS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    # HikariCP HikariPool.java housekeeper: "{} - Thread starvation or clock leap detected (housekeeper delta={})."
    "java": [
        ("HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m2s415ms).", {}),
        ("Cache 'pricing' refresh took 1873 ms, longer than the 1500 ms budget", {}),
        (
            (
                "spring.jpa.open-in-view is enabled by default. Therefore, database queries may be performed "
                "during view "
                "rendering. Explicitly configure spring.jpa.open-in-view to disable this warning"
            ),
            {},
        ),
    ],
    "go": [
        ("slow handler", {"path": "/api/v1/search", "elapsed": "812ms"}),
        ("config key is deprecated", {"key": "http.timeout_ms", "use": "http.timeout"}),
        ("GOMAXPROCS not set from cgroup quota, using host CPUs", {}),
    ],
    "node": [
        (
            (
                "(node:1) [DEP0040] DeprecationWarning: The `punycode` module is deprecated. Please use a "
                "userland alternative "
                "instead."
            ),
            {},
        ),
        ("slow request", {"route": "/api/v1/search", "responseTime": 905}),
        ("feature flag cache is stale", {"ageSeconds": 95}),
    ],
    "python": [
        ("Invalid HTTP request received.", {}),  # uvicorn h11_impl / httptools_impl warning on a malformed request
        ("slow query", {"elapsed_ms": 1204, "statement": "SELECT ... FROM items"}),
        ("retrying metrics flush", {"attempt": 1}),
    ],
}

PRE_ONSET_ERRORS: list[tuple[str, dict[str, Any]]] = [
    (
        "webhook signature verification failed",
        {"provider": "stripe", "error": "No signatures found matching the expected signature for payload"},
    ),
    ("token introspection failed", {"client_id": "mobile-ios", "error": "token is inactive"}),
    ("coupon lookup failed", {"error": "coupon 'BLACKFRIDAY24' has expired"}),
    ("email validation failed", {"error": "value is not a valid email address: An email address must have an @-sign."}),
    ("failed to render thumbnail", {"error": "image: unknown format"}),
]


def benign_warnings(rng: random.Random, voice: Voice, w: Window, n: int) -> Lines:
    """A few warnings spread over the whole window, long before and after the onset alike."""
    pool = BENIGN_WARNS[voice.runtime]
    out: Lines = []
    for ts in sorted(rng.uniform(w.start, w.end) for _ in range(n)):
        msg, fields = rng.choice(pool)
        if voice.runtime == "node" and msg.startswith("(node:"):
            out.append((ts, msg))  # process warnings go to stderr unformatted
        else:
            out.append((ts, voice.line(ts, "warn", msg, **fields)))
    return out


def steady_errors(rng: random.Random, voice: Voice, w: Window, every: float, template: int | None = None) -> Lines:
    """An unrelated error at the same rate before and after the onset: noise, not a signal."""
    msg, fields = PRE_ONSET_ERRORS[template if template is not None else rng.randrange(len(PRE_ONSET_ERRORS))]
    return [(ts, voice.line(ts, "error", msg, **fields)) for ts in w.spread(rng, w.start, w.end, every)]
