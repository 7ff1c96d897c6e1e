"""A thread question's job, run by a worker: answered from the asked-about job's stored result, offline or by
Gemini when it is the configured diagnoser; "look again" starts a new diagnosis instead."""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING, Any

from bot.jobs.args import JobArgs
from bot.jobs.store import AtCapacity
from bot.slack.blocks import code, code_block, escape
from bot.slack.threads import thread_replies
from bot.thread.questions import answer_offline

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.jobs.store import Job, Store
    from bot.settings import Settings

log = logging.getLogger("cloud_doctor.thread")
ANSWER_EVENT = "cloud_doctor_answer"
MAX_LOOK_BACK_MINUTES = 360


def answer_question(settings: Settings, store: Store, slack: WebClient, job: Job) -> dict[str, Any]:
    """The question job's result: {question, answer (Slack mrkdwn), intent, engine[, usage, started_job]}."""
    question = job.args.question or ""
    parent = store.get(job.args.from_job or "")
    base = {"question": question, "asked_by": job.user_id, "about": job.args.from_job}
    if parent is None or parent.result is None or "diagnosis" not in parent.result:
        ref = f"Job `{(job.args.from_job or '')[:8]}`"
        if parent is not None and parent.state in ("queued", "running"):
            text = f"{ref} is still {parent.stage}; ask again once its diagnosis is posted."
        elif parent is not None and parent.state == "failed":
            text = f"{ref} failed ({escape(parent.error or 'no reason stored')}): there is no diagnosis to ask about."
        else:
            text = f"{ref} has no diagnosis to ask about."
        return base | {"answer": text, "intent": "not_ready", "engine": "rules"}
    offline = answer_offline(question, parent.result)
    if offline.look_again is not None:
        return base | _look_again(settings, store, job, parent, offline.look_again, offline.text)
    if settings.engines.diagnoser != "gemini" or offline.intent == "help":
        return base | {"answer": offline.text, "intent": offline.intent, "engine": "rules"}
    try:
        reply = _ask_gemini(settings, slack, job, parent)
    except Exception as exc:  # no answer from the model: the offline one, saying why
        log.warning("job %s: Gemini did not answer the thread question: %s", job.id, exc)
        note = f"\n_(Gemini did not answer: {escape(type(exc).__name__)}; this is the offline answer.)_"
        return base | {"answer": offline.text + note, "intent": offline.intent, "engine": "rules"}
    return base | reply


def _ask_gemini(settings: Settings, slack: WebClient, job: Job, parent: Job) -> dict[str, Any]:
    from analyzers.conversation import GeminiConversation, Turn
    from analyzers.gemini import GeminiDiagnoser

    options = settings.engine_options()["gemini"]
    conversation = GeminiConversation(GeminiDiagnoser(**options))
    result = parent.result or {}
    d = result["diagnosis"]
    diagnosis = f"{d['category']} in {d['resource']} ({d['confidence']:.0%}): {d['summary']}"
    if result.get("fix"):
        diagnosis += f" Fix offered: {result['fix']['summary']}"
    history = [
        Turn("cloud-doctor" if m.get("bot_id") else "person", _said(m))
        for m in _thread(slack, job)
        if m.get("ts") != job.args.asked_ts and _said(m)
    ]
    context = result.get("context") or {}
    title = (result.get("incident") or {}).get("title", parent.service)
    reply = conversation.answer(title, diagnosis, context.get("digest", ""), history, job.args.question or "")
    text = escape(reply.answer)
    if reply.quotes:
        text += "\n*From the evidence*\n```" + "\n".join(code_block(q[:400]) for q in reply.quotes) + "```"
    if reply.dropped:
        text += f"\n_({reply.dropped} quoted line(s) left out: they are not in the evidence.)_"
    return {"answer": text, "intent": "model", "engine": "gemini", "usage": reply.usage}


def _said(message: dict[str, Any]) -> str:
    """A thread message as history: its text, or the files it shared."""
    files = [str(f.get("name", "")) for f in message.get("files") or [] if isinstance(f, dict)]
    return str(message.get("text") or "") or (f"(shared {', '.join(files)})" if files else "")


def _thread(slack: WebClient, job: Job) -> list[dict[str, Any]]:
    """The thread's messages, oldest first (its parent included); a Slack failure means no history."""
    try:
        return thread_replies(slack, job.channel, job.args.thread_ts or "")
    except Exception as exc:
        log.warning("job %s: the thread's history could not be read: %s", job.id, exc)
        return []


def _look_again(settings: Settings, store: Store, job: Job, parent: Job, since: float, said: str) -> dict[str, Any]:
    minutes = min(MAX_LOOK_BACK_MINUTES, max(5, math.ceil((time.time() - since) / 60)))
    args = JobArgs(since=f"{minutes}m", env=parent.args.env, cluster=parent.args.cluster)
    try:  # the same person's look-agains at one service within a minute are one diagnosis, under their cap
        again, _new = store.create_job(
            idempotency_key=f"look-again:{job.id}", kind="analyze", service=parent.service, args=args,
            channel=job.channel, user_id=job.user_id, text=parent.service,
            open_limit=settings.jobs.max_open_per_user,
        )  # fmt: skip
    except AtCapacity:
        text = f"You have {settings.jobs.max_open_per_user} diagnoses open in this channel; look again once one ends."
        return {"answer": text, "intent": "look_again", "engine": "rules"}
    capped = f" (at most {MAX_LOOK_BACK_MINUTES // 60} h back)" if minutes == MAX_LOOK_BACK_MINUTES else ""
    replay = "" if settings.serves_live(parent.service) else " (from its recorded bundle: nothing new will show)"
    text = (
        f"{said}{capped} New diagnosis of `{code(parent.service)}`: job `{again.id[:8]}`{replay}; it posts in the "
        "channel."
    )
    return {"answer": text, "intent": "look_again", "engine": "rules", "started_job": again.id}
