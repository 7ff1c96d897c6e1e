"""Prompts are files (analyzers/prompts/, prescribers/prompts/), rendered through this one helper."""

from __future__ import annotations

import re
from collections.abc import Callable
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


# A run of three or more angle brackets, ASCII or look-alike (full-width, small), and the delimiters' words in
# any case, spacing or punctuation: what a forged delimiter would need. Data never keeps either.
_RUNS = {
    "‹": re.compile(r"[<\uff1c\ufe64\u2039\u00ab\u276e]{3,}"),
    "›": re.compile(r"[>\uff1e\ufe65\u203a\u00bb\u276f]{3,}"),
}
_WORDS = re.compile(r"t\W*e\W*l\W*e\W*m\W*e\W*t\W*r\W*y[\W_]*d\W*a\W*t\W*a", re.IGNORECASE)


def fence(data: str) -> str:
    """Outside text as quoted data: nothing in it can open or close the data section early, whatever its
    spacing, case or look-alike brackets. Everything untrusted in a prompt passes through here."""
    for plain, run in _RUNS.items():
        data = run.sub(_replaced_by(plain), data)
    return _WORDS.sub("telemetry_data", data)


def _replaced_by(plain: str) -> Callable[[re.Match[str]], str]:
    return lambda match: plain * len(match.group())
