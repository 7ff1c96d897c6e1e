"""A request to `/slack/events`, checked before anything parses it: size, arrival, timestamp, signature.

Slack signs `v0:<timestamp>:<body>` with the app's signing secret (HMAC-SHA256). The body is read no
further than `MAX_BODY` and no longer than `bot.body.READ_SECONDS`, its timestamp must be a number within
five minutes of now, and its signature must match (slack_sdk's verifier, constant time) — before the form
or JSON inside is parsed. What fails is a 4xx with the reason, never a 500.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

from starlette.requests import Request

from bot.body import BodyRefused as Refusal
from bot.body import read_capped

MAX_BODY = 1_048_576  # Slack's own payloads are kilobytes; a modal's view stays well under this
TOLERANCE = 300  # seconds between Slack's timestamp and ours


async def signed_body(request: Request, signing_secret: str, now: float | None = None) -> bytes:
    """The body, once it is known to come from Slack; else Refusal says why."""
    body = await read_capped(request, MAX_BODY, "any Slack request")
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit()) or not signature:
        raise Refusal(401, "missing or malformed X-Slack-Request-Timestamp or X-Slack-Signature")
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE:
        raise Refusal(401, "X-Slack-Request-Timestamp is more than five minutes away: a replay?")
    from slack_sdk.signature import SignatureVerifier

    try:
        body.decode("utf-8")  # what Slack signs is text; the verifier decodes it
    except UnicodeDecodeError:
        raise Refusal(400, "the body is not UTF-8") from None
    if not SignatureVerifier(signing_secret).is_valid(body, timestamp, signature):
        raise Refusal(401, "the signature does not match (is the signing secret the app's?)")
    _check_shape(body, request.headers.get("content-type", ""))
    return body


def _check_shape(body: bytes, content_type: str) -> None:
    """Signed, but is it a Slack request at all: a form (a command, or `payload=` holding a JSON object),
    or an Events API object with a type."""
    if content_type.startswith("application/json"):
        try:
            doc = json.loads(body)
        except (ValueError, RecursionError):
            raise Refusal(400, "the body is not JSON") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("type"), str):
            raise Refusal(400, "an Events API body is an object with a type")
        return
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise Refusal(415, "Slack sends commands and interactions as a form, events as JSON")
    if b"payload=" not in body:  # a slash command (the hot path): Bolt parses it, once
        if not (body.startswith(b"command=") or b"&command=" in body):
            raise Refusal(400, "neither a slash command nor an interaction payload")
        return
    form = parse_qs(body.decode("utf-8"), strict_parsing=False)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except (ValueError, RecursionError):
            raise Refusal(400, "payload is not JSON") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
            raise Refusal(400, "payload must be an interaction object with a type")
        actions = payload.get("actions")
        if payload["type"] == "block_actions" and not (
            isinstance(actions, list) and actions and all(isinstance(a, dict) for a in actions)
        ):
            raise Refusal(400, "a block_actions payload carries the actions clicked")
    elif "command" not in form:
        raise Refusal(400, "neither a slash command nor an interaction payload")
