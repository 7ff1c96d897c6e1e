"""db_connection_exhaustion: a database out of connection slots, or a client pool exhausted."""

from __future__ import annotations

from analyzers.signatures.base import Signature, log

SIGNATURE = Signature(
    category="db_connection_exhaustion",
    logs=(
        # MySQL/MariaDB (ER_CON_COUNT_ERROR 1040) and PostgreSQL refusing clients, as the clients log it: the
        # database they name is charged, else the one known database whose name says what it is
        log(r"too many connections|Error 1040", 4, server=("mysql", "mariadb")),
        log(r"too many clients|remaining connection slots", 4, server=("postgres", "postgresql", "pg", "pgbouncer")),
        log(
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
