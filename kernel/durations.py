"""Durations as people write them in settings, commands and flags: `30s`, `5m`, `2h`, `7d`."""

from __future__ import annotations

import re

DURATION = r"^\d+[smhd]$"  # the settings' pattern (pydantic Field(pattern=...))
_FORM = re.compile(DURATION)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def is_duration(text: str, units: str = "smhd") -> bool:
    """Whether `text` is a whole number followed by one of `units`."""
    return bool(_FORM.match(text)) and text[-1] in units


def seconds(duration: str) -> float:
    """`30s`, `5m`, `2h`, `7d` in seconds; ValueError names the accepted form."""
    if not is_duration(duration):
        raise ValueError(f"{duration!r} is not a duration such as 30s, 5m, 2h or 7d")
    return float(duration[:-1]) * _UNIT_SECONDS[duration[-1]]
