"""timeout: calls or invocations cut off at their configured timeout."""

from __future__ import annotations

from analyzers.signatures.base import Signature, log

SIGNATURE = Signature(
    category="timeout",
    logs=(
        log(
            r"Task timed out after|timed out after \d|exceeded (the )?(configured )?timeout|"
            r"context deadline exceeded|statement timeout",
            3,
        ),
    ),
    metric_kinds={"duration": 3, "latency": 3},  # latency only when flat at a ceiling (rules.Board.metric)
    advice=("is hitting its configured timeout", "raise the timeout, then find the slow call"),
    example="thumbnailer-timeout",
)
