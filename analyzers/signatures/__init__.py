"""The rules engine's catalogue: one module per failure category, registered in REGISTRY in the order of CATEGORIES."""

from __future__ import annotations

from analyzers.signatures import (
    bad_deploy,
    capacity_limit,
    certificate_expired,
    cpu_saturation,
    crash_loop,
    db_connection_exhaustion,
    dependency_failure,
    disk_full,
    health_check_failure,
    image_pull_failure,
    memory_exhaustion,
    network_blocked,
    node_failure,
    permission_denied,
    queue_backlog,
    rate_limited,
    routing_misconfig,
    scheduling_failure,
    timeout,
)
from analyzers.signatures.base import Case, LogSignature, Signature
from analyzers.signatures.network_blocked import FLOW_REJECT
from analyzers.signatures.shared import DNS_FAILURE, DNS_SERVERS, HOST, VICTIM

# category -> signature; the order is the Gemini schema's and the prompt's (append a new category at the end).
REGISTRY: dict[str, Signature] = {
    s.category: s
    for s in (
        memory_exhaustion.SIGNATURE,
        cpu_saturation.SIGNATURE,
        capacity_limit.SIGNATURE,
        db_connection_exhaustion.SIGNATURE,
        disk_full.SIGNATURE,
        timeout.SIGNATURE,
        permission_denied.SIGNATURE,
        rate_limited.SIGNATURE,
        crash_loop.SIGNATURE,
        bad_deploy.SIGNATURE,
        network_blocked.SIGNATURE,
        dependency_failure.SIGNATURE,
        certificate_expired.SIGNATURE,
        health_check_failure.SIGNATURE,
        queue_backlog.SIGNATURE,
        image_pull_failure.SIGNATURE,
        scheduling_failure.SIGNATURE,
        routing_misconfig.SIGNATURE,
        node_failure.SIGNATURE,
    )
}
CATEGORIES: tuple[str, ...] = tuple(REGISTRY)

# network_blocked's broad connect-timeout pattern is matched after every other category's, as it always was.
_MATCHED_LAST = ("network_blocked",)
LOG_SIGNATURES: tuple[LogSignature, ...] = tuple(
    sig
    for category in (*(c for c in REGISTRY if c not in _MATCHED_LAST), *_MATCHED_LAST)
    for sig in REGISTRY[category].logs
)

# category -> (what happened, what to do), for the summary a person reads.
ADVICE: dict[str, tuple[str, str]] = {c: s.advice for c, s in REGISTRY.items()}

__all__ = [
    "ADVICE",
    "CATEGORIES",
    "DNS_FAILURE",
    "DNS_SERVERS",
    "FLOW_REJECT",
    "HOST",
    "LOG_SIGNATURES",
    "REGISTRY",
    "VICTIM",
    "Case",
    "LogSignature",
    "Signature",
]
