"""The Slack Web API client, with slack_sdk's own retry handlers: a Slack outage delays a message.

Connection errors, HTTP 429 (after its Retry-After), HTTP 500/503 and `{"ok": false, "error":
"ratelimited"}` are retried with exponential backoff; any other refusal is not (it will not change).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.settings import Settings


def slack_client(settings: Settings, retries: int = 6) -> WebClient:
    """`retries` 6 waits 0.5 + 1 + 2 + 4 + 8 + 16 s at most between tries: a 30-second outage is ridden out."""
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import (
        ConnectionErrorRetryHandler,
        RateLimitErrorRetryHandler,
        ServerErrorRetryHandler,
    )
    from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=retries, interval_calculator=backoff),
            RateLimitErrorRetryHandler(max_retry_count=retries),
            ServerErrorRetryHandler(max_retry_count=retries, interval_calculator=backoff),
            _ratelimited_in_body(retries, backoff),
        ],
    )


def _ratelimited_in_body(retries: int, backoff: Any) -> Any:
    """Slack also answers HTTP 200 with `{"ok": false, "error": "ratelimited"}`: the same wait applies."""
    from slack_sdk.http_retry.handler import RetryHandler

    class RatelimitedBody(RetryHandler):
        def _can_retry(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> bool:
            body = getattr(response, "body", None)
            return isinstance(body, dict) and body.get("ok") is False and body.get("error") == "ratelimited"

    return RatelimitedBody(max_retry_count=retries, interval_calculator=backoff)
