"""The fix catalogue: every category with a writer gets its fix from that writer, and only two have none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzers import CATEGORIES
from bot.pipeline import collect_bundle, diagnose
from prescribers._edits import apply
from prescribers.fixes import WRITERS
from prescribers.locator import implicated, names_for
from prescribers.tfindex import TerraformIndex
from tests.conftest import BUNDLES

NO_WRITER = {"dependency_failure", "node_failure"}  # not something a change to our Terraform fixes

# How each category's writer begins its summary: pins the right writer to the right category.
SUMMARY = {
    "memory_exhaustion": "Double the memory on ",
    "cpu_saturation": "Double the CPU on ",
    "capacity_limit": "Raise the ceiling on ",
    "db_connection_exhaustion": "Raise max_connections on ",
    "disk_full": "Enable storage autoscaling on ",
    "timeout": "Double the timeout on ",
    "rate_limited": "Raise the rate limit on ",
    "queue_backlog": "Scale the consumers out on ",
    "permission_denied": "Grant ",
    "crash_loop": "Supply ",
    "bad_deploy": "Roll back: ",
    "image_pull_failure": "Point at an image that exists: ",
    "network_blocked": "Open tcp/",
    "certificate_expired": "Renew ",
    "health_check_failure": "Correct the health check of ",
    "scheduling_failure": "Let ",
    "routing_misconfig": "Correct the selector of ",
}

BUNDLE_OF = {json.loads((b / "expected.json").read_text())["category"]: b for b in BUNDLES}


@pytest.mark.parametrize("category", sorted(WRITERS), ids=str)
def test_the_registered_writer_offers_the_fix(category: str) -> None:
    bundle: Path | None = BUNDLE_OF.get(category)
    assert bundle is not None, f"no example bundle in examples/incidents/ has category {category}"
    evidence = collect_bundle(bundle)
    report = diagnose(evidence)
    assert report.diagnosis.category == category
    fix = report.prescription.fix
    assert fix is not None, report.prescription.advice
    assert fix.engine == "templates"
    assert fix.checks and all(c.passed for c in fix.checks), [c for c in fix.checks if not c.passed]
    assert fix.summary.startswith(SUMMARY[category])

    assert evidence.terraform_dir  # the registered writer, run alone, writes exactly the offered fix
    index = TerraformIndex(evidence.terraform_dir)
    patch = WRITERS[category](index, report.diagnosis, implicated(index, names_for(index, report.diagnosis)))
    assert patch is not None
    assert (patch.summary, patch.risk) == (fix.summary, fix.risk)
    assert apply(index.files, patch.edits) == fix.files


def test_every_category_has_a_writer_but_the_two_without_a_terraform_fix() -> None:
    assert set(CATEGORIES) - set(WRITERS) == NO_WRITER
    assert set(WRITERS) <= set(CATEGORIES)
    assert set(SUMMARY) == set(WRITERS)


@pytest.mark.parametrize(
    ("cpu", "memory", "raised", "pair"),
    [
        (256, 4096, "memory", (512, 4096)),  # 256 CPU takes at most 2 GiB
        (512, 10240, "memory", (2048, 10240)),  # 1024 CPU stops at 8 GiB
        (512, 512, "cpu", (512, 1024)),  # 512 CPU needs at least 1 GiB
        (4096, 4096, "cpu", (4096, 8192)),
        (16384, 245760, "memory", None),  # beyond the largest task
    ],
)
def test_a_fargate_task_keeps_a_size_fargate_runs(cpu: int, memory: int, raised: str, pair) -> None:
    from prescribers.fixes.fargate import fit, valid_pair

    assert fit(cpu, memory, raised) == pair
    assert pair is None or valid_pair(*pair)
