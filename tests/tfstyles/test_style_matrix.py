"""The templates prescriber over the style matrix: every cell's edit lands on the right spot with the right value."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analyzers import Diagnosis
from collectors import Evidence, Scope, Window
from prescribers import TemplatePrescriber
from prescribers.locator import locate
from tests.tfstyles.cells import Cell, cells
from tests.tfstyles.matrix import Result, run_all


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return run_all(seed=7)


def test_every_category_is_written_in_at_least_six_styles() -> None:
    styles = Counter(c.category for c in cells(7))
    assert styles and all(n >= 6 for n in styles.values()), styles


def test_the_fix_lands_on_the_failing_entry_with_the_right_value(results: list[Result]) -> None:
    wrong = [f"{r.cell.id}: {r.why}" for r in results if r.verdict == "wrong"]
    assert not wrong, "\n\n".join(wrong)
    right = sum(r.verdict == "right" for r in results)
    missed = [f"{r.cell.id}: {r.why}" for r in results if r.verdict != "right"]
    assert right >= 0.95 * len(results), "\n".join(missed)


def test_no_offered_fix_fails_the_safety_rules(results: list[Result]) -> None:
    offered = [r.prescription.fix for r in results if r.prescription.fix is not None]
    assert offered and all(f.safe for f in offered)


@pytest.mark.parametrize("seed", [11, 23])
def test_other_draws_of_names_and_values_are_right_too(seed: int) -> None:
    other = run_all(seed)
    assert not [r.cell.id for r in other if r.verdict == "wrong"]
    assert sum(r.verdict == "right" for r in other) >= 0.95 * len(other)


def _evidence_and_diagnosis(cell: Cell, root: Path) -> tuple[Evidence, Diagnosis]:
    for rel, text in cell.files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    scope = Scope("t", Window(now - timedelta(minutes=30), now), cell.resource, cell.environment)
    diagnosis = Diagnosis(cell.category, cell.resource, "s", 0.9, "rules", [], [], dict(cell.details))
    return Evidence(scope, terraform_dir=str(root)), diagnosis


def test_a_model_is_shown_every_file_the_fix_changes(tmp_path: Path) -> None:
    """What Bedrock is given: the implicated blocks' files and every file feeding their values (tfvars, locals)."""
    for i, cell in enumerate(cells(7)):
        evidence, diagnosis = _evidence_and_diagnosis(cell, tmp_path / str(i))
        shown = locate(evidence, diagnosis).files()
        assert cell.want is not None and set(cell.want) <= set(shown), (cell.id, sorted(shown))


def test_the_other_environments_file_is_neither_shown_nor_changed(tmp_path: Path) -> None:
    tfvars = [c for c in cells(7) if c.style == "environment tfvars"]
    assert len(tfvars) >= 8
    for i, cell in enumerate(tfvars):
        evidence, diagnosis = _evidence_and_diagnosis(cell, tmp_path / str(i))
        shown = locate(evidence, diagnosis).files()
        assert "envs/prod.tfvars" in shown and "envs/staging.tfvars" not in shown, cell.id


def test_an_unknown_environment_changes_no_default_an_environment_file_overrides(tmp_path: Path) -> None:
    cell = next(c for c in cells(7) if c.style == "environment tfvars" and c.category == "timeout")
    cell = Cell(**{**cell.__dict__, "environment": None})
    evidence, diagnosis = _evidence_and_diagnosis(cell, tmp_path)
    diagnosis.resource = cell.resource
    prescription = TemplatePrescriber().prescribe(diagnosis, evidence)
    assert prescription.fix is None
    assert "set per environment" in prescription.advice and "envs/prod.tfvars" in prescription.advice


def test_nothing_named_so_says_what_it_looked_for_and_what_came_closest(tmp_path: Path) -> None:
    cell = next(c for c in cells(7) if c.style == "for_each over locals" and c.category == "timeout")
    evidence, diagnosis = _evidence_and_diagnosis(cell, tmp_path)
    diagnosis.resource = "arn:aws:lambda:eu-west-1:123456789012:function:nightly-export"
    prescription = TemplatePrescriber().prescribe(diagnosis, evidence)
    assert prescription.fix is None
    assert "no block in terraform/ is named nightly-export" in prescription.advice
    assert "for_each keys" in prescription.advice and "closest:" in prescription.advice


def test_claude_is_shown_what_the_fix_needs_and_its_right_fix_passes(tmp_path: Path, monkeypatch) -> None:
    """Bedrock over every cell, the stand-in answering as a model that writes the right fix: the request carries
    every file that fix changes (and no other environment's tfvars), and the same safety rules let it through."""
    from prescribers import bedrock
    from prescribers.bedrock import BedrockPrescriber
    from tests.standins.models import BedrockStandIn

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSTANDIN")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "standin-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    bedrock._BREAKERS.clear()
    claude = BedrockStandIn("eu-west-1")
    try:
        engine = BedrockPrescriber(
            region="eu-west-1", model_id="anthropic.claude-sonnet-4", endpoint_url=claude.url, timeout_seconds=5
        )
        refused = []
        for i, cell in enumerate(cells(7)):
            evidence, diagnosis = _evidence_and_diagnosis(cell, tmp_path / str(i))
            claude.answer = lambda r, cell=cell: BedrockStandIn.tool_reply(cell.want)
            result = engine.prescribe(diagnosis, evidence)
            prompt = claude.requests[-1]["body"]["messages"][0]["content"][0]["text"]
            assert all(f"--- file: {path}" in prompt for path in cell.want), cell.id
            assert "--- file: envs/staging.tfvars" not in prompt, cell.id
            if cell.details.get("registry_auth"):  # the credentials the pod spec must name
                assert "--- file: registry.tf" in prompt, cell.id
            if result.fix is None or result.fix.files != cell.want:
                refused.append(f"{cell.id}: {result.advice}")
        assert not refused, "\n".join(refused)
    finally:
        claude.close()
