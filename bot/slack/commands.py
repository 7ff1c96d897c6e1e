"""Slash commands: /analyze-logs and /terraform. The job is stored before the acknowledgement goes out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.slack.command_text import CommandError, help_text, parse

if TYPE_CHECKING:
    from slack_bolt import Ack, App

    from bot.context import Bot


def register(app: App, bot: Bot) -> None:
    @app.command("/analyze-logs")
    def analyze(ack: Ack, command: dict[str, Any]) -> None:
        _handle(bot, ack, command, "analyze")

    @app.command("/terraform")
    def terraform(ack: Ack, command: dict[str, Any]) -> None:
        _handle(bot, ack, command, "terraform")


def _handle(bot: Bot, ack: Ack, command: dict[str, Any], kind: str) -> None:
    name, user, channel = command["command"], command["user_id"], command["channel_id"]
    refusal = bot.access.refusal(user, channel)
    if refusal:
        ack(response_type="ephemeral", text=refusal)
        return
    services = bot.settings.known_services()
    try:
        parsed = parse(name, command.get("text", ""))
    except CommandError as exc:
        ack(response_type="ephemeral", text=str(exc))
        return
    if parsed is None:
        ack(response_type="ephemeral", text=help_text(bot.settings.listed_services()))
        return
    service, args = parsed.target, dict(parsed.flags)
    if kind == "terraform" and service not in services and (earlier := bot.store.find(service)) is not None:
        service, args["from_job"] = earlier.service, earlier.id
    if service not in services and not bot.settings.serves_live(service):
        listed = help_text(bot.settings.listed_services())
        ack(response_type="ephemeral", text=f"I have no incident source for `{service}`. {listed}")
        return
    job, new = bot.store.create_job(
        idempotency_key=f"slack:{command.get('trigger_id') or command.get('command_ts', '')}:{channel}:{user}",
        kind=kind, service=service, args=args, channel=channel, user_id=user, text=command.get("text", ""),
    )  # fmt: skip
    if new:
        bot.workers.wake()
        doing = "diagnosing" if kind == "analyze" else "writing the fix for"
        ack(response_type="ephemeral", text=f"On it: {doing} `{service}` (job `{job.id[:8]}`). I'll post here.")
    else:
        ack(response_type="ephemeral", text=f"Already on it: job `{job.id[:8]}` is {job.state}.")
