"""👍 / 👎 on a diagnosis. 👍 is stored at once; 👎 opens a modal asking what it really was (the diagnosis's
other hypotheses to choose from, or a category and resource typed in) and a note. Each answer is stored with
who and when, one per person per job (the latest stands): `cloud-doctor feedback export` turns them into an
eval set, and /metrics reports agreement per engine."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from analyzers.signatures import CATEGORIES
from bot.jobs.store import StoreBusy
from bot.slack.actions import clicked as _clicked
from bot.slack.blocks import code, escape

if TYPE_CHECKING:
    from slack_bolt import Ack, App, Respond

    from bot.context import Bot
    from bot.jobs.store import Job

log = logging.getLogger("cloud_doctor.feedback")
CALLBACK = "feedback_modal"
CHOICES = ("unknown", *CATEGORIES)


def register(app: App, bot: Bot) -> None:
    @app.action("feedback_up")
    def up(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (job := _judged(bot, body, respond)) is None:
            return
        try:
            bot.store.record_feedback(job.id, body["user"]["id"], "up", _engine(job))
        except StoreBusy:
            respond(text="Cloud Doctor's store is busy; please press 👍 again in a moment.", response_type="ephemeral",
                    replace_original=False)  # fmt: skip
            return
        respond(text="Thanks: counted as right.", response_type="ephemeral", replace_original=False)

    @app.action("feedback_down")
    def down(ack: Ack, body: dict[str, Any], respond: Respond, client: Any) -> None:
        ack()
        if (job := _judged(bot, body, respond)) is None:
            return
        assert job.result is not None
        channel = body["channel"]["id"]
        try:
            client.views_open(trigger_id=body.get("trigger_id", ""), view=modal(job.id, channel, job.result))
        except Exception as exc:  # the trigger expired (3 s), or Slack refused: say so rather than fail the click
            log.warning("the feedback modal did not open: %s", exc)
            respond(text="Slack did not open the feedback form; please press 👎 again.", response_type="ephemeral",
                    replace_original=False)  # fmt: skip

    @app.view(CALLBACK)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: Any) -> None:
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            job_id, channel = str(meta["job"]), str(meta["channel"])
        except (ValueError, KeyError, TypeError):
            ack()
            return
        values = (view.get("state") or {}).get("values") or {}
        parsed = read_answer(values)
        if isinstance(parsed, dict) and "errors" in parsed:
            ack(response_action="errors", errors=parsed["errors"])
            return
        ack()
        user = (body.get("user") or {}).get("id", "")
        job = bot.store.get(job_id)
        if job is None or job.result is None or bot.access.refusal(user, channel):
            return
        category, resource, note = parsed
        try:
            bot.store.record_feedback(job.id, user, "down", _engine(job), category, resource, note)
        except StoreBusy:
            log.warning("feedback on job %s by %s not stored: the store is busy", job.id, user)
            return
        log.info("feedback on job %s by %s: %s in %s", job.id, user, category, resource)
        try:
            client.chat_postEphemeral(
                channel=channel, user=user, text=f"Thanks: stored as {escape(category)} in `{code(resource)}`."
            )
        except Exception as exc:  # the answer is stored; the thanks is best effort
            log.warning("the feedback thanks was not posted: %s", exc)


def _judged(bot: Bot, body: dict[str, Any], respond: Respond) -> Job | None:
    """The diagnosis's job for a click by someone who may run commands here, else None (and they are told)."""
    if (clicked := _clicked(body)) is None:
        return None
    user, channel, job_id = clicked
    refusal = bot.access.refusal(user, channel)
    job = bot.store.get(job_id) if not refusal else None
    if job is None or not (job.result or {}).get("diagnosis"):
        respond(text=refusal or "There is no diagnosis on that job to judge.", response_type="ephemeral",
                replace_original=False)  # fmt: skip
        return None
    return job


def _engine(job: Job) -> str:
    """The engine that made the job's diagnosis: agreement is reported per engine."""
    return str(((job.result or {}).get("diagnosis") or {}).get("engine", ""))


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit]}


def modal(job_id: str, channel: str, result: dict[str, Any]) -> dict[str, Any]:
    """The 👎 modal: what it really was (the other hypotheses, or typed in) and a note."""
    d = result["diagnosis"]
    seen: set[str] = set()
    options = []
    for h in d.get("hypotheses") or []:
        value = f"{h['category']}|{h['resource']}"
        if len(value) <= 150 and value not in seen and (h["category"], h["resource"]) != (d["category"], d["resource"]):
            seen.add(value)
            options.append({"text": _plain(f"{h['category']} in {h['resource']}", 75), "value": value})
    if len(f"unknown|{d['resource']}") <= 150:
        options.append({"text": _plain(f"no failure in {d['resource']}", 75), "value": f"unknown|{d['resource']}"})
    if not options:  # a static_select needs one option; typing the answer in always works
        options.append({"text": _plain("something else (type it below)", 75), "value": "none"})
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "private_metadata": json.dumps({"job": job_id, "channel": channel}),
        "title": _plain("What was it?", 24),
        "submit": _plain("Save", 24),
        "close": _plain("Cancel", 24),
        "blocks": [
            {"type": "section", "text": _plain(f"Cloud Doctor said: {d['category']} in {d['resource']}.", 3000)},
            {"type": "input", "block_id": "actual", "optional": True, "label": _plain("The actual cause", 2000),
             "element": {"type": "static_select", "action_id": "choice", "options": options[:100],
                         "placeholder": _plain("One of the other hypotheses", 150)}},
            {"type": "input", "block_id": "other", "optional": True,
             "label": _plain("Or type it: category, then resource", 2000),
             "hint": _plain("Categories: " + ", ".join(CHOICES), 2000),
             "element": {"type": "plain_text_input", "action_id": "text", "max_length": 250,
                         "placeholder": _plain("e.g. db_connection_exhaustion orders-db", 150)}},
            {"type": "input", "block_id": "note", "optional": True, "label": _plain("Note", 2000),
             "element": {"type": "plain_text_input", "action_id": "text", "multiline": True, "max_length": 2000}},
        ],
    }  # fmt: skip


def read_answer(values: dict[str, Any]) -> tuple[str, str, str] | dict[str, Any]:
    """(category, resource, note) from the modal's state, or {"errors": {block: message}} for Slack to show."""

    def field(block: str, action: str) -> Any:
        return ((values.get(block) or {}).get(action)) or {}

    typed = str(field("other", "text").get("value") or "").strip()
    chosen = (field("actual", "choice").get("selected_option") or {}).get("value")
    note = str(field("note", "text").get("value") or "").strip()
    if typed:
        category, _, resource = typed.partition(" ")
        if category not in CHOICES:
            return {"errors": {"other": "Start with one of the categories listed under this field."}}
        if not resource.strip():
            return {"errors": {"other": "After the category, the resource (the failing service, database…)."}}
        return category, resource.strip(), note
    if isinstance(chosen, str) and "|" in chosen:
        category, _, resource = chosen.partition("|")
        if category in CHOICES and resource:
            return category, resource, note
    return {"errors": {"actual": "Choose what it was, or type it in the field below."}}
