"""Helpers every bundle reader shares: the wrapper's response, a query_range result, labels, zoned times."""

from __future__ import annotations

import contextlib
import gc
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from json.scanner import make_scanner
from typing import Any

from kernel import Problem


def parse_time(value: Any, file: str, fld: str, problems: list[Problem]) -> datetime | None:
    if not isinstance(value, str):
        problems.append(Problem(file, fld, f"expected an ISO 8601 time string, got {type(value).__name__}"))
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        problems.append(Problem(file, fld, f"{value!r} is not an ISO 8601 time (e.g. 2026-11-20T10:00:00Z)"))
        return None
    if parsed.tzinfo is None:
        problems.append(Problem(file, fld, f"{value!r} has no time zone; add Z or an offset"))
        return None
    return parsed


def response(rel: str, doc: dict[str, Any], problems: list[Problem], kind: str) -> dict[str, Any] | None:
    body = doc.get("response")
    if not isinstance(body, dict):
        problems.append(Problem(rel, "response", f"required: the exact JSON body {kind} returned"))
        return None
    return body


def listed(rel: str, doc: dict[str, Any], problems: list[Problem], kind: str, key: str) -> list[Any] | None:
    """`response.<key>` of an AWS response body (`events`, `MetricDataResults`), checked to be a list."""
    body = response(rel, doc, problems, kind)
    if body is None:
        return None
    found = body.get(key)
    if not isinstance(found, list):
        problems.append(Problem(rel, f"response.{key}", f"must be a list (a {kind} response)"))
        return None
    return found


def result(rel: str, doc: dict[str, Any], problems: list[Problem], result_type: str) -> list[Any]:
    """`data.result` of a Prometheus or Loki query_range body, checked."""
    body = response(rel, doc, problems, "the API")
    if body is None:
        return []
    data = body.get("data")
    if body.get("status") not in (None, "success") or not isinstance(data, dict):
        problems.append(Problem(rel, "response.data", "missing; expected {status: success, data: {...}}"))
        return []
    if data.get("resultType") != result_type:
        problems.append(Problem(rel, "response.data.resultType", f"must be {result_type!r}"))
        return []
    found = data.get("result")
    if not isinstance(found, list):
        problems.append(Problem(rel, "response.data.result", "must be a list"))
        return []
    return found


def labels(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Reading telemetry allocates a record per line and frees none of them, and no record is part of a cycle:
    meanwhile the cyclic collector would walk every record kept so far, again and again, for nothing (at 1M
    lines, 15-20 % of the whole diagnosis, measured by bench/bench_scale.py). Paused while reading, then
    restored as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Unstreamed(Exception):
    """The text is not laid out as the streaming reader expects (or is not JSON): decode it whole instead."""


_WS = re.compile(r"[ \t\n\r]*")  # JSON's blanks
# the C scanner json.loads runs: one value from an index, at C speed (StopIteration where there is none)
scan_json: Callable[[str, int], tuple[Any, int]] = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _skip(text: str, at: int) -> int:
    """The index after the blanks at `at`."""
    return _WS.match(text, at).end()  # type: ignore[union-attr]  # a run of none matches too


def only_blanks_after(text: str, at: int) -> bool:
    """Whether nothing but JSON's blanks follows `at` (what json.loads allows after a document)."""
    return _skip(text, at) == len(text)


def value_at(text: str, at: int) -> tuple[Any, int]:
    """The JSON value that starts at `at` (after blanks), and the index after it."""
    try:
        return scan_json(text, _skip(text, at))
    except (StopIteration, ValueError) as exc:
        raise Unstreamed(f"no JSON value at {at}") from exc


def walk_object(text: str, at: int, member: Callable[[str, int], int]) -> int:
    """Walk the JSON object that starts at `at` (after blanks) without decoding it whole: `member(key, index)`
    decodes or walks the value at `index` and returns the index after it. Returns the index after the object.
    A repeated key raises Unstreamed (json.loads would keep the last one; a reader that streamed the first could
    not take it back)."""
    seen: set[str] = set()

    def pair(_n: int, at: int) -> int:
        key, at = value_at(text, at)
        if not isinstance(key, str) or key in seen:
            raise Unstreamed(f"no new key at {at}")
        seen.add(key)
        at = _skip(text, at)
        if text[at : at + 1] != ":":
            raise Unstreamed(f"no ':' at {at}")
        return member(key, at + 1)

    return _walk(text, at, "{}", pair)


def walk_array(text: str, at: int, item: Callable[[int, int], int]) -> int:
    """Walk the JSON array that starts at `at`: `item(position, index)` walks or decodes each element."""
    return _walk(text, at, "[]", item)


def _walk(text: str, at: int, brackets: str, element: Callable[[int, int], int]) -> int:
    """The elements of the container opened by brackets[0] at `at` (after blanks), separated by commas, to the
    index after brackets[1]."""
    at = _skip(text, at)
    if text[at : at + 1] != brackets[0]:
        raise Unstreamed(f"no {brackets[0]!r} at {at}")
    at = _skip(text, at + 1)
    if text[at : at + 1] == brackets[1]:
        return at + 1
    n = 0
    while True:
        at = _skip(text, element(n, at))
        n += 1
        if text[at : at + 1] == brackets[1]:
            return at + 1
        if text[at : at + 1] != ",":
            raise Unstreamed(f"no ',' or {brackets[1]!r} at {at}")
        at += 1
