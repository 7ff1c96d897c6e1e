"""What a plan says, read from the text Atlantis comments or Terraform Cloud's check run carries."""

from __future__ import annotations

import re
from dataclasses import dataclass

_COUNTS = re.compile(r"Plan: (?:\d+ to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy")
_TFC = re.compile(r"Terraform plan: (?:\d+ to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy")
_NONE = re.compile(
    r"No changes\. (?:Your )?infrastructure matches the configuration|Plan: 0 to add, 0 to change, 0 to destroy"
)
_ERROR_LINE = re.compile(r"(?m)^(?:\s*[│|]?\s*)?Error: (.+)$")
_FAILED = re.compile(r"Plan Error|Plan Failed|Error: ")
_ATLANTIS = re.compile(r"Ran Plan for (?:dir: `([^`]+)`|\d+ projects?)|atlantis apply|Terraform plan", re.I)


@dataclass(frozen=True, slots=True)
class Plan:
    add: int = 0
    change: int = 0
    destroy: int = 0
    failed: str | None = None  # the first error line, when the plan failed

    @property
    def changes_nothing(self) -> bool:
        return self.failed is None and not (self.add or self.change or self.destroy)

    def summary(self) -> str:
        if self.failed is not None:
            return f"the plan failed: {self.failed}"
        if self.changes_nothing:
            return "the plan changes nothing"
        line = f"plan: {self.add} to add, {self.change} to change, {self.destroy} to destroy"
        return line + (f" — it DESTROYS {self.destroy} resource(s): read it before merging" if self.destroy else "")


def read_plan(text: str) -> Plan | None:
    """The plan a comment or check run reports; None when the text is not a plan (a person's comment)."""
    if _FAILED.search(text) and _ATLANTIS.search(text):  # one project's failure is the plan's, whatever else ran
        line = _ERROR_LINE.search(text)
        return Plan(failed=(line.group(1) if line else "see the pull request").strip()[:300])
    counts = _COUNTS.findall(text) or _TFC.findall(text)
    if counts:  # Atlantis posts one block per project: the totals are what the merge would do
        add, change, destroy = (sum(int(c[i]) for c in counts) for i in range(3))
        return Plan(add, change, destroy)
    if _NONE.search(text):
        return Plan()
    return None
