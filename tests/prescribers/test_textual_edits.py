"""Fixes are textual: every line a fix does not change stays byte-for-byte, comments included."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from bot.pipeline import collect_bundle, diagnose
from prescribers._edits import scaled
from tests.conftest import BUNDLES

WITH_FIX = [b for b in BUNDLES if json.loads((b / "expected.json").read_text())["fix"]]


@pytest.mark.parametrize("bundle", WITH_FIX, ids=lambda p: p.name)
def test_untouched_lines_stay_byte_for_byte(bundle: Path) -> None:
    fix = diagnose(collect_bundle(bundle)).prescription.fix
    assert fix is not None
    for rel, new in fix.files.items():
        old = (bundle / "terraform" / rel).read_text()
        old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
        matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
        changed_old = sum(i2 - i1 for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal")
        assert changed_old <= 2, f"{rel}: a fix rewrites at most the lines it changes"
        kept = [line for tag, i1, i2, _, _ in matcher.get_opcodes() if tag == "equal" for line in old_lines[i1:i2]]
        assert len(kept) >= len(old_lines) - 2
        for comment in (line for line in old_lines if "#" in line):
            assert comment in new_lines or comment.split("#")[1] in new


def test_the_diff_applies_to_the_original_files(tmp_path: Path) -> None:
    import subprocess

    bundle = BUNDLES[[b.name for b in BUNDLES].index("checkout-oom")]
    fix = diagnose(collect_bundle(bundle)).prescription.fix
    work = tmp_path / "tf"
    subprocess.run(["cp", "-r", str(bundle / "terraform"), str(work)], check=True)
    (tmp_path / "fix.diff").write_text(fix.diff)
    subprocess.run(["git", "apply", "-p1", str(tmp_path / "fix.diff")], cwd=work, check=True, capture_output=True)
    for rel, text in fix.files.items():
        assert (work / rel).read_text() == text
    assert "# sized for the 2025 catalogue" in fix.files["apps/checkout.tf"]


@pytest.mark.parametrize(
    ("literal", "cap", "expected"),
    [
        ("512", None, "1024"),
        ('"256Mi"', None, '"512Mi"'),
        ('"500m"', None, '"1000m"'),
        ("30", 900, "60"),
        ("600", 900, "900"),
        ("900", 900, None),
        ('"latest"', None, None),
    ],
)
def test_scaled_quantities(literal: str, cap: float | None, expected: str | None) -> None:
    assert scaled(literal, 2, cap) == expected
