"""Reading a Slack thread: every message of it, across pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_sdk import WebClient


def thread_replies(slack: WebClient, channel: str, thread_ts: str, metadata: bool = False) -> list[dict[str, Any]]:
    """A thread's messages, oldest first, its parent included (conversations.replies, a few pages at most)."""
    messages: list[dict[str, Any]] = []
    cursor = None
    for _ in range(5):
        page = slack.conversations_replies(
            channel=channel, ts=thread_ts, limit=200, cursor=cursor, include_all_metadata=metadata
        )
        messages += [m for m in page.get("messages") or [] if isinstance(m, dict)]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return messages
