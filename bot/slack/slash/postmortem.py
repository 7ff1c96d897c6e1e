"""`/postmortem JOB`: a postmortem draft of a finished diagnosis, uploaded as markdown in its thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.jobs.store import StoreBusy
from bot.slack.actions import queue_postmortem
from bot.slack.slash.base import SlashCommand, read_command

if TYPE_CHECKING:
    from slack_bolt import Ack

    from bot.context import Bot


def write_postmortem(bot: Bot, ack: Ack, command: dict[str, Any], spec: SlashCommand, usages: list[str]) -> None:
    if (read := read_command(bot, ack, command, spec, usages)) is None:
        return
    user, channel, parsed = read
    if parsed.flags:
        ack(response_type="ephemeral", text=f"`/postmortem` takes a job id only. {spec.usage}")
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
