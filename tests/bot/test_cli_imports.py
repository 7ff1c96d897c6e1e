"""The CLI on a bundle imports what the command uses: the sources the bundle holds, python-hcl2 only for
Terraform text it has not parsed before, no YAML, syntax highlighter, settings or job store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

HEAVY = (
    "hcl2",
    "lark",
    "yaml",
    "pygments",
    "sqlalchemy",
    "pydantic_settings",
    "bot.settings",
    "collectors.cloud_logging",
    "collectors.cloudwatch",
    "collectors.tempo",
    "multiprocessing",
)
# The CLI as its console script runs it, then which of HEAVY it imported (on stderr's last line).
CODE = f"""
import json, runpy, sys
sys.argv = ["cloud-doctor", *sys.argv[1:]]
try:
    runpy.run_module("bot.cli", run_name="__main__")
except SystemExit as exc:
    code = exc.code
print(json.dumps([code, [m for m in {HEAVY!r} if m in sys.modules]]), file=sys.stderr)
"""


def cli(*args: str, cache: Path) -> tuple[str, list[object]]:
    env = {**os.environ, "CLOUD_DOCTOR_CACHE_DIR": str(cache)}
    env.pop("CLOUD_DOCTOR_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-c", CODE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    return done.stdout, json.loads(done.stderr.splitlines()[-1])


def test_a_second_diagnosis_of_the_same_terraform_needs_no_hcl_parser(tmp_path: Path) -> None:
    args = ("diagnose", "examples/incidents/checkout-oom", "--format", "json")
    cold_out, (cold_code, cold) = cli(*args, cache=tmp_path)
    warm_out, (warm_code, warm) = cli(*args, cache=tmp_path)
    assert cold_code == warm_code == 0
    assert json.loads(warm_out) == json.loads(cold_out)  # the same diagnosis and fix, byte for byte
    assert json.loads(cold_out)["fix"]["diff"]
    assert cold == ["hcl2", "lark"]
    assert warm == []


def test_the_text_report_colors_its_diff_without_a_highlighter(tmp_path: Path) -> None:
    out, (code, imported) = cli("diagnose", "examples/incidents/checkout-oom", cache=tmp_path)
    assert code == 0 and '+              memory = "1024Mi"' in out
    assert "pygments" not in imported and "yaml" not in imported
