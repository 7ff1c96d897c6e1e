"""Evaluation over a folder of bundles with expected.json: the only code that reads the answers."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.pipeline import collect_bundle, diagnose
from collectors import CloudDoctorError


@dataclass(slots=True)
class Outcome:
    bundle: str
    expected: str
    got: str
    category_ok: bool
    resource_ok: bool
    fix_ok: bool
    engines: str
    input_tokens: int
    output_tokens: int


def evaluate(folder: Path, diagnoser: str, prescriber: str, options: dict[str, dict[str, Any]] | None) -> list[Outcome]:
    bundles = sorted(p.parent for p in folder.glob("*/expected.json"))
    if not bundles:
        raise CloudDoctorError(f"{folder}: no bundle with an expected.json below it")
    outcomes = []
    for bundle in bundles:
        expected = json.loads((bundle / "expected.json").read_text())
        out = diagnose(collect_bundle(bundle), diagnoser=diagnoser, prescriber=prescriber, options=options).to_json()
        d, fix = out["diagnosis"], out["fix"]
        fix_ok = (fix is not None and all(c["passed"] for c in fix["checks"])) == bool(expected.get("fix"))
        usages = [u for u in (d.get("usage"), (fix or {}).get("usage")) if u]
        engines = f"{d['engine']}+{fix['engine'] if fix else '-'}"
        outcomes.append(Outcome(
            bundle.name, f"{expected['category']} {expected['resource']}", f"{d['category']} {d['resource']}",
            d["category"] == expected["category"], d["resource"] == expected["resource"], fix_ok, engines,
            sum(int(u.get("input_tokens", 0)) for u in usages), sum(int(u.get("output_tokens", 0)) for u in usages),
        ))  # fmt: skip
    return outcomes


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    n = len(outcomes)
    both = sum(o.category_ok and o.resource_ok for o in outcomes)
    return {
        "bundles": n,
        "category_accuracy": round(sum(o.category_ok for o in outcomes) / n, 3),
        "resource_accuracy": round(sum(o.resource_ok for o in outcomes) / n, 3),
        "diagnosis_accuracy": round(both / n, 3),
        "fix_agreement": round(sum(o.fix_ok for o in outcomes) / n, 3),
        "input_tokens": sum(o.input_tokens for o in outcomes),
        "output_tokens": sum(o.output_tokens for o in outcomes),
        "results": [asdict(o) for o in outcomes],
    }
