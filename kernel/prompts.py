"""Prompts are files (analyzers/prompts/, prescribers/prompts/), rendered through this one helper."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

DATA_OPEN = "<<<TELEMETRY DATA"
DATA_CLOSE = "TELEMETRY DATA>>>"


@cache
def _environment(folder: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )  # plain text for a model, not HTML


def render(folder: Path, name: str, **values: Any) -> str:
    """Render a prompt; telemetry must be passed as `data` and the template puts it inside the delimiters."""
    text = _environment(str(folder)).get_template(name).render(data_open=DATA_OPEN, data_close=DATA_CLOSE, **values)
    return text


def fence(data: str) -> str:
    """Telemetry as quoted data: a line that mimics our delimiters cannot close the data section early."""
    return data.replace(DATA_OPEN, "<<<telemetry data").replace(DATA_CLOSE, "telemetry data>>>")
