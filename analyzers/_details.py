"""Facts a fix needs, pulled from the findings behind a verdict: the action denied, the port dropped, ..."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from analyzers.base import Finding
from analyzers.signatures import FLOW_REJECT
from collectors import Evidence

ROLLOUT_BEFORE = 1200.0  # a ReplicaSet created up to 20 minutes before the onset can be its cause
ROLLOUT_AFTER = 300.0
_DENIED = re.compile(r"not authorized to perform:? (\S+?) on resource:? (\S+)", re.IGNORECASE)
_ROLE = re.compile(r"assumed-role/([^/\s]+)/")
_SETTING = re.compile(
    r"(?:environment variable|env var|setting|config key|KeyError:)\s*['\"]?([A-Z][A-Z0-9_]{2,})", re.IGNORECASE
)
_TAINT = re.compile(r"untolerated taint\(?s?\)?\s*\{([^:}]+):\s*([^}]*)\}")
_HEALTH_REQ = re.compile(r"\"(?:GET|HEAD) (/\S*) HTTP/[\d.]+\" (\d{3})")
_ENDPOINT = re.compile(r"(?:\b(\d{1,3}(?:\.\d{1,3}){3})|\b([a-z][a-z0-9.-]+)):(\d{2,5})\b")
_CERT_HOST = re.compile(r"(?:for|host|server name|x509:.*?)\s+\"?([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)", re.IGNORECASE)


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
    texts = _texts(support)
    details: dict[str, Any] = {}
    if category == "permission_denied":
        for text in texts:
            if m := _DENIED.search(text):
                arn = m.group(2).strip(".,;\"'")
                if arn.startswith("arn:aws:s3:::") and "/" in arn:
                    arn = arn.split("/", 1)[0] + "/*"  # the objects of the bucket, not the one key that failed
                details["action"], details["arn"] = m.group(1), arn
                if r := _ROLE.search(text):
                    details["role"] = r.group(1)
                break
    elif category == "crash_loop":
        details["setting"] = next((m.group(1) for t in texts if (m := _SETTING.search(t))), None)
    elif category == "scheduling_failure":
        if m := next((_TAINT.search(t) for t in texts if _TAINT.search(t)), None):
            key, _, value = m.group(1).strip().partition("=")
            details["taint"] = {"key": key, "value": m.group(2).strip() or value, "effect": "NoSchedule"}
    elif category == "health_check_failure":
        details.update(_health_paths(findings, resource))
    elif category == "network_blocked":
        details.update(_blocked_path(texts, findings))
    elif category in ("bad_deploy", "image_pull_failure"):
        details.update(_images(findings, resource))
    elif category == "routing_misconfig":
        details.update(_pod_labels(support, evidence))
    elif category == "certificate_expired":
        details["host"] = next((m.group(1) for t in texts if (m := _CERT_HOST.search(t))), None)
    elif category == "capacity_limit":
        for _w, f in support:
            if f.attrs.get("max") is not None:
                details.update(current=f.attrs.get("current"), max=f.attrs["max"])
    for _w, f in support:
        if f.kind == "metric":
            details.setdefault("metrics", []).append(
                {k: f.attrs.get(k) for k in ("kind", "metric", "baseline", "peak", "limit", "saturation")}
            )
    return details


def _health_paths(findings: list[Finding], resource: str) -> dict[str, Any]:
    bad: Counter[str] = Counter()
    good: Counter[str] = Counter()
    for f in findings:
        if f.kind != "log_template" or resource not in f.attrs["resources"]:
            continue
        for example in f.attrs["examples"]:
            m = _HEALTH_REQ.search(example)
            if not m:
                continue
            path, code = m.group(1), m.group(2)
            if "HealthChecker" in example and code[0] in "45":
                bad[path] += f.attrs["during"]
            elif code == "200" and re.search(r"health|ready|live|status|ping", path):
                good[path] += f.attrs["during"]
    bad_path = bad.most_common(1)[0][0] if bad else None
    good.pop(bad_path or "", None)
    return {"bad_path": bad_path, "good_path": good.most_common(1)[0][0] if good else None}


def _blocked_path(texts: list[str], findings: list[Finding]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for text in texts:
        if m := _ENDPOINT.search(text):
            out.update(peer=m.group(1) or m.group(2), port=int(m.group(3)))
            break
    for f in findings:
        for example in f.attrs.get("examples") or []:
            if (m := FLOW_REJECT.search(example)) and int(m.group(4)) == out.get("port", int(m.group(4))):
                out.update(source_ip=m.group(1), dest_ip=m.group(2), port=int(m.group(4)), flow_log=example)
                return out
    return out


def _images(findings: list[Finding], owner: str) -> dict[str, Any]:
    sets = sorted(
        (
            f
            for f in findings
            if f.kind == "kubernetes"
            and f.attrs.get("reason") == "ReplicaSet"
            and f.resource == owner
            and f.attrs.get("created")
        ),
        key=lambda f: float(f.attrs["created"]),
    )
    out: dict[str, Any] = {}
    if sets:
        out["bad_image"] = (sets[-1].attrs.get("images") or [None])[0]
    if len(sets) >= 2:
        out["previous_image"] = (sets[-2].attrs.get("images") or [None])[0]
    return out


def _pod_labels(support: list[tuple[float, Finding]], evidence: Evidence) -> dict[str, Any]:
    """What the Service selects, and what the ready pods that should back it are actually labelled."""
    svc = next((f for _w, f in support if f.attrs.get("reason") == "NoEndpoints"), None)
    if svc is None:
        return {}
    selector: dict[str, str] = svc.attrs["selector"]
    out: dict[str, Any] = {"selector": selector}
    for obj in evidence.kubernetes:
        labels = obj.body.get("metadata", {}).get("labels") or {}
        if obj.kind != "Pod" or not set(selector) & set(labels) or all(labels.get(k) == v for k, v in selector.items()):
            continue
        if any(
            str(labels.get(k, "")).startswith(v) or v.startswith(str(labels.get(k, ""))) for k, v in selector.items()
        ):
            out["pod_labels"] = {k: labels[k] for k in selector if k in labels}
            break
    return out
