"""routing_misconfig: a Service whose selector matches no ready pod."""

from __future__ import annotations

from typing import Any

from analyzers.signatures.base import Case, Signature


def facts(case: Case) -> dict[str, Any]:
    """What the Service selects, and what the ready pods that should back it are actually labelled; or the
    targetPort its pods do not serve, and the one port they declare."""
    port = next((f for _w, f in case.support if f.attrs.get("reason") == "TargetPortMismatch"), None)
    if port is not None:
        declared = port.attrs.get("container_ports") or []
        return {
            "target_port": port.attrs.get("target_port"),
            "container_port": declared[0] if len(declared) == 1 else None,
        }
    svc = next((f for _w, f in case.support if f.attrs.get("reason") == "NoEndpoints"), None)
    if svc is None:
        return {}
    selector: dict[str, str] = svc.attrs["selector"]
    out: dict[str, Any] = {"selector": selector}
    for obj in case.evidence.kubernetes:
        labels = obj.body.get("metadata", {}).get("labels") or {}
        if obj.kind != "Pod" or not set(selector) & set(labels) or all(labels.get(k) == v for k, v in selector.items()):
            continue
        if any(
            str(labels.get(k, "")).startswith(v) or v.startswith(str(labels.get(k, ""))) for k, v in selector.items()
        ):
            out["pod_labels"] = {k: labels[k] for k in selector if k in labels}
            break
    return out


SIGNATURE = Signature(
    category="routing_misconfig",
    kube_reasons={"NoEndpoints": 5, "TargetPortMismatch": 4},
    advice=(
        "receives no traffic: its Service matches no ready pod, or sends it to a port they do not serve",
        "correct the Service",
    ),  # fmt: skip
    facts=facts,
    example="inventory-routing",
)
