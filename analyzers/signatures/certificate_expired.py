"""certificate_expired: a peer presents an expired or not yet valid TLS certificate."""

from __future__ import annotations

import re
from typing import Any

from analyzers.signatures.base import Case, Signature, log

_CERT_HOST = re.compile(r"(?:for|host|server name|x509:.*?)\s+\"?([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)", re.IGNORECASE)


def facts(case: Case) -> dict[str, Any]:
    """The host whose certificate expired."""
    return {"host": next((m.group(1) for t in case.texts if (m := _CERT_HOST.search(t))), None)}


SIGNATURE = Signature(
    category="certificate_expired",
    logs=(
        log(
            r"certificate has expired|certificate (is )?expired|CERT_HAS_EXPIRED|"
            r"certificate is not yet valid",
            5,
            "named",
        ),
        # a server told by its clients that its certificate has expired (Go's TLS handshake error): itself
        log(r"remote error: tls: expired certificate|alert certificate expired", 5),
    ),
    advice=("presents an expired TLS certificate", "renew or rotate the certificate"),
    facts=facts,
    example="ledger-cert",
)
