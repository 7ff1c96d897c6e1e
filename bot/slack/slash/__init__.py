"""Slash commands, one module each, registered here; `register` hands each to Bolt."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.slack.slash import analyze_logs, postmortem, terraform
from bot.slack.slash.base import SlashCommand, start_job

if TYPE_CHECKING:
    from slack_bolt import Ack, App

    from bot.context import Bot

COMMANDS: dict[str, SlashCommand] = {c.name: c for c in (analyze_logs.COMMAND, terraform.COMMAND, postmortem.COMMAND)}
USAGES = [c.usage for c in COMMANDS.values()]


def register(app: App, bot: Bot) -> None:
    for spec in COMMANDS.values():
        app.command(spec.name)(_listener(bot, spec))


def _listener(bot: Bot, spec: SlashCommand) -> Callable[..., None]:
    """Bolt passes arguments by parameter name: the listener takes exactly `ack` and `command`."""

    handle = spec.handler or start_job

    def listener(ack: Ack, command: dict[str, Any]) -> None:
        handle(bot, ack, command, spec, USAGES)

    return listener
