"""Helpers every bundle reader shares: the wrapper's response, a query_range result, labels, zoned times."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from datetime import datetime
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
