"""db_connection_exhaustion: a database out of connection slots, or a client pool exhausted."""

from __future__ import annotations

from analyzers.signatures.base import Signature, log

SIGNATURE = Signature(
    category="db_connection_exhaustion",
    logs=(
        log(
            r"too many connections|too many clients|remaining connection slots|"
            r"Connection is not available, request timed out|QueuePool limit|connection pool (is )?exhausted|"
            r"timeout (waiting for|acquiring) (a )?connection",
            4,
            "named",
        ),
    ),
    metric_kinds={"connections": 4},
    advice=("ran out of database connections", "raise max_connections or add a pooler"),
    example="ledger-db-conns",
)
