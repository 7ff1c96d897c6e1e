"""Add a toleration for the node taint that keeps the workload's pods unscheduled."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, walk
from prescribers._hcltext import closing_insert
from prescribers.fixes.base import K8S_WORKLOADS, first
from prescribers.tfindex import Block, TerraformIndex


def tolerate_taint(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    taint = diagnosis.details.get("taint")
    block = first(blocks, *K8S_WORKLOADS)
    if not taint or block is None:
        return None
    text = index.files[block.file]
    pod_spec = next((n for n in walk(block.node) if n.word == "spec" and n.child("container")), None)
    if pod_spec is None:
        return None
    lines = [
        "toleration {",
        f'  key      = "{taint["key"]}"',
        '  operator = "Equal"',
        f'  value    = "{taint["value"]}"',
        f'  effect   = "{taint["effect"]}"',
        "}",
    ]
    offset, body = closing_insert(text, pod_spec, lines)
    return Patch(
        f"Let {block.address} tolerate the taint {taint['key']}={taint['value']}",
        "medium",
        [Edit(block.file, offset, offset, body)],
    )
