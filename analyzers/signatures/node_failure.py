"""node_failure: nodes NotReady or under pressure, and the pods evicted from them."""

from __future__ import annotations

from analyzers.signatures.base import Signature, log

SIGNATURE = Signature(
    category="node_failure",
    logs=(log(r"NodeNotReady|Kubelet stopped posting|PLEG is not healthy", 3),),
    kube_reasons={"NotReady": 6, "NodeNotReady": 4, "DiskPressure": 2},
    advice=(
        "lost nodes: they are NotReady and their pods are evicted",
        "cordon and drain the node, then replace it from its node group",
    ),
    example="node-failure",
)
