"""Let the workload's pods tolerate the node taint that keeps them unscheduled.

Where the pod spec is written: a Deployment's or StatefulSet's `toleration` blocks, the list behind a
`dynamic "toleration"` (its locals entry), a `tolerations` list in Helm values, a `kubernetes_manifest` or a
module's input; with none yet, the pod spec (or the chart's values) gains one.
"""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, add_to, collection, focused
from prescribers.fixes.base import add_to_pod_spec
from prescribers.tfindex import K8S_WORKLOADS, Block, TerraformIndex

PODS = (*K8S_WORKLOADS, "helm_release", "kubernetes_manifest")


def tolerate_taint(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    taint = diagnosis.details.get("taint")
    if not taint:
        return None
    fields = {"key": taint["key"], "operator": "Equal", "value": taint["value"], "effect": taint["effect"]}
    for block in (b for b in blocks if b.acts_as(PODS) or (b.kind == "module" and b.provides)):
        edit = _tolerate(index, block, fields)
        if edit is not None:
            where = "" if edit.file == block.file else f" (in {edit.file})"
            return Patch(
                f"Let {block.address} tolerate the taint {taint['key']}={taint['value']}:{taint['effect']}{where}",
                "medium",
                [edit],
            )
    return None


def _tolerate(index: TerraformIndex, block: Block, fields: dict[str, str]) -> Edit | None:
    element = "{ " + ", ".join(f'{k} = "{v}"' for k, v in fields.items()) + " }"
    nodes = focused(index, block)
    for node in nodes:  # a list already written (a dynamic toleration's source, values, an input) gains the entry
        dynamic = ["for_each"] if node.word == "dynamic" and node.labels == ["toleration"] else []
        for key in [*dynamic, *(k for k in node.attrs if k == "tolerations")]:
            found = collection(index, block, node, key)
            if found is not None and (edit := add_to(index, found, "tolerations", element)):
                return edit
    if block.instances:  # a toleration in the shared body would reach every instance
        index.notes.append(f"{block.address} is a collection: its tolerations are not written per instance")
        return None
    lines = ["toleration {", *(f'  {k:<8} = "{v}"' for k, v in fields.items()), "}"]
    return add_to_pod_spec(index, block, nodes, "tolerations", element, lines)
