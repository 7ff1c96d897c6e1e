"""queue_backlog: a queue's consumers fall behind and its backlog grows."""

from __future__ import annotations

import re

from analyzers.signatures.base import Signature, log

# Words in a log line that mark its writer as a reader of the queue it names: the consumer to scale.
CONSUMER_WORDS = re.compile(r"(?i)receiv|poll|consum|process|handl|dequeue")

SIGNATURE = Signature(
    category="queue_backlog",
    logs=(log(r"consumer lag|backlog (is )?growing|messages waiting", 1.5),),
    metric_kinds={"queue_age": 5, "queue_depth": 3},
    advice=("cannot keep up with its queue: the backlog grows", "scale the consumers out"),
    example="invoice-queue",
)
