"""The offline prescriber: a Terraform template per category, checked by the same safety rules as any model."""

from __future__ import annotations

from analyzers import Diagnosis
from analyzers.signatures import ADVICE
from collectors import Evidence
from prescribers._edits import apply, unified_diff
from prescribers.base import Fix, Prescription
from prescribers.fixes import WRITERS
from prescribers.safety import check_fix
from prescribers.tfindex import Block, TerraformIndex


def implicated(index: TerraformIndex, resources: list[str]) -> list[Block]:
    """The blocks a diagnosis implicates: those naming the resource, one hop of references each way,
    and the variables and locals they read."""
    found: list[Block] = []
    for resource in resources:
        for block in index.relevant(resource):
            for b in [block, *index.references(block), *index.referrers(block)]:
                if b not in found and b.kind in ("resource", "data"):
                    found.append(b)
    for block in list(found):
        for kind, name in _reads(index, block):
            extra = index.get(f"variable.{name}") if kind == "var" else None
            if extra and extra not in found:
                found.append(extra)
    return found


def _reads(index: TerraformIndex, block: Block) -> list[tuple[str, str]]:
    import re

    return re.findall(r"\b(var|local)\.([A-Za-z_][\w-]*)", index.text(block))


def finish(
    index: TerraformIndex, new_files: dict[str, str], summary: str, risk: str, engine: str, allowed: set[str]
) -> Fix:
    """Turn new file contents into a Fix: the diff, whole files and every safety check."""
    old = {path: index.files.get(path, "") for path in new_files}
    checks = check_fix(old, new_files, allowed)
    return Fix(engine, summary, unified_diff(old, new_files), new_files, checks, risk)


class TemplatePrescriber:
    """Writes the category's standard Terraform change against the bundle's (or the configured) terraform/."""

    name = "templates"

    def prescribe(self, diagnosis: Diagnosis, evidence: Evidence) -> Prescription:
        what_to_do = ADVICE.get(diagnosis.category, ("", "investigate by hand"))[1]
        if not evidence.terraform_dir:
            return Prescription(None, "No fix offered: the bundle has no terraform/ to patch.")
        writer = WRITERS.get(diagnosis.category)
        if writer is None:
            return Prescription(None, "No fix offered: this is not something a change to our Terraform fixes.")
        index = TerraformIndex(evidence.terraform_dir)
        names = names_for(index, diagnosis)
        blocks = implicated(index, names)
        patch = writer(index, diagnosis, blocks)
        if patch is None:
            return Prescription(
                None,
                f"No fix offered: no block in terraform/ matches {diagnosis.resource} for this change; {what_to_do}.",
            )
        new_files = apply(index.files, patch.edits)
        allowed = {b.address for b in blocks}
        fix = finish(index, new_files, patch.summary, patch.risk, self.name, allowed)
        if not fix.safe:
            failed = "; ".join(f"{c.name}: {c.detail}" for c in fix.checks if not c.passed)
            return Prescription(
                None, f"No fix offered: the change failed the safety checks ({failed}); {what_to_do}.", refused=fix
            )
        return Prescription(fix, fix.summary)


def names_for(index: TerraformIndex, diagnosis: Diagnosis) -> list[str]:
    """What to look up in the Terraform: the resource, the denied role, both ends of a blocked path."""
    names = [diagnosis.resource, *([diagnosis.details["role"]] if diagnosis.details.get("role") else [])]
    _locate_network_path(index, diagnosis, names)
    return names


def _locate_network_path(index: TerraformIndex, diagnosis: Diagnosis, names: list[str]) -> None:
    """For a blocked path: the caller's security group and the peer's, so the rule opens exactly that path."""
    if diagnosis.category != "network_blocked":
        return
    peer = str(diagnosis.details.get("peer") or "").split(".")[0]
    caller_sgs = _security_groups(index, diagnosis.resource)
    peer_sgs = _security_groups(index, peer) if peer else []
    if caller_sgs and peer_sgs:
        diagnosis.details["caller_sg"] = caller_sgs[0].address
        diagnosis.details["peer_block"] = peer_sgs[0].address
        names.append(peer)


def _security_groups(index: TerraformIndex, resource: str) -> list[Block]:
    """The resource's own security group: one named for it, else those its blocks attach."""
    relevant = index.relevant(resource)
    own = [b for b in relevant if b.type == "aws_security_group"]
    return own or [r for b in relevant for r in index.references(b) if r.type == "aws_security_group"]
