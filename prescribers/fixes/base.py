"""What every fix writer is, and the helpers several share: the workload types, `first`, the `scaler` factory and
one more item in a pod spec's list."""

from __future__ import annotations

from collections.abc import Callable

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, add_to, collection, scale_keys
from prescribers._hcltext import Node, closing_insert
from prescribers.fixes.fargate import keep_pair_valid
from prescribers.tfindex import K8S_WORKLOADS, Block, TerraformIndex

Writer = Callable[[TerraformIndex, Diagnosis, list[Block]], Patch | None]
"""A fix writer: the index, the diagnosis and the implicated blocks in; exact textual edits out, or None."""

WORKLOADS = ("aws_ecs_task_definition", "aws_lambda_function", *K8S_WORKLOADS, "google_cloud_run_v2_service",
             "helm_release", "kubernetes_manifest")  # fmt: skip


def first(blocks: list[Block], *types: str) -> Block | None:
    return next((b for b in blocks if b.acts_as(types)), None)


def scaler(
    types: tuple[str, ...], keys: tuple[str, ...], factor: float, verb: str, risk: str = "low", cap: float | None = None
) -> Writer:
    """A writer that multiplies every one of `keys` on the first block of `types` that has any (up to `cap`)."""

    def write(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
        for block in (b for b in blocks if b.acts_as(types)):
            edits, notes = scale_keys(index, block, keys, factor, cap=cap)
            if edits and keys[0] in ("memory", "cpu"):
                extra, note = keep_pair_valid(index, block, edits, keys[0])
                if extra is None:
                    index.notes.append(note)
                    continue
                edits, notes = edits + extra, notes + ([note] if note else [])
            if edits:
                return Patch(f"{verb} on {block.address}: {', '.join(notes)}", risk, edits)
        return None

    return write


def add_to_pod_spec(
    index: TerraformIndex, block: Block, nodes: list[Node], key: str, element: str, lines: list[str]
) -> Edit | None:
    """One more item in a pod spec's list (`tolerations`, `imagePullSecrets`), where the pod spec is written: a
    Kubernetes resource's pod spec gains the block `lines`; a list already written (a manifest's, Helm values', a
    module input, or what feeds it) gains `element`; else a manifest's pod spec or the chart's values gain the
    list."""
    text = index.files[block.file]
    if block.type in K8S_WORKLOADS:
        pod_spec = next((n for n in nodes if n.word == "spec" and n.child("container")), None)
        if pod_spec is None:
            return None
        offset, body = closing_insert(text, pod_spec, lines)
        return Edit(block.file, offset, offset, body)
    for node in nodes:
        if key in node.attrs and (found := collection(index, block, node, key)) is not None:
            return add_to(index, found, key, element)
    where = _manifest_pod_spec(nodes) if block.type == "kubernetes_manifest" else _helm_values(nodes)
    if where is None:
        return None
    offset, body = closing_insert(text, where, [f"{key} = [{element}]"])
    return Edit(block.file, offset, offset, body)


def _manifest_pod_spec(nodes: list[Node]) -> Node | None:
    """A `kubernetes_manifest`'s pod spec: the `spec` object that lists `containers`."""
    return next((n for n in nodes if n.kind == "object" and n.header == "spec" and "containers" in n.attrs), None)


def _helm_values(nodes: list[Node]) -> Node | None:
    """A Helm release's values: the object `values = [yamlencode({...})]` encodes."""
    return next((n for n in nodes if n.kind == "object" and n.header == "values"), None)
