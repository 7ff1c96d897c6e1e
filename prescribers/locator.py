"""Find what a diagnosis implicates in the Terraform: the blocks naming the resource, one hop of references,
and every file that feeds their values (the environment's tfvars, locals, defaults). Both prescribers start here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers import Diagnosis
from collectors import Evidence
from prescribers._edits import walk
from prescribers.tfindex import (
    K8S_WORKLOADS,
    Block,
    Located,
    TerraformIndex,
    environment_of,
    match_score,
    telemetry_name,
)


@dataclass(slots=True)
class Location:
    index: TerraformIndex
    names: list[str]  # what was looked for
    blocks: list[Block]  # what the diagnosis implicates
    _feeders: list[Located] | None = None

    def feeders(self) -> list[Located]:
        """Every place outside the implicated blocks that feeds one of their values (tfvars, locals, defaults)."""
        if self._feeders is None:
            self._feeders = [f for b in self.blocks for f in self.index.feeders(b)]
        return self._feeders

    @property
    def allowed(self) -> set[str]:
        """What a fix may change: the implicated blocks, the places that feed their values, and the values files
        their Helm releases read (as `file:<path>`)."""
        values = {f"file:{p}" for p in self.value_files()}
        return {b.address for b in self.blocks} | {f.owner for f in self.feeders()} | self.index.fed | values

    def value_files(self) -> list[str]:
        return [p for b in self.blocks for p in self.index.value_files(b)]

    def files(self) -> dict[str, str]:
        """The implicated blocks' files, every file feeding their values and the values files their Helm releases
        read, as a model is shown them."""
        paths = {b.file for b in self.blocks} | {f.file for f in self.feeders()} | set(self.value_files())
        return {p: self.index.files[p] for p in sorted(paths)}

    def nothing_found(self) -> str:
        """What was looked for and what came closest, for a summary that has no block to change."""
        wanted = ", ".join(dict.fromkeys(telemetry_name(n) for n in self.names if n))
        closest = "; ".join(self.index.closest(telemetry_name(self.names[0]))) or "none"
        return (
            f"no block in terraform/ is named {wanted} (looked in names, name prefixes, tags, labels, for_each keys "
            f"and module inputs, through locals, variables and tfvars; closest: {closest})"
        )

    def why_not(self, resource: str) -> str:
        """Why the implicated blocks gave no change: what they are and what the index could not resolve."""
        found = ", ".join(b.address for b in self.blocks[:4])
        notes = "; ".join(dict.fromkeys(self.index.notes))
        return f"the blocks for {resource} ({found}) have nothing this change sets" + (f": {notes}" if notes else "")


def locate(evidence: Evidence, diagnosis: Diagnosis) -> Location:
    """Index the evidence's terraform/ for the incident's environment and find what the diagnosis implicates."""
    assert evidence.terraform_dir
    scope = evidence.scope
    environment = scope.environment or environment_of(" ".join(scope.clusters)) or environment_of(diagnosis.resource)
    index = TerraformIndex(evidence.terraform_dir, environment=environment)
    names = names_for(index, diagnosis)
    blocks = implicated(index, names)
    chosen = [index.get(str(diagnosis.details.get(k, ""))) for k in ("peer_block", "caller_sg", "policy_block")]
    if diagnosis.details.get("registry_auth"):  # the registry credentials a pull needs, for the pod spec to name
        chosen += [b for b in index.blocks if "kubernetes.io/dockerconfigjson" in index.text(b) and not b.inner]
    blocks += [b for b in dict.fromkeys(chosen) if b is not None and b not in blocks]
    return Location(index, names, blocks)


def implicated(index: TerraformIndex, resources: list[str]) -> list[Block]:
    """The blocks a diagnosis implicates: those naming the resource, one hop of references each way,
    and the variables they read."""
    found: list[Block] = []
    for resource in resources:
        for block in index.relevant(resource):
            for b in [block, *index.references(block), *index.referrers(block)]:
                index.share_focus(block, b)
                if b not in found and b.kind in ("resource", "data", "module") and not b.inner:
                    found.append(b)
    for block in list(found):
        for kind, name in re.findall(r"\b(var|local)\.([A-Za-z_][\w-]*)", index.text(block)):
            extra = index.get(f"variable.{name}") if kind == "var" else None
            if extra and extra not in found:
                found.append(extra)
    return found


def names_for(index: TerraformIndex, diagnosis: Diagnosis) -> list[str]:
    """What to look up in the Terraform: the resource, the denied role or account, both ends of a blocked path."""
    details = diagnosis.details
    names = [diagnosis.resource, *([details["role"]] if details.get("role") else [])]
    if details.get("member"):  # a GCP service account: its account_id
        names.append(str(details["member"]).split("@")[0])
    _locate_network_path(index, diagnosis, names)
    return names


def _locate_network_path(index: TerraformIndex, diagnosis: Diagnosis, names: list[str]) -> None:
    """For a blocked path: the caller's security group and the peer's, so the rule opens exactly that path; or,
    in Kubernetes, the caller's egress NetworkPolicy and the peer's pod labels and namespace."""
    if diagnosis.category != "network_blocked":
        return
    details = diagnosis.details
    host = str(details.get("peer") or "")
    peer = host.split(".")[0]
    caller_sgs = _security_groups(index, diagnosis.resource)
    peer_sgs = _security_groups(index, peer) if peer else []
    if caller_sgs and peer_sgs:
        details["caller_sg"] = caller_sgs[0].address
        details["peer_block"] = peer_sgs[0].address
        names.append(peer)
        return
    policy, key = _egress_policy(index, diagnosis.resource)
    if policy is None or not peer or re.fullmatch(r"[\d.]+", host):
        return
    parts = host.split(".")
    namespace = parts[1] if len(parts) == 2 or (len(parts) > 2 and parts[2] == "svc") else None
    own = _namespace(index, policy)
    details.update(policy_block=policy.address, peer_labels={key: peer}, peer_labels_from="")
    for workload in index.relevant(peer, K8S_WORKLOADS):
        labels = _pod_labels(index, workload)
        if labels:
            details.update(peer_labels=labels, peer_labels_from=workload.address)
            break
    if namespace and namespace != own:
        details["peer_namespace"] = namespace


def _security_groups(index: TerraformIndex, resource: str) -> list[Block]:
    """The resource's own security group: one named for it, else those its blocks attach."""
    relevant = index.relevant(resource)
    own = [b for b in relevant if b.acts_as(("aws_security_group",))]
    return own or [r for b in relevant for r in index.references(b) if r.acts_as(("aws_security_group",))]


