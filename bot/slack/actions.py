"""Buttons on a diagnosis: write the fix, show the evidence, approve or reject (reviewers only)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from bot.jobs.args import JobArgs
from bot.jobs.store import StoreBusy, new_message_row
from bot.slack import blocks

if TYPE_CHECKING:
    from slack_bolt import Ack, App, Respond

    from bot.context import Bot

log = logging.getLogger("cloud_doctor.actions")


def register(app: App, bot: Bot) -> None:
    @app.action("write_fix")
    def write_fix(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (found := clicked(body)) is None:
            return
        user, channel, job_id = found
        job = bot.store.get(job_id)
        refusal = bot.access.refusal(user, channel)
        if job is None or refusal:
            respond(text=refusal or "That job no longer exists.", response_type="ephemeral", replace_original=False)
            return
        fix_job, new = bot.store.create_job(
            idempotency_key=f"slack-action:{body.get('trigger_id', '')}:{job.id}", kind="terraform",
            service=job.service, args=JobArgs(from_job=job.id), channel=channel, user_id=user, text=f"fix {job.id}",
        )  # fmt: skip
        if new:
            bot.workers.wake()
        respond(
            text=f"Writing the Terraform fix for `{blocks.code(job.service)}` (job `{fix_job.id[:8]}`).",
            response_type="ephemeral",
            replace_original=False,
        )

    @app.action("show_evidence")
    def show_evidence(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (found := clicked(body)) is None:
            return
        refusal = bot.access.refusal(found[0], found[1])
        job = bot.store.get(found[2]) if not refusal else None
        text = refusal or (blocks.evidence(job.result) if job and job.result and "diagnosis" in job.result
                           else "No diagnosis stored for that job yet.")  # fmt: skip
        respond(text=text, response_type="ephemeral", replace_original=False)

    @app.action("postmortem")
    def postmortem(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (found := clicked(body)) is None:
            return
        user, channel, job_id = found
        try:
            said = queue_postmortem(bot, user, channel, job_id)
        except StoreBusy:
            said = "Cloud Doctor's job store is busy right now; please try again in a moment."
        respond(text=said, response_type="ephemeral", replace_original=False)

    @app.action("approve_fix")
    def approve(ack: Ack, body: dict[str, Any], respond: Respond, client: Any) -> None:
        ack()
        _decide(bot, "approve", body, respond, client)

    @app.action("reject_fix")
    def reject(ack: Ack, body: dict[str, Any], respond: Respond, client: Any) -> None:
        ack()
        _decide(bot, "reject", body, respond, client)


def queue_postmortem(bot: Bot, user: str, channel: str, job_id: str) -> str:
    """Queue a job's postmortem draft for its thread (a worker writes and uploads it); what to tell the person."""
    refusal = bot.access.refusal(user, channel)
    if refusal:
        return refusal
    job = bot.store.find(job_id)
    if (
        job is None
        or job.channel != channel
        or job.result is None
        or "diagnosis" not in job.result
        or (job.message_ts is None)
    ):  # another channel's job is not known here: its thread is not this channel's to write in
        return f"No finished diagnosis in this channel is known as `{blocks.code(job_id[:36])}`."
    state = bot.store.message_state("postmortem", job.id)
    if state == "pending":
        return f"The postmortem draft of job `{job.id[:8]}` is being written; it will be in the diagnosis's thread."
    if state == "sent":
        return f"The postmortem draft of job `{job.id[:8]}` is already in the diagnosis's thread."
    bot.store.queue_message("postmortem", job.channel, job.id, {"asked_by": user})
    bot.workers.wake()
    return f"Writing the postmortem draft of job `{job.id[:8]}`; it will be in the diagnosis's thread."


def clicked(body: dict[str, Any]) -> tuple[str, str, str] | None:
    """(user, channel, job id) of a button click; None, and a line in the log, for a payload without them
    (Slack always sends them: such a request was made by hand, and gets nothing)."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    user, channel = body.get("user"), body.get("channel")
    found = (
        user.get("id") if isinstance(user, dict) else None,
        channel.get("id") if isinstance(channel, dict) else None,
        first.get("value"),
    )
    if all(isinstance(v, str) and 0 < len(v) <= 64 for v in found):
        return found[0], found[1], found[2]  # type: ignore[return-value]
    log.warning("a block action without its user, channel or job id was ignored")
    return None


def _decide(bot: Bot, action: str, body: dict[str, Any], respond: Respond, client: Any) -> None:
    if (found := clicked(body)) is None:
        return
    user, channel, job_id = found
    if not bot.access.may_review(user):
        respond(
            text="Only Cloud Doctor's configured reviewers may approve or reject a fix.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    job = bot.store.get(job_id)
    fix = (job.result or {}).get("fix") if job else None
    if job is None or not fix:
        respond(text="There is no fix on that job to decide on.", response_type="ephemeral", replace_original=False)
        return
    # An approval whose service has a repository opens its pull request: queued with the decision, done by a worker.
    opens = action == "approve" and bot.settings.repository_for(job.service) is not None
    then = new_message_row("pull_request", job.channel, {}, time.time(), time.time(), job.id) if opens else None
    entry, first = bot.store.record_decision(job.id, action, user, fix["diff"], then=then)
    if not first:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(entry["at"]))
        respond(
            text=f"This fix was already {blocks.DECIDED[entry['action']]} by <@{entry['user_id']}> at {when}; "
            "nothing changed.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    log.info("fix %s for job %s by %s (diff %s)", action, job.id, user, entry["diff_sha256"])
    if then is not None:
        bot.workers.wake()
    message = body.get("message") or {}
    client.chat_update(
        channel=channel,
        ts=message.get("ts", job.message_ts),
        text=f"Fix {blocks.DECIDED[action]} by <@{user}>",
        blocks=blocks.decided(message.get("blocks", []), action, user, entry["diff_sha256"]),
    )
