"""The job store on SQLite and PostgreSQL: one job per request, one claimant per job, leases that expire."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from bot.jobs.args import JobArgs
from bot.jobs.store import Store


def _job(store: Store, key: str = "k1", text: str = "checkout", user: str = "U1"):
    return store.create_job(
        idempotency_key=key, kind="analyze", service="checkout", args=JobArgs(), channel="C1", user_id=user, text=text
    )


def test_retries_and_double_clicks_map_to_one_job(store_url: str) -> None:
    store = Store(store_url)
    first, new = _job(store, "trigger-1")
    again, new_again = _job(store, "trigger-1")
    click, new_click = _job(store, "trigger-2")  # same person, same command, seconds later
    other, new_other = _job(store, "trigger-3", user="U2")
    assert new and not new_again and not new_click and new_other
    assert first.id == again.id == click.id != other.id


def test_the_same_command_after_the_duplicate_window_is_a_new_job(store_url: str, monkeypatch) -> None:
    store = Store(store_url)
    first, _ = _job(store, "trigger-1")
    monkeypatch.setattr("bot.jobs.store.DUPLICATE_WINDOW", 0.0)  # the minute has passed
    later, new = _job(store, "trigger-2")
    retry, new_retry = _job(store, "trigger-2")  # but a retry of that delivery is still the same job
    assert new and later.id != first.id and not new_retry and retry.id == later.id


def test_a_connection_the_server_closed_costs_no_command(store_url: str) -> None:
    """Without pre-ping (the web process), a pooled connection PostgreSQL has closed is replaced at once."""
    if not store_url.startswith("postgresql"):
        pytest.skip("a SQLite file has no server to close connections")
    store = Store(store_url, pre_ping=False)
    _job(store, "trigger-1")
    with Store(store_url).engine.begin() as admin:  # what a database restart or failover does to the pool
        closed = admin.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    assert closed and closed >= 1
    job, new = _job(store, "trigger-2", user="U2")
    assert new and [j.id for j in store.recent()][0] == job.id


def test_each_job_is_claimed_by_exactly_one_worker(store_url: str) -> None:
    store = Store(store_url)
    ids = {_job(store, f"k{i}", text=f"svc{i}")[0].id for i in range(12)}
    claimed: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while (job := store.claim(name, 60)) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(ids)


def test_an_expired_lease_is_reclaimed_and_the_old_worker_cannot_finish(store_url: str) -> None:
    store = Store(store_url)
    job, _ = _job(store)
    assert store.claim("dead", 2.0).id == job.id
    assert store.claim("alive", 30) is None  # still leased (2 s leave room for a stalled, shared machine)
    time.sleep(2.2)
    taken = store.claim("alive", 30)
    assert taken is not None and taken.id == job.id and taken.attempts == 2
    assert not store.finish(job.id, "dead", {"late": True}, {})
    assert store.finish(job.id, "alive", {"diagnosis": {"category": "x"}}, {"digesting": 0.5})
    assert store.get(job.id).state == "done" and store.claim("alive", 30) is None


def test_audit_log_records_who_when_and_the_diff_hash(store_url: str) -> None:
    store = Store(store_url)
    job, _ = _job(store)
    entry, first = store.record_decision(job.id, "approve", "UREVIEWER", "--- a/x\n+++ b/x\n")
    assert first
    trail = store.audit_trail(job.id)
    assert trail[0]["user_id"] == "UREVIEWER" and trail[0]["action"] == "approve"
    assert trail[0]["diff_sha256"] == entry["diff_sha256"] and len(entry["diff_sha256"]) == 64


def test_model_usage_is_kept_per_job_and_exposed_as_metrics(store_url: str) -> None:
    from prometheus_client import generate_latest

    from bot.app_metrics import Metrics

    store = Store(store_url)
    job, _ = _job(store)
    store.claim("w", 30)
    result = {
        "diagnosis": {
            "category": "timeout",
            "usage": {
                "engine": "gemini",
                "model": "gemini-2.5-flash",
                "input_tokens": 3400,
                "output_tokens": 260,
                "latency_ms": 1800,
            },
        },
        "fix": {
            "usage": {
                "engine": "bedrock",
                "model": "claude",
                "input_tokens": 5100,
                "output_tokens": 900,
                "latency_ms": 4200,
            }
        },
    }
    assert store.finish(job.id, "w", result, {"diagnosing": 1.8})
    text = generate_latest(Metrics(store).registry).decode()
    assert 'cloud_doctor_model_tokens_total{direction="input",engine="gemini",model="gemini-2.5-flash"} 3400.0' in text
    assert 'cloud_doctor_model_tokens_total{direction="output",engine="bedrock",model="claude"} 900.0' in text
    assert 'cloud_doctor_model_seconds_sum{engine="bedrock",model="claude"} 4.2' in text
    assert 'cloud_doctor_diagnoses_total{category="timeout"} 1.0' in text


def test_a_typed_job_id_is_text_not_a_pattern(store_url: str) -> None:
    store = Store(store_url)
    job, _ = _job(store)
    assert store.find(job.id[:6]).id == job.id
    assert store.find("%") is None and store.find("_") is None  # no LIKE wildcards from people's input


def test_a_fix_gets_one_decision_whatever_is_clicked_after(store_url: str) -> None:
    """A double click, Slack's retries of it and a later reject: one decision, one audit row, from threads."""
    store = Store(store_url)
    job, _ = _job(store)
    outcomes: list[tuple[dict, bool]] = []
    lock = threading.Lock()

    def click(user: str, action: str) -> None:
        result = store.record_decision(job.id, action, user, "--- a/x\n+++ b/x\n")
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=click, args=(f"U{i}", "approve")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    click("ULATE", "reject")
    firsts = [entry for entry, first in outcomes if first]
    assert len(firsts) == 1
    assert all(entry["user_id"] == firsts[0]["user_id"] and entry["action"] == "approve" for entry, _ in outcomes)
    trail = store.audit_trail(job.id)
    assert [(t["action"], t["user_id"]) for t in trail] == [("approve", firsts[0]["user_id"])]
