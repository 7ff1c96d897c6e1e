"""The body reader both Slack's endpoint and the webhooks use: capped, timed out, and a vanished client."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.requests import Request

from bot.body import BodyRefused, read_capped


def _request(
    messages: list[dict[str, Any]], stall: bool = False, length: int | None = None, taken: list[int] | None = None
) -> Request:
    """A request whose body arrives as `messages`, then (if `stall`) never another byte; `taken` counts reads."""
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        if taken is not None:
            taken.append(1)
        if queue:
            return queue.pop(0)
        if stall:
            await asyncio.Event().wait()  # the sender stopped sending; the connection stays open
        return {"type": "http.disconnect"}

    headers = [(b"content-length", str(length).encode())] if length is not None else []
    return Request({"type": "http", "method": "POST", "headers": headers}, receive)


def _part(data: bytes, more: bool = True) -> dict[str, Any]:
    return {"type": "http.request", "body": data, "more_body": more}


def _read(request: Request, **kwargs: Any) -> bytes:
    return asyncio.run(read_capped(request, 100, "the limit", **kwargs))


def test_a_whole_body_within_the_cap_is_read() -> None:
    assert _read(_request([_part(b"ab"), _part(b"cd", more=False)])) == b"abcd"


def test_a_body_that_stops_arriving_is_408_at_the_deadline() -> None:
    with pytest.raises(BodyRefused) as refused:
        _read(_request([_part(b"half of it")], stall=True), seconds=0.2)
    assert refused.value.status == 408 and "did not arrive within 0.2 s" in refused.value.reason


def test_too_much_declared_or_streamed_is_413_before_it_is_all_read() -> None:
    read: list[int] = []
    with pytest.raises(BodyRefused) as declared:
        _read(_request([_part(b"x", more=False)], length=101))
    assert declared.value.status == 413 and "larger than the limit (100 bytes)" in declared.value.reason
    with pytest.raises(BodyRefused) as streamed:
        _read(_request([_part(b"x" * 60)] * 10, taken=read))
    assert streamed.value.status == 413 and len(read) == 2  # refused at the second chunk, not the tenth


def test_a_client_that_goes_away_is_400() -> None:
    with pytest.raises(BodyRefused) as refused:
        _read(_request([_part(b"half")]))
    assert refused.value.status == 400 and "went away" in refused.value.reason
