"""Run the templates prescriber over every style-matrix cell and tabulate: right, no fix (with the reason), wrong.

`python -m tests.tfstyles.matrix [--seed 7] [--show]` prints the table the README carries.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analyzers import Diagnosis
from collectors import Evidence, Scope, Window
from prescribers import Prescription, TemplatePrescriber
from tests.tfstyles.cells import Cell, cells


@dataclass
class Result:
    cell: Cell
    verdict: str  # right | no fix | wrong
    why: str
    prescription: Prescription


def run(cell: Cell, root: Path) -> Result:
    folder = root / cell.id.replace("/", "__").replace(" ", "_")
    for rel, text in cell.files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    scope = Scope(f"{cell.resource} {cell.category}", Window(now - timedelta(minutes=30), now), cell.resource,
                  cell.environment)  # fmt: skip
    evidence = Evidence(scope, terraform_dir=str(folder))
    diagnosis = Diagnosis(cell.category, cell.resource, f"{cell.category} on {cell.resource}", 0.9, "rules", [], [],
                          dict(cell.details))  # fmt: skip
    prescription = TemplatePrescriber().prescribe(diagnosis, evidence)
    fix = prescription.fix
    if fix is None:
        return Result(cell, "no fix", prescription.advice, prescription)
    if not fix.safe:
        return Result(cell, "wrong", "unsafe: " + "; ".join(c.detail for c in fix.checks if not c.passed), prescription)
    if fix.files == cell.want:
        return Result(cell, "right", fix.summary, prescription)
    return Result(cell, "wrong", f"{fix.summary}\n{fix.diff}", prescription)


def run_all(seed: int = 7) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        return [run(c, Path(tmp)) for c in cells(seed)]


def table(results: list[Result]) -> str:
    """A row per category: how many styles, and how many cells came out right, with no fix, or wrong."""
    by: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by[r.cell.category].append(r)
    lines = ["| category | styles | right | no fix | wrong | unsafe |", "|---|---|---|---|---|---|"]
    for category, rows in by.items():
        counts = [sum(r.verdict == v for r in rows) for v in ("right", "no fix", "wrong")]
        unsafe = sum(1 for r in rows if r.prescription.fix is not None and not r.prescription.fix.safe)
        styles = "; ".join(r.cell.style for r in rows)
        lines.append(f"| {category} | {styles} | {counts[0]} | {counts[1]} | {counts[2]} | {unsafe} |")
    right = sum(r.verdict == "right" for r in results)
    wrong = sum(r.verdict == "wrong" for r in results)
    unsafe = sum(1 for r in results if r.prescription.fix is not None and not r.prescription.fix.safe)
    lines.append("")
    lines.append(f"{len(results)} cells: {right} right ({right / len(results):.0%}), "
                 f"{len(results) - right - wrong} no fix, {wrong} wrong, {unsafe} unsafe")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.tfstyles.matrix", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="print why each cell that is not right is not")
    args = parser.parse_args(argv)
    results = run_all(args.seed)
    sys.stdout.write(table(results) + "\n")
    if args.show:
        for r in results:
            if r.verdict != "right":
                sys.stdout.write(f"\n## {r.cell.id} ({r.cell.resource}): {r.verdict}\n{r.why}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
