"""Kubernetes findings: container states, restarts, scheduling, probes, nodes, rollouts, services, quotas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from analyzers.base import Finding
from collectors import KubeObject
from collectors.naming import pod_owner

NODE_GROUP_LABELS = (
    "eks.amazonaws.com/nodegroup",
    "cloud.google.com/gke-nodepool",
    "karpenter.sh/nodepool",
    "alpha.eksctl.io/nodegroup-name",
    "node-group",
)
BAD_WAITING = {
    "CrashLoopBackOff": 5.0,
    "ImagePullBackOff": 5.0,
    "ErrImagePull": 5.0,
    "InvalidImageName": 5.0,
    "CreateContainerConfigError": 5.0,
    "CreateContainerError": 4.0,
    "RunContainerError": 4.0,
}


def _sane(obj: KubeObject) -> KubeObject:
    """The object with the containers of its fields the analyzers walk made the types they must be."""
    body = dict(obj.body)
    meta = _dict(body.get("metadata"))
    meta = {**meta, "labels": _dict(meta.get("labels")), "annotations": _dict(meta.get("annotations")),
            "ownerReferences": _dicts(meta.get("ownerReferences"))}  # fmt: skip
    status = _dict(body.get("status"))
    for key in ("conditions", "containerStatuses", "initContainerStatuses", "podIPs"):
        if key in status:
            status[key] = _dicts(status[key])
    for key in ("hard", "used"):
        if key in status:
            status[key] = _dict(status[key])
    spec = _dict(body.get("spec"))
    if "selector" in spec:
        spec["selector"] = _dict(spec["selector"])
    body.update(metadata=meta, status=status, spec=spec)
    if obj.kind == "Event":
        body["involvedObject"] = _dict(body.get("involvedObject"))
        body["series"] = _dict(body.get("series"))
    if obj.kind == "Endpoints":
        body["subsets"] = [
            {**s, "addresses": _dicts(s.get("addresses")), "notReadyAddresses": _dicts(s.get("notReadyAddresses"))}
            for s in _dicts(body.get("subsets"))
        ]
    for cs in status.get("containerStatuses", []) + status.get("initContainerStatuses", []):
        cs["state"], cs["lastState"] = _dict(cs.get("state")), _dict(cs.get("lastState"))
        cs["restartCount"] = _int(cs.get("restartCount"))
    return KubeObject(obj.kind, obj.name, obj.namespace, obj.cluster, body)


def owner_of(obj: dict[str, Any]) -> str:
    """The workload a pod belongs to, as telemetry names it (its Deployment, StatefulSet, ...)."""
    meta = obj.get("metadata", {})
    labels = meta.get("labels") or {}
    # The owner first: a Helm chart's `app.kubernetes.io/name` is the chart (`postgresql`, `redis`), its
    # instance the release; the StatefulSet or Deployment carries the name the team gave it.
    for ref in meta.get("ownerReferences") or []:
        name = str(ref.get("name", ""))
        if ref.get("kind") == "ReplicaSet":
            return pod_owner(name + "-xxxxx")
        if ref.get("kind") in ("StatefulSet", "DaemonSet", "Job", "Deployment"):
            return name
    for key in ("app", "app.kubernetes.io/instance", "app.kubernetes.io/name"):
        if labels.get(key):
            return str(labels[key])
    return pod_owner(str(meta.get("name", "")))


def pod_addresses(objects: list[KubeObject]) -> dict[str, str]:
    """Pod IP -> the workload it belongs to, from the pods and from Endpoints' targetRefs."""
    found: dict[str, str] = {}
    for obj in objects:
        if obj.kind == "Pod":
            status = obj.body.get("status") or {}
            ips = [status.get("podIP")] + [p.get("ip") for p in status.get("podIPs") or [] if isinstance(p, dict)]
            for ip in ips:
                if isinstance(ip, str) and ip:
                    found[ip] = owner_of(obj.body)
        elif obj.kind == "Endpoints":
            for subset in obj.body.get("subsets") or []:
                for address in (subset.get("addresses") or []) + (subset.get("notReadyAddresses") or []):
                    ref = address.get("targetRef") or {}
                    if address.get("ip") and ref.get("kind") == "Pod":
                        found.setdefault(str(address["ip"]), pod_owner(str(ref.get("name", ""))))
    return found


