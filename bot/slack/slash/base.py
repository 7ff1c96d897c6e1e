"""What every slash command shares: its description, and starting its job (stored before the acknowledgement)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.jobs.args import JobArgs
from bot.jobs.store import AtCapacity, Job, StoreBusy
from bot.slack.blocks import code
from bot.slack.command_text import Command, CommandError, help_text, parse

if TYPE_CHECKING:
    from slack_bolt import Ack

    from bot.context import Bot


# (bot, ack, the command's payload, the command, every command's usage line): acknowledges within 3 s
Handler = Callable[["Bot", "Ack", dict[str, Any], "SlashCommand", list[str]], None]


@dataclass(frozen=True, slots=True)
class SlashCommand:
    """A slash command: its name, the usage line `help` shows, and what it does. By default it starts a
    job of `kind` (a diagnosis or a fix); a command that does something else gives its own `handler`."""

    name: str
    usage: str
    kind: str = "analyze"  # the job kind it starts: analyze | terraform
    doing: str = "diagnosing"  # what the acknowledgement says is under way
    accepts_job_id: bool = False  # the target may be an earlier job's id instead of a service
    handler: Handler | None = None  # default: start_job


def read_command(
    bot: Bot, ack: Ack, command: dict[str, Any], spec: SlashCommand, usages: list[str]
) -> tuple[str, str, Command] | None:
    """(user, channel, the parsed command) of a command this person may run here; None when it was answered
    instead (no user or channel, refused, a mistake, or `help`)."""
    user, channel = command.get("user_id"), command.get("channel_id")
    if not (isinstance(user, str) and user and isinstance(channel, str) and channel):
        ack(response_type="ephemeral", text="This command came without a user or a channel; nothing was started.")
        return None
    refusal = bot.access.refusal(user, channel)
    if refusal:
        ack(response_type="ephemeral", text=refusal)
        return None
    try:
        parsed = parse(spec.usage, command.get("text", ""))
    except CommandError as exc:
        ack(response_type="ephemeral", text=str(exc))
        return None
    if parsed is None:
        ack(response_type="ephemeral", text=help_text(usages, bot.settings.listed_services()))
        return None
    return user, channel, parsed


def start_job(bot: Bot, ack: Ack, command: dict[str, Any], spec: SlashCommand, usages: list[str]) -> None:
    """Parse, check who may, store the job, acknowledge: nothing slow (Slack's 3 s)."""
    if (read := read_command(bot, ack, command, spec, usages)) is None:
        return
    user, channel, parsed = read
    try:
        started = _store_job(bot, ack, command, spec, usages, parsed, user, channel)
    except StoreBusy:
        ack(response_type="ephemeral", text="Cloud Doctor's job store is busy right now; nothing was started. "
            "Please try again in a moment.")  # fmt: skip
        return
    if started is None:
        return
    job, new, service = started
    if new:
        bot.workers.wake()
        ack(
            response_type="ephemeral",
            text=f"On it: {spec.doing} `{code(service)}` (job `{job.id[:8]}`). I'll post here.",
        )
    else:
        ack(response_type="ephemeral", text=f"Already on it: job `{job.id[:8]}` is {job.state}.")


def _store_job(
    bot: Bot,
    ack: Ack,
    command: dict[str, Any],
    spec: SlashCommand,
    usages: list[str],
    parsed: Command,
    user: str,
    channel: str,
) -> tuple[Job, bool, str] | None:
    """The job for a parsed command, and whether it is new; None when the command was answered instead."""
    services = bot.settings.known_services()
    flags = parsed.flags
    service, args = parsed.target, JobArgs(since=flags.get("since"), env=flags.get("env"), cluster=flags.get("cluster"))
    if spec.accepts_job_id and service not in services and (earlier := bot.store.find(service)) is not None:
        service, args = earlier.service, replace(args, from_job=earlier.id)
    if service not in services and not bot.settings.serves_live(service):
        listed = help_text(usages, bot.settings.listed_services())
        ack(response_type="ephemeral", text=f"I have no incident source for `{code(service)}`. {listed}")
        return None
    limit = bot.settings.jobs.max_open_per_user
    try:
        job, new = bot.store.create_job(
            idempotency_key=f"slack:{command.get('trigger_id') or command.get('command_ts', '')}:{channel}:{user}",
            kind=spec.kind, service=service, args=args, channel=channel, user_id=user, text=command.get("text", ""),
            open_limit=limit,
        )  # fmt: skip
    except AtCapacity:
        ack(response_type="ephemeral", text=f"You have {limit} diagnoses queued or running in this channel; "
            "the next can start when one of them finishes.")  # fmt: skip
        return None
    return job, new, service
