"""`/analyze-logs SERVICE [since=30m] [env=prod] [cluster=NAME]`: diagnose a service."""

from __future__ import annotations

from bot.slack.slash.base import SlashCommand

COMMAND = SlashCommand(
    name="/analyze-logs",
    usage="`/analyze-logs SERVICE [since=30m] [env=prod] [cluster=NAME]` diagnoses a service.",
    kind="analyze",
    doing="diagnosing",
)