def node_group(node: dict[str, Any]) -> str:
    labels = node.get("metadata", {}).get("labels") or {}
    for key in NODE_GROUP_LABELS:
        if labels.get(key):
            return str(labels[key])
    return str(node.get("metadata", {}).get("name", ""))


def kube_time(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def kube_findings(objects: list[KubeObject]) -> list[Finding]:
    """Every finding of the objects; an object of a shape no API server writes (a string where an object
    goes, a list of labels) is read as far as it makes sense and never stops the rest."""
    by_kind: dict[str, list[KubeObject]] = {}
    for obj in objects:
        by_kind.setdefault(obj.kind, []).append(_sane(obj))
    pods, nodes = by_kind.get("Pod", []), by_kind.get("Node", [])
    groups = {n.name: node_group(n.body) for n in nodes}
    ready = {p.name: _is_ready(p.body) for p in pods}
    readers: list[tuple[str, Callable[[KubeObject], list[Finding]]]] = [
        ("Pod", _pod), ("Event", lambda o: _event(o, groups, ready)), ("Node", _node),
        ("HorizontalPodAutoscaler", _hpa), ("ResourceQuota", _quota), ("Job", _workload_conditions),
        ("Deployment", _workload_conditions), ("StatefulSet", _workload_conditions), ("Certificate", _certificate),
    ]  # fmt: skip
    findings: list[Finding] = []
    for kind, read in readers:
        for obj in by_kind.get(kind, []):
            findings += _guarded(read, obj)
    findings += _guarded(lambda _o: _rollouts(by_kind.get("ReplicaSet", [])), None)
    findings += _guarded(
        lambda _o: _empty_services(by_kind.get("Service", []), by_kind.get("Endpoints", []), pods), None
    )
    return _dedupe(findings)


def _guarded(read: Callable[[Any], list[Finding]], obj: Any) -> list[Finding]:
    """What `read` finds in `obj`; nothing when a field deeper down has a shape it cannot read."""
    try:
        return read(obj)
    except (AttributeError, TypeError, ValueError, KeyError):
        return []


def _finding(obj: KubeObject, resource: str, text: str, score: float, **attrs: Any) -> Finding:
    ref = f"{obj.kind}/{obj.namespace + '/' if obj.namespace else ''}{obj.name}"
    return Finding("kubernetes", "kubernetes", ref, resource, text, score, {"object": obj.kind, **attrs})


def _pod(obj: KubeObject) -> list[Finding]:
    body, out = obj.body, []
    owner = owner_of(body)
    status = body.get("status", {})
    if status.get("reason") == "Evicted" or (status.get("phase") == "Failed" and status.get("message")):
        reason = str(status.get("reason") or "Failed")
        text = f"pod {obj.name} {reason}: {status.get('message', '')}"
        out.append(_finding(obj, owner, text.strip(": "), 4.0, reason=reason, message=status.get("message", "")))
    statuses = [("init container", cs) for cs in status.get("initContainerStatuses") or []]
    statuses += [("container", cs) for cs in status.get("containerStatuses") or []]
    for role, cs in statuses:
        found = _container(obj, owner, role, cs)
        if status.get("reason") == "Evicted":  # the kubelet killed its containers: the eviction says why
            found = [f for f in found if f.attrs.get("reason") not in ("Error", "ContainerStatusUnknown")]
        out += found
    if status.get("phase") == "Pending":
        for cond in status.get("conditions") or []:
            if cond.get("type") == "PodScheduled" and cond.get("status") == "False":
                text = f"pod {obj.name} Pending: {cond.get('reason')}: {cond.get('message', '')}"
                out.append(
                    _finding(
                        obj,
                        owner,
                        text,
                        4.0,
                        reason=cond.get("reason", "Unschedulable"),
                        message=cond.get("message", ""),
                    )
                )
    return out


def _container(obj: KubeObject, owner: str, role: str, cs: dict[str, Any]) -> list[Finding]:
    """A container's waiting reason and its last termination (init containers read as the app's own)."""
    out = []
    name, restarts = cs.get("name"), cs.get("restartCount", 0)
    waiting = (cs.get("state") or {}).get("waiting") or {}
    reason = waiting.get("reason")
    if reason in BAD_WAITING:
        text = f"pod {obj.name} {role} {name} waiting: {reason}: {waiting.get('message', '')}"
        out.append(
            _finding(obj, owner, text.strip(": "), BAD_WAITING[reason], reason=reason,
                     message=waiting.get("message", ""), restarts=restarts, image=cs.get("image", ""), role=role)
        )  # fmt: skip
    last = (cs.get("lastState") or {}).get("terminated") or (cs.get("state") or {}).get("terminated")
    if last and last.get("reason") != "Completed":
        reason = str(last.get("reason", "Error"))
        code = last.get("exitCode")
        message = str(last.get("message") or "")
        text = f"pod {obj.name} {role} {name} terminated: {reason} (exit code {code}), {restarts} restarts" + (
            f": {message}" if message else ""
        )
        score = 5.0 if reason == "OOMKilled" or code == 137 else 2.5
        out.append(
            _finding(obj, owner, text, score, reason=reason, exit_code=code, restarts=restarts, message=message,
                     role=role, at=kube_time(last.get("finishedAt")))
        )  # fmt: skip
    return out


def _is_ready(pod: dict[str, Any]) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _event(obj: KubeObject, groups: dict[str, str], ready: dict[str, bool]) -> list[Finding]:
    body = obj.body
    # cluster-autoscaler reports "max node group size reached" as a Normal NotTriggerScaleUp event
    if body.get("type") != "Warning" and body.get("reason") != "NotTriggerScaleUp":
        return []
    involved = body.get("involvedObject") or {}
    kind, name = involved.get("kind", ""), str(involved.get("name", ""))
    if kind == "Pod":
        resource = pod_owner(name)
    elif kind == "Node":
        resource = groups.get(name, name)
    elif kind == "ReplicaSet":  # `checkout-7d9f8b6c5d`: its Deployment is what telemetry and Terraform name
        resource = pod_owner(name + "-xxxxx")
    else:
        resource = name
    reason, message = str(body.get("reason", "")), str(body.get("message", ""))
    count = _int(body.get("count") or body.get("series", {}).get("count")) or 1
    text = f"event {reason} on {kind} {name} (x{count}): {message}"
    score = 4.0 if reason in ("FailedScheduling", "NodeNotReady", "Evicted", "OOMKilling", "FailedCreate") else 2.5
    return [
        _finding(
            obj,
            resource,
            text,
            score,
            reason=reason,
            message=message,
            count=count,
            involved_kind=kind,
            involved_name=name,
            pod_ready=ready.get(name) if kind == "Pod" else None,
            at=kube_time(
                body.get("lastTimestamp") or (body.get("series") or {}).get("lastObservedTime") or body.get("eventTime")
            ),
        )
    ]


def _node(obj: KubeObject) -> list[Finding]:
    body, out = obj.body, []
    group = node_group(body)
    for cond in body.get("status", {}).get("conditions") or []:
        ctype, status = cond.get("type"), cond.get("status")
        bad = (ctype == "Ready" and status != "True") or (ctype != "Ready" and status == "True")
        if bad:
            label = "NotReady" if ctype == "Ready" else ctype
            text = f"node {obj.name} ({group}) {label}: {cond.get('reason', '')}: {cond.get('message', '')}"
            out.append(
                _finding(
                    obj,
                    group,
                    text,
                    5.0 if ctype == "Ready" else 3.0,
                    reason=label,
                    node=obj.name,
                    message=cond.get("message", ""),
                )
            )
    if body.get("spec", {}).get("unschedulable"):
        out.append(
            _finding(
                obj, group, f"node {obj.name} ({group}) cordoned (unschedulable)", 1.5, reason="Cordoned", node=obj.name
            )
        )
    return out


def _hpa(obj: KubeObject) -> list[Finding]:
    spec, status = obj.body.get("spec", {}), obj.body.get("status", {})
    current, top = _int(status.get("currentReplicas")), _int(spec.get("maxReplicas"))
    desired = status.get("desiredReplicas", current)
    target = spec.get("scaleTargetRef", {}).get("name", obj.name)
    if not top or current < top:
        return []
    text = f"HPA {obj.name} at its maximum: {current}/{top} replicas (wants {desired})"
    return [_finding(obj, str(target), text, 3.5, reason="HPAAtMax", current=current, max=top)]


_SUFFIXES = {"n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
             "E": 1e18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}  # fmt: skip


def quantity(value: Any) -> float | None:
    """A Kubernetes quantity (`500m`, `10`, `2Gi`, `1.5e3`) as a number, or None."""
    text = str(value).strip()
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if suffix and text.endswith(suffix):
            number, factor = text[: -len(suffix)], _SUFFIXES[suffix]
            break
    else:
        number, factor = text, 1.0
    try:
        return float(number) * factor
    except ValueError:
        return None


def _quota(obj: KubeObject) -> list[Finding]:
    status = obj.body.get("status", {})
    hard, used = status.get("hard") or {}, status.get("used") or {}
    full = []
    for key in hard:
        limit, current = quantity(hard[key]), quantity(used.get(key, ""))
        if limit is not None and current is not None and limit > 0 and current >= limit:
            full.append(key)
    if not full:
        return []
    text = f"ResourceQuota {obj.namespace}/{obj.name} exhausted: " + ", ".join(f"{k} {used[k]}/{hard[k]}" for k in full)
    return [_finding(obj, obj.namespace, text, 3.5, reason="QuotaExhausted", quota_keys=full)]


def _certificate(obj: KubeObject) -> list[Finding]:
    """A cert-manager Certificate that is not Ready (Expired, a failed issuance): its message says why."""
    for cond in obj.body.get("status", {}).get("conditions") or []:
        if cond.get("type") == "Ready" and cond.get("status") == "False":
            message = str(cond.get("message") or "")
            text = f"Certificate {obj.namespace}/{obj.name} not ready: {cond.get('reason', '')}: {message}"
            return [_finding(obj, obj.name, text, 3.0, reason="CertificateNotReady", message=message)]
    return []


def _workload_conditions(obj: KubeObject) -> list[Finding]:
    """A Job that failed (BackoffLimitExceeded, DeadlineExceeded), a Deployment whose ReplicaSet cannot create
    pods (ReplicaFailure: the quota or service-account message) or that stopped progressing."""
    out = []
    for cond in obj.body.get("status", {}).get("conditions") or []:
        ctype, state, reason = cond.get("type"), cond.get("status"), str(cond.get("reason") or "")
        failed = (ctype == "Failed" and state == "True") or (ctype == "ReplicaFailure" and state == "True")
        stalled = ctype == "Progressing" and state == "False"
        if not (failed or stalled):
            continue
        message = str(cond.get("message") or "")
        resource = obj.name  # a CronJob's run is named as its pods and events name it
        text = f"{obj.kind} {obj.name} {ctype}: {reason}: {message}".strip(": ")
        out.append(_finding(obj, resource, text, 3.5 if failed else 2.0, reason=reason or ctype, message=message))
    return out


def _rollouts(replicasets: list[KubeObject]) -> list[Finding]:
    out = []
    for obj in replicasets:
        body = obj.body
        created = kube_time(body.get("metadata", {}).get("creationTimestamp"))
        images = [
            c.get("image", "") for c in body.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
        ]
        revision = body.get("metadata", {}).get("annotations", {}).get("deployment.kubernetes.io/revision", "")
        owner = owner_of(body)
        text = (
            f"ReplicaSet {obj.name} (revision {revision}, image {', '.join(images)}) "
            f"created {body.get('metadata', {}).get('creationTimestamp', '?')}, "
            f"replicas {body.get('status', {}).get('replicas', 0)}"
        )
        out.append(
            _finding(
                obj,
                owner,
                text,
                1.0,
                reason="ReplicaSet",
                created=created,
                images=images,
                revision=revision,
                replicas=body.get("spec", {}).get("replicas", 0),
                pod_hash=body.get("metadata", {}).get("labels", {}).get("pod-template-hash", ""),
            )
        )
    return out


def _empty_services(services: list[KubeObject], endpoints: list[KubeObject], pods: list[KubeObject]) -> list[Finding]:
    """A Service with no ready endpoint. When its selector matches pods (not ready ones) the Service routes
    fine and the pods are the cause (NoReadyPods, a symptom); only when it matches none is it misrouted."""
    by_name = {(e.namespace, e.name): e.body for e in endpoints}
    out = []
    for svc in services:
        selector = svc.body.get("spec", {}).get("selector") or {}
        ep = by_name.get((svc.namespace, svc.name))
        if not selector or ep is None:
            continue
        subsets = ep.get("subsets") or []
        ready = sum(len(s.get("addresses") or []) for s in subsets)
        sel = ",".join(f"{k}={v}" for k, v in selector.items())
        ports = [p.get("targetPort") for p in svc.body.get("spec", {}).get("ports", [])]
        selected = [
            p for p in pods
            if p.namespace == svc.namespace
            and all((p.body.get("metadata", {}).get("labels") or {}).get(k) == v for k, v in selector.items())
        ]  # fmt: skip
        if ready:
            out += _unserved_ports(svc, selected, sel)
            continue
        not_ready = sum(len(s.get("notReadyAddresses") or []) for s in subsets)
        if selected or not_ready:
            owner = owner_of(selected[0].body) if selected else svc.name
            text = (f"Service {svc.namespace}/{svc.name} has no ready endpoints: the {max(len(selected), not_ready)} "
                    f"pod(s) it selects ({sel}) are not ready")  # fmt: skip
            out.append(_finding(svc, owner, text, 1.0, reason="NoReadyPods", selector=selector, ports=ports))
            continue
        text = f"Service {svc.namespace}/{svc.name} has no ready endpoints (selector {sel}, targetPort {ports})"
        out.append(_finding(svc, svc.name, text, 4.0, reason="NoEndpoints", selector=selector, ports=ports))
    return out


def _unserved_ports(svc: KubeObject, selected: list[KubeObject], sel: str) -> list[Finding]:
    """A Service whose targetPort no container of its (ready) pods declares: the endpoints look healthy and every
    connection to them is refused. Only when the pods declare their ports: an undeclared port may still listen."""
    declared = [
        port for pod in selected for c in _dicts(_dict(pod.body.get("spec")).get("containers"))
        for port in _dicts(c.get("ports")) if port.get("protocol", "TCP") == "TCP"
    ]  # fmt: skip
    numbers = sorted({p["containerPort"] for p in declared if isinstance(p.get("containerPort"), int)})
    names = {p.get("name") for p in declared if p.get("name")}
    if not numbers:
        return []
    out = []
    for port in _dicts(_dict(svc.body.get("spec")).get("ports")):
        target = port.get("targetPort", port.get("port"))
        served = (
            target in numbers
            or target in names
            or (isinstance(target, str) and target.isdigit() and int(target) in numbers)
        )
        if served:
            continue
        text = (f"Service {svc.namespace}/{svc.name} sends port {port.get('port')} to targetPort {target}, which none "
                f"of the {len(selected)} pod(s) it selects ({sel}) declares (they declare {numbers})")  # fmt: skip
        out.append(_finding(svc, svc.name, text, 4.0, reason="TargetPortMismatch", target_port=target,
                            container_ports=numbers, port=port.get("port")))  # fmt: skip
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Pods of one workload repeat each other: keep one finding per (resource, reason, text shape)."""
    seen: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        key = (f.resource, str(f.attrs.get("reason")), str(f.attrs.get("message", ""))[:60])
        if f.attrs.get("object") == "ReplicaSet":
            key = (f.resource, "ReplicaSet", f.ref)
        if key in seen:
            seen[key].attrs["pods"] = int(seen[key].attrs.get("pods", 1)) + 1
        else:
            seen[key] = f
    return list(seen.values())
