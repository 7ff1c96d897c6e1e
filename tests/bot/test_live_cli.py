"""`cloud-doctor record` and `diagnose --service` with clusters from the settings, against local servers."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import yaml

from tests.conftest import INCIDENTS, run_cli
from tests.servers.postgres import free_port
from tests.standins.loki import LokiStandIn


def _recent_streams() -> list:
    """checkout-oom's Loki streams, moved in time so the incident happened in the last 45 minutes."""
    incident = json.loads((INCIDENTS / "checkout-oom" / "incident.json").read_text())
    from datetime import datetime

    shift = int((time.time() - 5 * 60 - datetime.fromisoformat(incident["window"]["end"]).timestamp()) * 1e9)
    doc = json.loads((INCIDENTS / "checkout-oom" / "loki" / "shop.json").read_text())
    return [
        (s["stream"], [(int(ts) + shift, line) for ts, line in s["values"]]) for s in doc["response"]["data"]["result"]
    ]


def test_record_then_diagnose_offline_matches_the_live_run(tmp_path: Path) -> None:
    loki = LokiStandIn({"prod": _recent_streams()})
    dead_prometheus = f"http://127.0.0.1:{free_port()}"
    config = tmp_path / "cd.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "clusters": [
                    {
                        "name": "eks-prod",
                        "cloud": "aws",
                        "region": "ap-northeast-2",
                        "services": ["checkout", "frontend"],
                        "prometheus": {"url": dead_prometheus, "namespace": "shop", "timeout_seconds": 2},
                        "loki": {"url": loki.url, "tenant": "prod"},
                    }
                ]
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUD_DOCTOR_")}
    env["CLOUD_DOCTOR_CONFIG"] = str(config)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env=env)

    try:
        live = cli("diagnose", "--service", "checkout", "--since", "45m", "--format", "json")
        recorded = cli("record", "--service", "checkout", "--since", "45m", str(tmp_path / "bundle"))
    finally:
        loki.close()
    assert live.returncode == 0, live.stderr
    assert "missing prometheus:eks-prod" in live.stderr
    out = json.loads(live.stdout)["diagnosis"]
    assert (out["category"], out["resource"]) == ("memory_exhaustion", "checkout")
    assert "Missing sources: prometheus:eks-prod" in out["summary"]
    assert recorded.returncode == 0, recorded.stderr
    assert "1 sources missing" in recorded.stdout
    assert cli("validate", str(tmp_path / "bundle")).returncode == 0
    offline = cli("diagnose", str(tmp_path / "bundle"), "--format", "json")
    replayed = json.loads(offline.stdout)["diagnosis"]
    assert (replayed["category"], replayed["resource"]) == ("memory_exhaustion", "checkout")
    assert "Missing sources: prometheus:eks-prod" in replayed["summary"]  # collection.json carried it
    again = cli("record", "--service", "checkout", str(tmp_path / "bundle"))
    assert again.returncode == 2 and "not empty" in again.stderr


def test_unknown_service_or_cluster_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "cd.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "clusters": [
                    {"name": "gke-prod", "cloud": "gcp", "services": ["cart"], "loki": {"url": "http://127.0.0.1:9"}}
                ]
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUD_DOCTOR_")} | {
        "CLOUD_DOCTOR_CONFIG": str(config)
    }
    proc = run_cli("diagnose", "--service", "billing", env=env)
    assert proc.returncode == 2 and "no configured cluster serves 'billing'" in proc.stderr
    assert "gke-prod" in proc.stderr and "Traceback" not in proc.stderr


def test_a_jobs_scope_starts_before_its_alert_or_since_ago() -> None:
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from bot.jobs.args import JobArgs
    from bot.sources import job_scope

    began = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    alert = JobArgs(window_start=began.timestamp(), alert_source="alertmanager", alertname="HighErrorRate",
                    cluster="eks-prod")  # fmt: skip
    scope = job_scope("checkout", alert)
    assert scope.window.start == began and scope.source == "alertmanager" and scope.clusters == ("eks-prod",)
    assert scope.title == "checkout: alertmanager alert HighErrorRate"
    late = job_scope("checkout", replace(alert, window_start=datetime.now(UTC).timestamp()))
    assert late.window.end - late.window.start == timedelta(minutes=5)  # at least five minutes to look at
    asked = job_scope("checkout", JobArgs(since="2h", env="prod"))
    assert asked.window.end - asked.window.start == timedelta(hours=2)
    assert (asked.source, asked.environment, asked.clusters) == ("cli", "prod", ())
