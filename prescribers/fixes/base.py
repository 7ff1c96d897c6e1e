"""What every fix writer is, and the helpers several share: the workload types, `first` and the `scaler` factory."""

from __future__ import annotations

from collections.abc import Callable

from analyzers import Diagnosis
from prescribers._edits import Patch, scale_keys
from prescribers._hcltext import Node
from prescribers.fixes.fargate import keep_pair_valid
from prescribers.tfindex import Block, TerraformIndex

Writer = Callable[[TerraformIndex, Diagnosis, list[Block]], Patch | None]
"""A fix writer: the index, the diagnosis and the implicated blocks in; exact textual edits out, or None."""

WORKLOADS = (
    "aws_ecs_task_definition",
    "aws_lambda_function",
    "kubernetes_deployment",
    "kubernetes_deployment_v1",
    "kubernetes_stateful_set",
    "kubernetes_stateful_set_v1",
    "kubernetes_daemon_set_v1",
    "kubernetes_daemonset",
    "kubernetes_job_v1",
    "kubernetes_job",
    "kubernetes_cron_job_v1",
    "kubernetes_cron_job",
    "google_cloud_run_v2_service",
    "helm_release",
    "kubernetes_manifest",
)
K8S_WORKLOADS = (
    "kubernetes_deployment",
    "kubernetes_deployment_v1",
    "kubernetes_stateful_set",
    "kubernetes_stateful_set_v1",
    "kubernetes_daemon_set_v1",
    "kubernetes_daemonset",
    "kubernetes_job_v1",
    "kubernetes_job",
    "kubernetes_cron_job_v1",
    "kubernetes_cron_job",
)  # a pod spec, however deep (a CronJob's sits under job_template)


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


def manifest_pod_spec(nodes: list[Node]) -> Node | None:
    """A `kubernetes_manifest`'s pod spec: the `spec` object that lists `containers`."""
    return next((n for n in nodes if n.kind == "object" and n.header == "spec" and "containers" in n.attrs), None)


def helm_values(nodes: list[Node]) -> Node | None:
    """A Helm release's values: the object `values = [yamlencode({...})]` encodes."""
    return next((n for n in nodes if n.kind == "object" and n.header == "values"), None)
