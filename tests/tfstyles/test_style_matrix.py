"""The templates prescriber over the style matrix: every cell's edit lands on the right spot with the right value."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.tfstyles.cells import cells
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
