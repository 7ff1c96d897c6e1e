"""The rules engine and templates over every example bundle: right category, resource and a safe fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzers import CATEGORIES
from bot.pipeline import collect_bundle, diagnose
from tests.conftest import BUNDLES


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name)
def test_example_is_diagnosed_as_expected(bundle: Path) -> None:
    expected = json.loads((bundle / "expected.json").read_text())
    report = diagnose(collect_bundle(bundle))
    out = report.to_json()
    assert out["diagnosis"]["category"] == expected["category"]
    assert out["diagnosis"]["resource"] == expected["resource"]
    if expected["fix"]:
        fix = out["fix"]
        assert fix is not None, out["diagnosis"]["summary"]
        assert fix["checks"] and all(c["passed"] for c in fix["checks"])
        assert fix["diff"].startswith("--- a/")
    else:
        assert out["fix"] is None
    assert out["diagnosis"]["evidence"], "a diagnosis always quotes its evidence"


def test_examples_cover_every_category() -> None:
    categories = {json.loads((b / "expected.json").read_text())["category"] for b in BUNDLES}
    assert categories == set(CATEGORIES)


def test_expected_json_is_never_read_by_the_engines(copy_bundle) -> None:
    bundle = copy_bundle("checkout-oom")
    before = diagnose(collect_bundle(bundle)).to_json()
    (bundle / "expected.json").write_text(json.dumps({"category": "disk_full", "resource": "nope", "fix": False}))
    assert diagnose(collect_bundle(bundle)).to_json() == before
    (bundle / "expected.json").write_text("{ not json")
    assert diagnose(collect_bundle(bundle)).to_json() == before
