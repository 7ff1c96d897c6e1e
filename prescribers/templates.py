"""The offline prescriber: a Terraform template per category, checked by the same safety rules as any model."""

from __future__ import annotations

from analyzers import Diagnosis
from analyzers.signatures import ADVICE
from collectors import Evidence
from prescribers._edits import apply, unified_diff
from prescribers.base import Fix, Prescription
from prescribers.fixes import WRITERS
from prescribers.locator import locate
from prescribers.safety import check_fix
from prescribers.tfindex import TerraformIndex


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
        where = locate(evidence, diagnosis)
        index = where.index
        patch = writer(index, diagnosis, where.blocks)
        if patch is None:
            why = where.why_not(diagnosis.resource) if where.blocks else where.nothing_found()
            return Prescription(None, f"No fix offered: {why}; {what_to_do}.")
        new_files = apply(index.files, patch.edits)
        fix = finish(index, new_files, patch.summary, patch.risk, self.name, where.allowed)
        if not fix.safe:
            failed = "; ".join(f"{c.name}: {c.detail}" for c in fix.checks if not c.passed)
            return Prescription(
                None, f"No fix offered: the change failed the safety checks ({failed}); {what_to_do}.", refused=fix
            )
        return Prescription(fix, fix.summary)
