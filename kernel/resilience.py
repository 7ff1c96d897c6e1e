"""Calls to the outside world: retries with backoff and jitter where they can help, and a circuit breaker."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class CircuitOpen(Exception):
    """The dependency failed repeatedly; calls are refused until it has had time to recover."""


class CircuitBreaker:
    """Opens after `threshold` consecutive failures and lets one trial call through after `cooldown` s."""

    def __init__(self, name: str, threshold: int = 3, cooldown: float = 60.0) -> None:
        self.name, self.threshold, self.cooldown = name, threshold, cooldown
        self.failures = 0
        self.opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self.opened_at is not None and time.monotonic() - self.opened_at < self.cooldown

    def call(self, func: Callable[[], T]) -> T:
        if self.is_open:
            raise CircuitOpen(
                f"{self.name} is failing; not called for {self.cooldown:.0f} s after {self.threshold} failures in a row"
            )
        try:
            result = func()
        except Exception:
            with self._lock:
                self.failures += 1
                if self.failures >= self.threshold:
                    self.opened_at = time.monotonic()
            raise
        with self._lock:
            self.failures, self.opened_at = 0, None
        return result


def retry(
    func: Callable[[], T],
    retryable: Callable[[Exception], bool],
    attempts: int = 4,
    base_delay: float = 0.5,
    max_delay: float = 8.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call `func`; on a retryable error wait base·2^n with full jitter and try again, never on others."""
    for attempt in range(attempts):
        try:
            return func()
        except Exception as exc:
            if attempt == attempts - 1 or not retryable(exc):
                raise
            sleep(random.uniform(0, min(max_delay, base_delay * 2**attempt)))
    raise AssertionError("unreachable")
