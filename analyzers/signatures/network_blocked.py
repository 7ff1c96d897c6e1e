"""network_blocked: connections to a peer time out because the network path drops them."""

from __future__ import annotations

import re
from typing import Any

from analyzers.signatures.base import Case, Signature, log

FLOW_REJECT = re.compile(r"^\d+ \d{12} eni-\S+ (\S+) (\S+) (\d+) (\d+) (\d+) \d+ \d+ \d+ \d+ REJECT")
_ENDPOINT = re.compile(r"(?:\b(\d{1,3}(?:\.\d{1,3}){3})|\b([a-z][a-z0-9.-]+)):(\d{2,5})\b")


def facts(case: Case) -> dict[str, Any]:
    """The peer and port the caller cannot reach, and the flow-log line that rejects it."""
    out: dict[str, Any] = {}
    for text in case.texts:
        if m := _ENDPOINT.search(text):
            out.update(peer=m.group(1) or m.group(2), port=int(m.group(3)))
            break
    for f in case.findings:
        for example in f.attrs.get("examples") or []:
            if (m := FLOW_REJECT.search(example)) and int(m.group(4)) == out.get("port", int(m.group(4))):
                out.update(source_ip=m.group(1), dest_ip=m.group(2), port=int(m.group(4)), flow_log=example)
                return out
    return out


SIGNATURE = Signature(
    category="network_blocked",
    logs=(
        log(
            r"connect(ion)? (timed out|timeout)|\bETIMEDOUT\b|dial tcp \S+: i/o timeout|"
            # libpq's connect_timeout, as psycopg and asyncpg-free clients print it
            r"No route to host|port \d+ failed: timeout expired",
            2.5,
        ),
    ),
    advice=("cannot reach a peer: the network path is dropped", "open exactly that path"),
    facts=facts,
    example="settlement-network",
)
