"""A store that cannot take the job in time: the person is told to retry at once, nothing is half-written,
and the web process keeps answering (`/healthz` never waits on the store)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import httpx

from bot.jobs.store import Store
from tests.bot.conftest import Server


def _hold_the_write_lock(store_url: str) -> Callable[[], None]:
    """Another process takes the lock every writer needs and keeps it; returns the release."""
    if store_url.startswith("sqlite"):
        holder: Any = sqlite3.connect(store_url.removeprefix("sqlite:///"), timeout=1, check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")
    else:
        import psycopg

        holder = psycopg.connect(store_url)
        holder.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE")

    def release() -> None:
        holder.rollback()
        holder.close()

    return release


def test_a_locked_store_answers_retry_and_stores_nothing(make_server, store_url: str) -> None:
    server: Server = make_server()
    assert "On it" in server.command("checkout", trigger="t0").json()["text"]  # warm: commands on the fast path
    release = _hold_the_write_lock(store_url)
    health: list[int] = []
    try:
        answer = server.command("search-cpu", trigger="t1")
        assert answer.status_code == 200
        text = answer.json()["text"]
        assert "busy" in text and "nothing was started" in text and "try again" in text
        probe = threading.Thread(
            target=lambda: health.append(httpx.get(f"{server.url}/healthz", timeout=5).status_code)
        )
        probe.start()
        server.command("payments", trigger="t2")
        probe.join()
    finally:
        release()
    assert health == [200]
    assert [j.service for j in Store(store_url).recent()] == ["checkout"]  # the refused commands left nothing
    assert "On it" in server.command("search-cpu", trigger="t3").json()["text"]  # and work again once it is free
