"""Questions in a job's thread: `app_mention` and `message` events (Events API, over the same signed
/slack/events). A reply in a diagnosis's thread, or a mention there, is a question about that incident.

The question becomes a job of kind `question`, keyed by the message itself (channel and ts): the mention and
the message event Slack sends for one post, and every retry of either, store one job and get one answer.
Acknowledged on arrival with an :eyes: reaction (added off the request's thread); answered by a worker.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from bot.jobs.args import JobArgs
from bot.jobs.store import AtCapacity, StoreBusy

if TYPE_CHECKING:
    from slack_bolt import Ack, App

    from bot.context import Bot

log = logging.getLogger("cloud_doctor.thread")
MAX_QUESTION = 2000
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
# Slack calls made for an event after its acknowledgement (the reaction, a refusal): a few threads, best effort.
_AFTER_ACK = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cloud-doctor-event")
IGNORED_SUBTYPES = frozenset({"bot_message", "message_changed", "message_deleted", "channel_join", "thread_broadcast"})


def register(app: App, bot: Bot) -> None:
    @app.event("app_mention")
    def mention(ack: Ack, event: dict[str, Any], context: dict[str, Any], client: Any) -> None:
        ack()
        _question(bot, event, context, client, mentioned=True)

    @app.event("message")
    def message(ack: Ack, event: dict[str, Any], context: dict[str, Any], client: Any) -> None:
        ack()
        _question(bot, event, context, client, mentioned=False)


def _question(bot: Bot, event: dict[str, Any], context: dict[str, Any], client: Any, mentioned: bool) -> None:
    user, channel, ts, thread = (event.get(k) for k in ("user", "channel", "ts", "thread_ts"))
    text = event.get("text")
    if event.get("bot_id") or event.get("subtype") in IGNORED_SUBTYPES or event.get("hidden"):
        return  # other bots, edits and deletions are not questions (our own posts Bolt already drops)
    if not all(isinstance(v, str) and v for v in (user, channel, ts, text)):
        return
    assert isinstance(user, str) and isinstance(channel, str) and isinstance(ts, str) and isinstance(text, str)
    if not isinstance(thread, str) or thread == ts:
        if mentioned:  # a mention outside a thread: say where questions go
            _after_ack(client.chat_postEphemeral, channel=channel, user=user,
                       text="Ask me in the thread of one of my diagnoses, or run `/analyze-logs SERVICE`.")  # fmt: skip
        return
    me = context.get("bot_user_id")
    mentions = _MENTION.findall(text)
    if not mentioned and mentions and me not in mentions:
        return  # a reply addressed to someone else in the thread, not to the bot
    question = _MENTION.sub(lambda m: "" if m.group(1) == me else m.group(0), text).strip()[:MAX_QUESTION]
    if not mentioned and not asks(question):
        return  # people talking in the thread, not asking the bot
    job = bot.store.by_message(channel, thread)
    if job is None:
        return  # a thread that is not a job's
    refusal = bot.access.refusal(user, channel)
    if refusal:
        if mentioned:  # said once, to someone who addressed the bot; plain replies get no answer at all
            _after_ack(client.chat_postEphemeral, channel=channel, user=user, thread_ts=thread, text=refusal)
        return
    if not question:
        question = "help"
    try:
        asked, new = bot.store.create_job(
            idempotency_key=f"slack-question:{channel}:{ts}", kind="question", service=job.service,
            args=JobArgs(from_job=job.id, question=question, thread_ts=thread, asked_ts=ts), channel=channel,
            user_id=user, text=f"{thread} {ts}", open_limit=bot.settings.jobs.max_open_per_user,
        )  # fmt: skip
    except (AtCapacity, StoreBusy) as exc:
        log.warning("a question in %s/%s was not taken: %s", channel, thread, type(exc).__name__)
        _after_ack(client.chat_postEphemeral, channel=channel, user=user, thread_ts=thread,
                   text="I can't take another question from you right now; ask again in a moment.")  # fmt: skip
        return
    if new:
        bot.workers.wake()
        _after_ack(client.reactions_add, channel=channel, timestamp=ts, name="eyes")
        log.info("question %s about job %s", asked.id, job.id)


_ASKS = re.compile(
    r"\?\s*$|^\s*(why|what|when|which|who|how|where|is|are|was|were|did|does|do|can|could|should|show|explain|"
    r"look again|check again|re-?run|help)\b",
    re.IGNORECASE,
)


def asks(text: str) -> bool:
    """Whether a reply that does not mention the bot reads as a question to it (ends with ?, or opens like one):
    "thanks, rolling back now" is people talking; "why?" and "what changed" are questions."""
    return bool(_ASKS.search(text))


def _after_ack(call: Any, **kwargs: Any) -> None:
    def run() -> None:
        try:
            call(**kwargs)
        except Exception as exc:  # best effort: the answer still comes
            log.warning("Slack did not take %s: %s", getattr(call, "__name__", "a call"), exc)

    _AFTER_ACK.submit(run)
