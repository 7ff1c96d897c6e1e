"""Who may run commands and who may approve fixes: Slack users, user groups and channels from the settings."""

from __future__ import annotations

import threading
import time
from typing import Any

from bot.settings import SlackAccess

GROUP_TTL = 300.0


class Access:
    def __init__(self, rules: SlackAccess, client: Any) -> None:
        self.rules, self.client = rules, client
        self._groups: dict[str, tuple[float, set[str]]] = {}
        self._lock = threading.Lock()

    def refusal(self, user: str, channel: str) -> str | None:
        """Why this user may not run a command here, or None when they may."""
        rules = self.rules
        if rules.channels and channel not in rules.channels:
            allowed = ", ".join(f"<#{c}>" for c in rules.channels)
            return f"Cloud Doctor takes commands in {allowed} only."
        if not rules.command_users and not rules.command_groups:
            return None
        if user in rules.command_users or self._in_groups(user, rules.command_groups):
            return None
        return "You are not on Cloud Doctor's list of people who may run commands; ask its operators to add you."

    def answers_from_memory(self) -> bool:
        """Whether `refusal` can answer without asking Slack (no command groups, or all of them cached)."""
        now = time.monotonic()
        with self._lock:
            return all(
                (cached := self._groups.get(g)) is not None and now - cached[0] < GROUP_TTL
                for g in self.rules.command_groups
            )

    def may_review(self, user: str) -> bool:
        return user in self.rules.reviewers or self._in_groups(user, self.rules.reviewer_groups)

    def _in_groups(self, user: str, groups: list[str]) -> bool:
        return any(user in self._members(group) for group in groups)

    def _members(self, group: str) -> set[str]:
        now = time.monotonic()
        with self._lock:
            cached = self._groups.get(group)
            if cached and now - cached[0] < GROUP_TTL:
                return cached[1]
        members = set(self.client.usergroups_users_list(usergroup=group).get("users", []))
        with self._lock:
            self._groups[group] = (now, members)
        return members
