"""`/postmortem JOB`: a postmortem draft of a finished diagnosis, uploaded as markdown in its thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.jobs.store import StoreBusy
from bot.slack.actions import queue_postmortem
from bot.slack.command_text import CommandError, help_text, parse
from bot.slack.slash.base import SlashCommand

if TYPE_CHECKING:
    from slack_bolt import Ack

    from bot.context import Bot


def write_postmortem(bot: Bot, ack: Ack, command: dict[str, Any], spec: SlashCommand, usages: list[str]) -> None:
    user, channel = command.get("user_id"), command.get("channel_id")
    if not (isinstance(user, str) and user and isinstance(channel, str) and channel):
        ack(response_type="ephemeral", text="This command came without a user or a channel; nothing was started.")
        return
    try:
        parsed = parse(spec.usage, command.get("text", ""))
    except CommandError as exc:
        ack(response_type="ephemeral", text=str(exc))
        return
    if parsed is None or parsed.flags:
        ack(response_type="ephemeral", text=help_text(usages, bot.settings.listed_services()))
        return
    try:
        ack(response_type="ephemeral", text=queue_postmortem(bot, user, channel, parsed.target))
    except StoreBusy:
        ack(response_type="ephemeral", text="Cloud Doctor's job store is busy right now; please try again.")


COMMAND = SlashCommand(
    name="/postmortem",
    usage="`/postmortem JOB` writes a postmortem draft of a finished diagnosis in its thread.",
    handler=write_postmortem,
)
