"""Evaluation over a folder of bundles with expected.json: the only code that reads the answers.

expected.json (docs/incident-bundle.md): `category` and `resource` are one acceptable answer or a list of
them; `fix` is true (a fix passing every check), false (no fix), an object naming the files the fix must
change and strings its added lines must contain, or absent (not scored); `platform` groups the results
(optional); `decisive` is text of the line that carries the cause, which the digest must keep (optional).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.pipeline import collect_bundle, diagnose
from kernel import CloudDoctorError, InputError, Problem

Progress = Callable[[int, int, str], None]  # (done so far, total, bundle name)


@dataclass(frozen=True, slots=True)
class Expected:
    categories: tuple[str, ...]
    resources: tuple[str, ...]
    fix: bool | None  # None: not scored
    fix_files: tuple[str, ...] | None = None  # the exact set of files the fix changes
    fix_contains: tuple[str, ...] = ()  # strings that must appear in the diff's added lines
    platform: str | None = None  # what the results are grouped by, beside the category
    decisive: str | None = None  # text of the line that carries the cause: the digest must keep it

    def fix_agrees(self, fix: dict[str, Any] | None) -> bool:
        if self.fix is None:
            return True
        offered = fix is not None and all(c["passed"] for c in fix["checks"])
        if not self.fix or not offered:
            return offered == self.fix
        assert fix is not None
        if self.fix_files is not None and set(fix["files"]) != set(self.fix_files):
            return False
        added = [line[1:] for line in fix["diff"].splitlines() if line.startswith("+") and not line.startswith("+++")]
        return all(any(want in line for line in added) for want in self.fix_contains)

    def describe(self) -> str:
        return f"{'|'.join(self.categories)} {'|'.join(self.resources)}"


def read_expected(path: Path) -> Expected:
    """expected.json, checked field by field: a mistake names the file, the field and the accepted forms."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), "", f"cannot read it ({exc})")], what="expected answer") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(str(path), "", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")],
            what="expected answer",
        ) from exc
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        raise InputError(
            [Problem(str(path), "", "must be an object with category and resource")], what="expected answer"
        )

    def answers(key: str) -> tuple[str, ...]:
        value = doc.get(key)
        if isinstance(value, str) and value:
            return (value,)
        if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
            return tuple(value)
        problems.append(Problem(str(path), key, "must be a non-empty string or a non-empty list of strings"))
        return ()

    categories, resources = answers("category"), answers("resource")
    optional: dict[str, str | None] = {}
    for key in ("platform", "decisive"):
        value = doc.get(key)
        if value is not None and not (isinstance(value, str) and value):
            problems.append(Problem(str(path), key, "must be a non-empty string when given"))
        optional[key] = value if isinstance(value, str) and value else None
    fix = doc.get("fix")
    platform, decisive = optional["platform"], optional["decisive"]
    expected = Expected(
        categories, resources, fix if isinstance(fix, bool) else None, platform=platform, decisive=decisive
    )
    if isinstance(fix, dict):
        unknown = set(fix) - {"files", "contains"}
        files, contains = fix.get("files"), fix.get("contains", [])
        if unknown:
            problems.append(Problem(str(path), "fix", f"unknown keys {sorted(unknown)}; use files and contains"))
        if files is not None and not (isinstance(files, list) and all(isinstance(f, str) for f in files)):
            problems.append(Problem(str(path), "fix.files", "must be a list of paths relative to terraform/"))
        if not (isinstance(contains, list) and all(isinstance(c, str) for c in contains)):
            problems.append(Problem(str(path), "fix.contains", "must be a list of strings"))
        else:
            expected = Expected(
                categories, resources, True, tuple(files) if isinstance(files, list) else None, tuple(contains),
                platform, decisive,
            )  # fmt: skip
    elif fix is not None and not isinstance(fix, bool):
        problems.append(Problem(str(path), "fix", "must be true, false or an object {files, contains}"))
    if problems:
        raise InputError(problems, what="expected answer")
    return expected


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
    category: str = ""  # the expected category (the first when several are accepted)
    platform: str | None = None
    decisive_kept: bool | None = None  # None: the bundle names no decisive line


def _quiet(_done: int, _total: int, _name: str) -> None:
    return None


def evaluate(
    folder: Path,
    diagnoser: str,
    prescriber: str,
    options: dict[str, dict[str, Any]] | None,
    progress: Progress = _quiet,
) -> list[Outcome]:
    bundles = sorted(p.parent for p in folder.rglob("expected.json"))
    if not bundles:
        raise CloudDoctorError(f"{folder}: no bundle with an expected.json below it")
    answers, problems = {}, []
    for bundle in bundles:  # every mistake in every expected.json, before any bundle is diagnosed
        try:
            answers[bundle] = read_expected(bundle / "expected.json")
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems, what=f"the expected answers in {folder}")
    outcomes = []
    for n, bundle in enumerate(bundles):
        progress(n, len(bundles), bundle.name)
        expected = answers[bundle]
        report = diagnose(collect_bundle(bundle), diagnoser=diagnoser, prescriber=prescriber, options=options)
        out = report.to_json()
        d, fix = out["diagnosis"], out["fix"]
        kept = None if expected.decisive is None else expected.decisive.lower() in report.digest.text.lower()
        usages = [u for u in (d.get("usage"), (fix or {}).get("usage")) if u]
        engines = f"{d['engine']}+{fix['engine'] if fix else '-'}"
        outcomes.append(Outcome(
            str(bundle.relative_to(folder)), expected.describe(), f"{d['category']} {d['resource']}",
            d["category"] in expected.categories, d["resource"] in expected.resources, expected.fix_agrees(fix),
            engines, sum(int(u.get("input_tokens", 0)) for u in usages),
            sum(int(u.get("output_tokens", 0)) for u in usages), expected.categories[0], expected.platform, kept,
        ))  # fmt: skip
    progress(len(bundles), len(bundles), "")
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
        "decisive_kept": [
            sum(o.decisive_kept is True for o in outcomes),
            sum(o.decisive_kept is not None for o in outcomes),
        ],
        "by_category": _groups(outcomes, lambda o: o.category),
        "by_platform": _groups(outcomes, lambda o: o.platform) if any(o.platform for o in outcomes) else {},
        "results": [asdict(o) for o in outcomes],
    }


def _groups(outcomes: list[Outcome], key: Callable[[Outcome], str | None]) -> dict[str, list[int]]:
    """group -> [right, bundles], groups in name order."""
    groups: dict[str, list[int]] = {}
    for o in outcomes:
        right = groups.setdefault(key(o) or "-", [0, 0])
        right[0] += o.category_ok and o.resource_ok
        right[1] += 1
    return dict(sorted(groups.items()))
