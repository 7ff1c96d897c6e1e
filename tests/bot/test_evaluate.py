"""`cloud-doctor eval`: lists of acceptable answers, fix checks, progress, and bad expected.json named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bot.evaluate import evaluate, summary
from tests.conftest import INCIDENTS, run_cli


def _folder(tmp_path: Path, expected: dict[str, dict]) -> Path:
    folder = tmp_path / "set"
    for name, answer in expected.items():
        shutil.copytree(INCIDENTS / name, folder / name)
        (folder / name / "expected.json").write_text(json.dumps(answer))
    return folder


def test_a_list_of_acceptable_answers_counts_any_one_of_them(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "checkout-oom": {"category": ["capacity_limit", "memory_exhaustion"], "resource": ["checkout"]},
            "search-cpu": {"category": "cpu_saturation", "resource": ["search-api", "search"], "fix": True},
            "node-failure": {"category": ["disk_full"], "resource": "nobody"},
        },
    )
    report = summary(evaluate(folder, "rules", "templates", None))
    by_name = {r["bundle"]: r for r in report["results"]}
    assert by_name["checkout-oom"]["category_ok"] and by_name["checkout-oom"]["resource_ok"]
    assert by_name["checkout-oom"]["expected"] == "capacity_limit|memory_exhaustion checkout"
    assert by_name["search-cpu"]["category_ok"] and by_name["search-cpu"]["fix_ok"]
    assert not by_name["node-failure"]["category_ok"] and not by_name["node-failure"]["resource_ok"]
    assert report["diagnosis_accuracy"] == round(2 / 3, 3)


def test_a_fix_object_checks_the_files_and_the_added_lines(tmp_path: Path) -> None:
    right = {"files": ["apps/checkout.tf"], "contains": ['memory = "1024Mi"']}
    folder = _folder(
        tmp_path,
        {
            "checkout-oom": {"category": "memory_exhaustion", "resource": "checkout", "fix": right},
            "search-cpu": {"category": "cpu_saturation", "resource": "search-api", "fix": {"contains": ["no such"]}},
            "node-failure": {"category": "node_failure", "resource": "x", "fix": {"files": ["elsewhere.tf"]}},
        },
    )
    results = {o.bundle: o for o in evaluate(folder, "rules", "templates", None)}
    assert results["checkout-oom"].fix_ok
    assert not results["search-cpu"].fix_ok  # the diff adds no such line
    assert not results["node-failure"].fix_ok  # a fix that changes other files, or none at all, disagrees


def test_eval_prints_progress_and_wraps_names_at_80_columns(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"checkout-oom": {"category": "memory_exhaustion", "resource": "checkout"}})
    done = run_cli("eval", str(folder), env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "[1/1] checkout-oom" in done.stderr and "evaluated 1 bundles" in done.stderr
    assert "…" not in done.stdout and "checkout-oom" in done.stdout and "memory_exhaustion" in done.stdout


def test_a_bad_expected_json_is_named_with_its_field_before_anything_runs(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "checkout-oom": {"category": [], "resource": "checkout", "fix": "yes"},
            "search-cpu": {"category": "cpu_saturation"},
        },
    )
    (folder / "node-failure").mkdir()
    (folder / "node-failure" / "expected.json").write_text("{not json")
    done = run_cli("eval", str(folder))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    for needle in (
        "checkout-oom/expected.json: category: must be a non-empty string or a non-empty list of strings",
        "checkout-oom/expected.json: fix: must be true, false or an object {files, contains}",
        "search-cpu/expected.json: resource: must be a non-empty string",
        "node-failure/expected.json: not JSON",
    ):
        assert needle in done.stderr, needle
    assert "[1/" not in done.stderr  # nothing was diagnosed


def test_results_by_platform_and_category_and_the_decisive_line_kept(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    for family, name, answer in (
        ("kubernetes", "checkout-oom", {"category": "memory_exhaustion", "resource": "checkout",
                                        "platform": "kubernetes", "decisive": "OOMKilled"}),
        ("aws", "ledger-db-conns", {"category": "db_connection_exhaustion", "resource": "ledger-db",
                                    "platform": "rds", "decisive": "a line no digest holds"}),
        ("aws", "search-cpu", {"category": "disk_full", "resource": "search", "platform": "rds"}),
    ):  # fmt: skip
        shutil.copytree(INCIDENTS / name, folder / family / name)  # below sub-folders: read at any depth
        (folder / family / name / "expected.json").write_text(json.dumps(answer))
    report = summary(evaluate(folder, "rules", "templates", None))
    assert [r["bundle"] for r in report["results"]] == [
        "aws/ledger-db-conns",
        "aws/search-cpu",
        "kubernetes/checkout-oom",
    ]
    assert report["by_platform"] == {"kubernetes": [1, 1], "rds": [1, 2]}
    assert report["by_category"] == {
        "db_connection_exhaustion": [1, 1],
        "disk_full": [0, 1],
        "memory_exhaustion": [1, 1],
    }
    assert report["decisive_kept"] == [1, 2]
    bad = folder / "aws" / "search-cpu" / "expected.json"
    bad.write_text(json.dumps({"category": "disk_full", "resource": "search", "platform": 7}))
    result = run_cli("eval", str(folder))
    assert result.returncode != 0 and "platform" in result.stderr and "must be a non-empty string" in result.stderr