def _egress_policy(index: TerraformIndex, resource: str) -> tuple[Block | None, str]:
    """The NetworkPolicy limiting the egress of the resource's pods, and the label key it selects them by."""
    wanted = telemetry_name(resource)
    for block in index.blocks:
        if block.type not in ("kubernetes_network_policy", "kubernetes_network_policy_v1") or block.inner:
            continue
        spec = next(iter(block.node.child("spec")), None)
        selector = next(iter(spec.child("pod_selector")), None) if spec else None
        labels = next(iter(selector.child("match_labels")), None) if selector else None
        types = spec.attr("policy_types") if spec else None
        if labels is None or types is None or "Egress" not in types.value:
            continue
        for key, span in labels.attrs.items():
            if match_score(wanted, index.evaluate(block, span)) >= 3:
                return block, key
    return None, ""


def _pod_labels(index: TerraformIndex, workload: Block) -> dict[str, str]:
    """The labels a workload's pod template gives its pods."""
    template = next((n for n in walk(workload.node) if n.word == "template"), None)
    metadata = next(iter(template.child("metadata")), None) if template else None
    labels = next(iter(metadata.child("labels")), None) if metadata else None
    return {k: index.evaluate(workload, v) for k, v in labels.attrs.items()} if labels else {}


def _namespace(index: TerraformIndex, block: Block) -> str | None:
    metadata = next(iter(block.node.child("metadata")), None)
    span = metadata.attr("namespace") if metadata else None
    return index.evaluate(block, span) if span else None
