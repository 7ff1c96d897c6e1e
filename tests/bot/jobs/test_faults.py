"""Faults of the world delay work; they never lose it, fail it or do it twice.

A real worker (in this process) against a real SQLite store and the Slack stand-in, which answers like Slack
when it is down (500), rate limits (429 with Retry-After, or `{"ok": false, "error": "ratelimited"}`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from bot.jobs.args import JobArgs
from bot.jobs.store import Store
from bot.jobs.workers import Worker
from bot.settings import JobSettings, Settings
from bot.slack.client import slack_client
from tests.standins.slack_api import SlackStandIn

TOKEN = "xoxb-test-token"
OUTAGES = {
    "500": (500, {"ok": False, "error": "internal_error"}, {}),
    "429 Retry-After": (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
    "ok false ratelimited": (200, {"ok": False, "error": "ratelimited"}, {}),
}


@pytest.fixture
def slack():
    standin = SlackStandIn(TOKEN)
    yield standin
    standin.close()


def _setup(tmp_path: Path, slack: SlackStandIn, retries: int = 6, **jobs: Any) -> tuple[Store, Worker]:
    settings = Settings(slack_bot_token=TOKEN, slack_api_url=f"{slack.url}/api/", jobs=JobSettings(workers=1, **jobs))  # type: ignore[call-arg]
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    return store, Worker(store, settings, slack_client(settings, retries=retries), "w1")


def _job(store: Store, key: str, service: str = "checkout") -> str:
    job, _ = store.create_job(
        idempotency_key=key, kind="analyze", service=service, args=JobArgs(), channel="C0INC", user_id="U1"
    )
    return job.id


def _down_for(seconds: float, answer: tuple[int, dict[str, Any], dict[str, str]]) -> Any:
    until = time.time() + seconds
    return lambda method, args: answer if time.time() < until else None


def _final(slack: SlackStandIn) -> list[Any]:
    return [c for c in slack.of("chat.update") if str(c.args.get("text", "")).startswith("Cloud Doctor: memory")]


@pytest.mark.parametrize("kind", list(OUTAGES))
def test_a_slack_outage_delays_the_message_and_the_worker_lives_on(tmp_path: Path, slack: SlackStandIn, kind) -> None:
    store, worker = _setup(tmp_path, slack)
    first = _job(store, "k1")
    slack.outage = _down_for(3.0, OUTAGES[kind])
    assert worker.run_once() is True  # returns: nothing escapes to kill the process
    assert slack.refused, "the outage was met"
    assert store.get(first).state == "done"
    assert len(slack.of("chat.postMessage")) == 1 and len(_final(slack)) == 1  # one message, shown once
    second = _job(store, "k2", "search-cpu")  # the next job runs as if nothing happened
    assert worker.run_once() is True and store.get(second).state == "done"
    assert [m["state"] for m in store.messages()] == ["sent", "sent"]


def test_slack_down_past_the_retries_the_job_is_done_and_its_message_goes_out_later(
    tmp_path: Path, slack: SlackStandIn
) -> None:
    store, worker = _setup(tmp_path, slack, retries=1)
    job_id = _job(store, "k1")
    slack.outage = lambda method, args: OUTAGES["500"]
    worker.run_once()
    job = store.get(job_id)
    assert job.state == "done" and job.result is not None  # the diagnosis is kept, not failed
    [pending] = store.messages()
    assert (pending["kind"], pending["state"], pending["thread_job"]) == ("final", "pending", job_id)
    slack.outage = lambda method, args: None  # Slack is back
    deadline = time.time() + 30
    while store.messages()[0]["state"] != "sent":
        assert time.time() < deadline, store.messages()
        worker.run_once()
        time.sleep(0.2)
    posted = slack.of("chat.postMessage")
    assert len(posted) == 1 and posted[0].args["text"].startswith("Cloud Doctor: memory_exhaustion in checkout")
    assert store.get(job_id).message_ts == store.messages()[0]["sent_ts"]
    worker.run_once()
    assert len(slack.of("chat.postMessage")) == 1  # delivered once


def test_a_job_whose_workers_keep_dying_fails_once_with_the_reason(tmp_path: Path, slack: SlackStandIn) -> None:
    store, worker = _setup(tmp_path, slack, max_attempts=3)
    job_id = _job(store, "k1")
    for n in range(3):  # three workers took it and died (their leases ran out)
        assert store.claim(f"dead{n}", 0.01) is not None
        time.sleep(0.05)
    assert worker.run_once() is True
    job = store.get(job_id)
    assert (
        job.state == "failed" and job.error == "gave up after 3 attempts: the worker stopped each time before finishing"
    )
    notices = [c for c in slack.of("chat.postMessage") if "gave up after 3 attempts" in str(c.args)]
    assert len(notices) == 1
    worker.run_once()
    assert store.get(job_id).state == "failed" and len(slack.of("chat.postMessage")) == 1


def test_a_final_message_retried_after_its_diff_was_shared_shares_it_once(
    tmp_path: Path, slack: SlackStandIn, monkeypatch
) -> None:
    """The diff reached the thread, then the worker failed before it could mark the message sent: the retry
    finds the file in the thread (conversations.replies) and edits the message again, uploading nothing."""
    store, worker = _setup(tmp_path, slack)
    job, _ = store.create_job(
        idempotency_key="t1", kind="terraform", service="checkout", args=JobArgs(), channel="C0INC", user_id="U1"
    )
    done, failed_once = store.message_done, []

    def fail_first(*args: Any, **kwargs: Any) -> None:
        if not failed_once:
            failed_once.append(1)
            raise RuntimeError("the store went away after the upload")
        done(*args, **kwargs)

    monkeypatch.setattr(store, "message_done", fail_first)
    worker.run_once()
    assert failed_once and len(slack.of("files.completeUploadExternal")) == 2  # the diff and the chart
    deadline = time.time() + 30
    while store.messages()[0]["state"] != "sent":
        assert time.time() < deadline, store.messages()
        worker.run_once()
        time.sleep(0.2)
    assert len(slack.of("files.completeUploadExternal")) == 2  # each shared once
    assert sorted(slack.upload_names.values()) == sorted(
        [f"cloud-doctor-checkout-{job.id[:8]}.diff", f"cloud-doctor-checkout-{job.id[:8]}-chart.png"]
    )
    assert len(slack.of("conversations.replies")) == 2  # looked both times, once for both files
    assert len(slack.of("chat.postMessage")) == 1 and store.get(job.id).state == "done"
