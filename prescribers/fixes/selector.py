"""Correct the Service's selector to the labels its pods actually carry."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch, replace_literal, walk
from prescribers._hcltext import unquote
from prescribers.tfindex import Block, TerraformIndex


def correct_selector(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    wanted: dict[str, str] = diagnosis.details.get("pod_labels") or {}
    for block in (b for b in blocks if b.type in ("kubernetes_service", "kubernetes_service_v1")):
        for node in walk(block.node):
            if node.word != "selector":
                continue
            edits = []
            for key, value in wanted.items():
                span = node.attr(key)
                if span and unquote(span.value) != value:
                    edits.append(replace_literal(block.file, span, value))
            if edits:
                shown = ", ".join(f"{k}={v}" for k, v in wanted.items())
                return Patch(f"Correct the selector of {block.address} to the pods' labels ({shown})", "low", edits)
    return None
