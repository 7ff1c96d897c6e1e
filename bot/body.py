"""A request body read as the web process can afford: no larger than a cap, no slower than a deadline.

Both Slack's endpoint and the alert webhooks read through here, before anything parses what they read,
so a sender that declares or streams too much, or stops sending halfway, is refused with its reason and
never holds the event loop or a connection open.
"""

from __future__ import annotations

import asyncio

from starlette.requests import ClientDisconnect, Request

READ_SECONDS = 10.0  # a body that stops arriving is given up on


class BodyRefused(Exception):
    """The body was not read: the status and the reason the sender is told."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


async def read_capped(request: Request, limit: int, what: str, seconds: float = READ_SECONDS) -> bytes:
    """The whole body, or BodyRefused: 413 past `limit` bytes (declared or streamed), 408 past `seconds`."""
    too_big = BodyRefused(413, f"the body is larger than {what} ({limit} bytes)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks, size = [], 0

    async def receive() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)

    try:
        async with asyncio.timeout(seconds):  # no task of its own: this is the acknowledgement's path
            await receive()
    except TimeoutError:
        raise BodyRefused(408, f"the body did not arrive within {seconds:g} s") from None
    except ClientDisconnect:
        raise BodyRefused(400, "the client went away before the body arrived") from None
    return b"".join(chunks)
