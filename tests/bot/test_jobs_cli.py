"""`cloud-doctor jobs list` and `jobs show` read jobs, diagnoses, fixes and the audit trail from the store."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import main
from bot.jobs.args import JobArgs
from bot.jobs.store import Store
from bot.pipeline import collect_bundle, diagnose
from tests.conftest import INCIDENTS


def test_jobs_list_and_show(monkeypatch, store_url: str) -> None:
    monkeypatch.setenv("CLOUD_DOCTOR_STORE", store_url)
    monkeypatch.delenv("CLOUD_DOCTOR_CONFIG", raising=False)
    store = Store(store_url)
    job, _ = store.create_job(
        idempotency_key="k",
        kind="terraform",
        service="checkout",
        args=JobArgs(),
        channel="C1",
        user_id="U1",
        text="checkout",
    )
    claimed = store.claim("w", 30)
    assert claimed is not None
    result = diagnose(collect_bundle(INCIDENTS / "checkout-oom")).to_json()
    assert store.finish(job.id, "w", result, {"digesting": 0.1})
    store.record_decision(job.id, "approve", "UREVIEWER", result["fix"]["diff"])

    runner = CliRunner()
    listing = runner.invoke(main, ["jobs", "list"], env={"COLUMNS": "200"})
    assert listing.exit_code == 0, listing.output
    assert job.id[:8] in listing.output and "memory_exhaustion in checkout" in listing.output
    shown = runner.invoke(main, ["jobs", "show", job.id[:8]], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "Audit trail" in shown.output and "UREVIEWER" in shown.output and "approve" in shown.output
    assert "1024Mi" in shown.output
    missing = runner.invoke(main, ["jobs", "show", "zzzzzz"])
    assert missing.exit_code == 2 and "no job matches" in missing.output


def test_jobs_list_on_an_empty_store_says_so_and_creates_nothing(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CLOUD_DOCTOR_STORE", raising=False)
    monkeypatch.delenv("CLOUD_DOCTOR_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    listing = CliRunner().invoke(main, ["jobs", "list"])
    assert listing.exit_code == 0 and listing.output.startswith("No jobs yet")
    shown = CliRunner().invoke(main, ["jobs", "show", "abc"])
    assert shown.exit_code == 2 and "no job matches 'abc'" in shown.output
    assert list(tmp_path.iterdir()) == []  # no cloud-doctor.db appeared in the working directory


def test_a_thread_question_job_is_listed_and_shown(monkeypatch, tmp_path) -> None:
    store_url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("CLOUD_DOCTOR_STORE", store_url)
    monkeypatch.delenv("CLOUD_DOCTOR_CONFIG", raising=False)
    store = Store(store_url)
    asked, _ = store.create_job(
        idempotency_key="q", kind="question", service="checkout", channel="C1", user_id="U1",
        args=JobArgs(from_job="0123456789abcdef", question="why did it fail?", thread_ts="1.0"),
    )  # fmt: skip
    assert store.claim("w", 30) is not None
    store.finish(asked.id, "w", {"question": "why did it fail?", "answer": "memory_exhaustion", "engine": "rules"}, {})
    runner = CliRunner()
    listing = runner.invoke(main, ["jobs", "list"], env={"COLUMNS": "200"})
    assert listing.exit_code == 0 and "asked about 01234567" in listing.output, listing.output
    shown = runner.invoke(main, ["jobs", "show", asked.id[:8]], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "why did it fail?" in shown.output and "memory_exhaustion" in shown.output
