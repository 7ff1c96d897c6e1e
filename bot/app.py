"""The web process: Bolt (Slack) on FastAPI, health and metrics routes, and the job workers."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.app_metrics import Metrics
from bot.body import BodyRefused as Refusal
from bot.context import Bot
from bot.jobs.store import Store
from bot.jobs.workers import Workers
from bot.logs import TraceContext
from bot.repository import webhook as github_webhook
from bot.settings import Settings
from bot.slack.access import Access
from bot.slack.client import slack_client
from bot.slack.events import signed_body

ACK_THREADS = 8


def create_app(settings: Settings) -> FastAPI:
    from slack_bolt import App
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

    from bot.alerts import webhooks
    from bot.slack import actions, feedback, slash, thread_events

    assert settings.slack_bot_token and settings.slack_signing_secret  # load_settings(require_slack=True)
    # The web process answers people: a write that cannot get the store's lock quickly is refused ("try
    # again"), never a frozen event loop (SQLite commands run on it) or a request that waits half a minute.
    store = Store(
        settings.store_url, pre_ping=False, write_wait=0.75 if not settings.store_url.startswith("postgresql") else 2.0
    )
    client = slack_client(settings, retries=2)  # the web process answers people: it does not wait long
    metrics = Metrics(store)
    _quiet_token_warning()
    bolt = App(
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        request_verification_enabled=False,  # /slack/events verifies every request before Bolt sees it
        client=client,  # carries the token, the stand-in's base URL in tests, and the timeout
        token_verification_enabled=False,  # no network call at start-up: cold start stays short
        # Listeners only store the job and acknowledge: run them in the request's thread and answer when
        # they return, rather than on Bolt's pool of 5 threads polled every 10 ms (measured: p50 16 ms).
        process_before_response=True,
    )
    bot = Bot(settings, store, Access(settings.slack, client), Workers(settings), metrics)
    slash.register(bolt, bot)
    bolt.error(_answered_anyway)
    actions.register(bolt, bot)
    feedback.register(bolt, bot)
    thread_events.register(bolt, bot)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        # A few threads hand the GIL around faster than anyio's default 40 (measured under a burst).
        anyio.to_thread.current_default_thread_limiter().total_tokens = ACK_THREADS
        bot.workers.start()
        yield
        bot.workers.stop()

    api = FastAPI(title="Cloud Doctor", lifespan=lifespan, docs_url=None, redoc_url=None)
    api.state.bot = bot
    warm = threading.Event()
    inline_commands = not store.postgres

    secret = settings.slack_signing_secret.get_secret_value()

    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        try:  # size, arrival, timestamp and signature before anything parses it
            body = await signed_body(request, secret)
        except Refusal as exc:
            return Response(json.dumps({"error": exc.reason}), status_code=exc.status, media_type="application/json")
        bolt_request = to_bolt_request(request, body)
        # Bolt has parsed the form: a slash command has a `command` field, a button an interactivity payload.
        is_command = "command" in bolt_request.body
        if inline_commands and is_command and warm.is_set() and bot.access.answers_from_memory():
            # A command only parses, checks the allow-list from memory, stores the job in the local SQLite
            # file and acknowledges (~0.4 ms of CPU): run on the event loop. Handing it to a thread and
            # back cost more than that under a burst (at 50 concurrent clients: p99 194-283 ms in threads,
            # 61-92 ms here).
            response = bolt.dispatch(bolt_request)
        else:
            # Buttons call Slack, a cold group cache asks Slack who is in a group, and Bolt's first request
            # asks Slack who the bot is (auth.test): never on the loop. Nor a PostgreSQL round trip and
            # commit: in threads they overlap (p99 129-151 ms against 177-215 ms on the loop, measured).
            response = await run_in_threadpool(bolt.dispatch, bolt_request)
            warm.set()
        metrics.ack_seconds.observe(time.perf_counter() - started)
        return to_starlette_response(response)

    # A plain Starlette route: the request is Bolt's to read, so FastAPI's dependency solving and
    # response validation would be a fifth of the acknowledgement's CPU for nothing (profiled).
    api.router.add_route("/slack/events", slack_events, methods=["POST"], include_in_schema=False)
    webhooks.register(api, bot)
    github_webhook.register(api, bot)

    @api.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz")
    async def readyz() -> Response:
        """Ready when the store answers and a worker is alive: otherwise jobs would be acknowledged and
        never run."""
        reachable = await run_in_threadpool(store.ping)
        workers = bot.workers.alive()
        status = "ready" if reachable and workers else "store unreachable" if not reachable else "no worker alive"
        return Response(
            json.dumps({"status": status, "workers": workers}),
            status_code=200 if status == "ready" else 503,
            media_type="application/json",
        )

    @api.get("/metrics")
    async def prometheus_metrics() -> Response:
        payload = await run_in_threadpool(generate_latest, metrics.registry)
        return Response(payload, media_type=CONTENT_TYPE_LATEST)

    api.add_middleware(TraceContext)  # the request's trace on every line logged while it is served
    return api


def _answered_anyway(error: Exception, body: dict[str, Any]) -> Any:
    """A listener that raised (Slack or the store failing under it) is logged and answered 200, never 500: Slack
    would retry the event or show the person an error; a command is told what happened."""
    from slack_bolt import BoltResponse

    what = body.get("command") or body.get("type") or (body.get("event") or {}).get("type") or "request"
    logging.getLogger("cloud_doctor.slack").error("%s failed: %s", what, error, exc_info=error)
    if "command" in body:
        text = "Cloud Doctor hit an internal error on that; nothing may have started. Please try again."
        return BoltResponse(status=200, body=json.dumps({"response_type": "ephemeral", "text": text}),
                            headers={"content-type": "application/json;charset=utf-8"})  # fmt: skip
    return BoltResponse(status=200, body="")


class _TokenUnusedFilter(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when handed a client that carries the token,
    then warns at every start that the token "will be unused". The client is the one we mean: this drops
    that one line and nothing else Bolt says."""

    def filter(self, record: logging.LogRecord) -> bool:
        from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _quiet_token_warning() -> None:
    bolt_log = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _TokenUnusedFilter) for f in bolt_log.filters):
        bolt_log.addFilter(_TokenUnusedFilter())
