"""Parsing slash-command text: `/analyze-logs [service] [since=30m] [env=prod] [cluster=name]`."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.slack.blocks import code
from kernel.durations import is_duration

FLAGS = ("since", "env", "cluster")
MAX_TEXT = 300  # a service, a few flags; a job id is 36 characters


class CommandError(ValueError):
    """What the person typed cannot be run; the message says what to type instead."""


@dataclass(slots=True)
class Command:
    target: str
    flags: dict[str, str] = field(default_factory=dict)


def parse(usage: str, text: str) -> Command | None:
    """None for `help` (or nothing); raises CommandError with a short correction otherwise."""
    if len(text) > MAX_TEXT:
        raise CommandError(f"That is longer than any service name or job id ({MAX_TEXT} characters at most). {usage}")
    words = text.split()
    if not words or words[0].lower() in ("help", "-h", "--help"):
        return None
    target, flags = "", {}
    for word in words:
        if "=" in word:
            key, _, value = word.partition("=")
            if key not in FLAGS:
                raise CommandError(f"Unknown option `{code(key)}`. {usage}")
            if key == "since" and not is_duration(value, "mhd"):
                raise CommandError("`since` takes a duration such as `30m`, `2h` or `1d`.")
            flags[key] = value
        elif target:
            raise CommandError(f"One service at a time, please. {usage}")
        else:
            target = word
    if not target:
        raise CommandError(f"Which service? {usage}")
    return Command(target, flags)


def help_text(usages: list[str], services: list[str], limit: int = 25) -> str:
    known = ", ".join(f"`{code(s)}`" for s in services[:limit]) or "none yet"
    more = f" and {len(services) - limit} more" if len(services) > limit else ""
    return "\n".join([*usages, f"Services I know: {known}{more}."])
