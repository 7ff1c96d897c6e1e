"""`POST /webhooks/github`: what becomes of a fix's pull request, back in the incident's thread.

The body is read capped and its `X-Hub-Signature-256` (HMAC-SHA256 with CLOUD_DOCTOR_GITHUB_WEBHOOK_SECRET)
checked in constant time before anything parses it. Of what GitHub sends, three events matter for a pull request
Cloud Doctor opened: `issue_comment` (Atlantis comments the plan), `check_run` (Terraform Cloud's run carries it),
`pull_request` closed (merged or not). Each delivery counts once, whatever GitHub redelivers; everything else is
answered 200 and ignored, as GitHub expects of a receiver.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool

from bot.body import BodyRefused, read_capped
from bot.repository.plan import read_plan
from bot.slack.blocks import escape

if TYPE_CHECKING:
    from bot.context import Bot

PATH = "/webhooks/github"
MAX_BODY = 4 * 1024 * 1024  # GitHub caps payloads at 25 MB; a plan comment is far smaller


def _answer(status: int, doc: dict[str, Any]) -> Response:
    return Response(json.dumps(doc), status_code=status, media_type="application/json")


def signed(secret: str, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.encode(), expected.encode())


def register(api: FastAPI, bot: Bot) -> None:
    async def github(request: Request) -> Response:
        secret = bot.settings.cloud_doctor_github_webhook_secret
        if secret is None:
            return _answer(404, {"error": "GitHub webhooks are off: set CLOUD_DOCTOR_GITHUB_WEBHOOK_SECRET"})
        try:
            body = await read_capped(request, MAX_BODY, "a GitHub webhook")
        except BodyRefused as exc:
            return _answer(exc.status, {"error": exc.reason})
        signature = request.headers.get("x-hub-signature-256", "")
        if not signature:
            return _answer(401, {"error": "no X-Hub-Signature-256: set the webhook's secret in GitHub"})
        if not signed(secret.get_secret_value(), body, signature):
            return _answer(401, {"error": "X-Hub-Signature-256 does not match the body and the secret"})
        try:
            doc = json.loads(body)
        except ValueError:
            return _answer(400, {"error": "the body is not JSON (set the webhook's content type to application/json)"})
        if not isinstance(doc, dict):
            return _answer(400, {"error": "the body is not a JSON object"})
        event, delivery = request.headers.get("x-github-event", ""), request.headers.get("x-github-delivery", "")
        outcome = await run_in_threadpool(handle, bot, event, delivery, doc)
        return _answer(200, {"outcome": outcome})

    api.router.add_route(PATH, github, methods=["POST"], include_in_schema=False)


def _number(event: str, doc: dict[str, Any]) -> int | None:
    if event == "issue_comment" and isinstance(doc.get("issue"), dict) and doc["issue"].get("pull_request"):
        return int(doc["issue"]["number"])
    if event == "pull_request" and isinstance(doc.get("pull_request"), dict):
        return int(doc["pull_request"]["number"])
    if event == "check_run" and isinstance(doc.get("check_run"), dict):
        pulls = doc["check_run"].get("pull_requests") or []
        return int(pulls[0]["number"]) if pulls and isinstance(pulls[0], dict) else None
    return None


def handle(bot: Bot, event: str, delivery: str, doc: dict[str, Any]) -> str:
    """What this delivery changes: a plan summary, merged or closed; or why it changes nothing."""
    store = bot.store
    if event == "ping":
        return "pong"
    repo = str((doc.get("repository") or {}).get("full_name", ""))
    try:
        number = _number(event, doc)
    except (KeyError, TypeError, ValueError):
        return "not a pull request event"
    row = store.pull_request_by_number(repo, number) if number is not None else None
    if row is None:
        return "not a pull request Cloud Doctor opened"
    job = store.get(row["job_id"])
    channel = job.channel if job else ""
    sha = str((store.decision(row["job_id"]) or {}).get("diff_sha256", ""))
    link = f"<{row['url']}|{escape(repo)}#{number}>"
    sender = str((doc.get("sender") or {}).get("login", "github"))
    approved = str(row.get("commit_sha") or "")
    if event == "pull_request" and doc.get("action") == "closed":
        pull = doc["pull_request"]
        merged = bool(pull.get("merged"))
        who = str((pull.get("merged_by") or {}).get("login") or sender)
        note = f"{link} was {'merged' if merged else 'closed without merging'} by {escape(who)}."
        head = str((pull.get("head") or {}).get("sha") or approved)
        if merged and approved and head != approved:  # someone pushed more than what was approved
            note += f" :warning: *Its head `{escape(head[:7])}` is not the approved commit `{approved[:7]}`.*"
        state = ("merged" if merged else "closed", "pr_merged" if merged else "pr_closed")
        applied = store.apply_delivery(delivery, row["job_id"], (channel, note), (state[1], f"github:{who}", sha),
                                       state=state[0])  # fmt: skip
        return state[0] if applied else "already handled"
    if event == "issue_comment" and doc.get("action") == "created":
        text, who, commit = str((doc.get("comment") or {}).get("body", "")), sender, approved
    elif event == "check_run" and doc.get("action") == "completed":
        run = doc["check_run"]
        output = run.get("output") or {}
        text = f"{output.get('title', '')}\n{output.get('summary', '')}\n{output.get('text', '')}"
        who = str((run.get("app") or {}).get("name") or run.get("name") or sender)
        commit = str(run.get("head_sha") or approved)
    else:
        return f"{event} {doc.get('action', '')} ignored".strip()
    plan = read_plan(text)
    if plan is None:
        return "not a plan"
    repository = next((r for r in bot.settings.repositories if r.repo == repo), None)
    if repository is not None and who not in repository.plan_authors:
        return f"not a plan author ({who})"  # a look-alike comment must not speak for the plan
    shown = escape(plan.summary())
    note = f"Plan for {link} (from {escape(who)}): " + (f":rotating_light: *{shown}*" if plan.destroy else shown)
    if approved and commit != approved:
        note += f" — of commit `{escape(commit[:7])}`, not the approved `{approved[:7]}`"
    applied = store.apply_delivery(delivery, row["job_id"], (channel, note), ("plan", f"github:{who}", sha),
                                   detail=plan.summary())  # fmt: skip
    return "plan" if applied else "already handled"
