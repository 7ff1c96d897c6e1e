"""Correct the Service's selector to the labels its pods actually carry, wherever each selected value is written:
the Service's `selector` map, a local or variable it reads (the environment's tfvars first), the failing entry of
a `for_each` over services, a `kubernetes_manifest` Service, or a module's `selector` input."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, collection, focused, replace_literal
from prescribers._hcltext import unquote
from prescribers.tfindex import Block, TerraformIndex

SERVICES = ("kubernetes_service", "kubernetes_service_v1", "kubernetes_manifest")


def correct_selector(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    wanted: dict[str, str] = diagnosis.details.get("pod_labels") or {}
    for block in (b for b in blocks if b.acts_as(SERVICES) or b.kind == "module"):
        edits, notes = _correct(index, block, wanted)
        if edits:
            return Patch(f"Correct the selector of {block.address}: {', '.join(notes)}", "low", edits)
    return None


def _correct(index: TerraformIndex, block: Block, wanted: dict[str, str]) -> tuple[list[Edit], list[str]]:
    for node in focused(index, block):
        if "selector" not in node.attrs:
            continue
        found = collection(index, block, node, "selector")
        if found is None or found.node is None or found.node.kind != "object":
            continue
        edits, notes = [], []
        for key, value in wanted.items():
            span = found.node.attrs.get(key)
            literal = index.follow(block, found.file, span, found.owner, found.via) if span else None
            if literal is None or literal.span is None or unquote(literal.span.value) == value:
                continue
            index.fed.add(literal.owner)
            edits.append(replace_literal(literal.file, literal.span, value))
            notes.append(f"{key} {unquote(literal.span.value)} → {value}{literal.where(block)}")
        if edits:
            return edits, notes
    return [], []
