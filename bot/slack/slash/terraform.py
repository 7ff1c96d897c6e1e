"""`/terraform SERVICE` (or an earlier job's id): diagnose and write the Terraform fix."""

from __future__ import annotations

from bot.slack.slash.base import SlashCommand

COMMAND = SlashCommand(
    name="/terraform",
    usage="`/terraform SERVICE` (or a job id from an earlier diagnosis) writes the Terraform fix.",
    kind="terraform",
    doing="writing the fix for",
    accepts_job_id=True,
)
