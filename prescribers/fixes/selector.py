"""Correct the Service: its selector to the labels its pods actually carry, or its target port to the one port
they serve. Wherever each value is written: the Service's `selector` map or `port` block, a local or variable it
reads (the environment's tfvars first), the failing entry of a `for_each` over services, a `kubernetes_manifest`
Service's `ports`, or a module's input."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, collection, dynamic_entries, focused, replace_literal
from prescribers._hcltext import unquote
from prescribers.tfindex import Block, Located, TerraformIndex

SERVICES = ("kubernetes_service", "kubernetes_service_v1", "kubernetes_manifest")


TARGET_PORTS = ("target_port", "targetPort")


def correct_service(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    if diagnosis.details.get("target_port") is not None:
        return _correct_target_port(index, diagnosis, blocks)
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


def _correct_target_port(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    """The target port the pods do not serve → the one port they declare (none when they declare several)."""
    bad, good = str(diagnosis.details["target_port"]), diagnosis.details.get("container_port")
    if good is None:
        index.notes.append(f"the pods declare several ports; which one targetPort {bad} meant is not ours to guess")
        return None
    for block in (b for b in blocks if b.acts_as(SERVICES) or b.kind == "module"):
        for node in focused(index, block):
            rows = dynamic_entries(index, block, node, *TARGET_PORTS)  # a `dynamic "port"` over a local list
            iterated = [(k, r[k]) for r in rows for k in r if isinstance(r[k], Located)]
            for key, found in [
                *iterated,
                *((k, index.locate(block, node, k)) for k in node.attrs if k in TARGET_PORTS),
            ]:
                if found is None or found.span is None or unquote(found.span.value) != bad:
                    continue
                return Patch(
                    f"Correct the target port of {block.address}: {key} {bad} → {good}{found.where(block)} "
                    "(the port its pods declare)",
                    "low",
                    [replace_literal(found.file, found.span, str(good))],
                )
    return None
