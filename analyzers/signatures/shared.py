"""What more than one signature reads: victims' lines, the hosts they name, and a rollout's images."""

from __future__ import annotations

import re
from typing import Any

from analyzers.signatures.base import Case

# Lines a caller writes when something it depends on fails: symptoms, pointing at the peer they name.
VICTIM = re.compile(
    r"upstream (connect error|unavailable|error)|connection refused|ECONNREFUSED|503 Service Unavailable|"
    r"502 Bad Gateway|no healthy upstream|circuit (breaker )?(is )?open|returned (502|503|504)|"
    r"status(=| )5\d\d|service unavailable|"
    # nginx's error log about its upstream (the peer is the upstream address it names)
    r"upstream timed out \(110|no live upstreams|upstream prematurely closed|"
    r"connect\(\) failed \(111: Connection refused\) while connecting to upstream",
    re.IGNORECASE,
)
# A caller that cannot resolve a peer's name, as each runtime prints it: Go's resolver, Java, Node, glibc
# (Python's socket.gaierror, curl). The peer is the resolver itself when one is known, else the name.
DNS_FAILURE = re.compile(
    r"lookup ([a-z0-9][\w.-]*?)(?: on [\d.:\[\]a-f]+)?: (?:no such host|server misbehaving|i/o timeout)|"
    r"UnknownHostException: ?([a-z0-9][\w.-]*)|getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([a-z0-9][\w.-]*)|"
    r"Temporary failure in name resolution|Name or service not known|Could not resolve host: ?([a-z0-9][\w.-]*)",
    re.IGNORECASE,
)
DNS_SERVERS = ("coredns", "kube-dns", "node-local-dns")
HOST = re.compile(
    r"(?:\b(?:to|from|upstream|host|calling|call to)[= ]\"?(?:https?://)?|https?://)"
    r"([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)",
    re.IGNORECASE,
)


def rollout_images(case: Case) -> dict[str, Any]:
    """The image of the resource's newest ReplicaSet, and of the one before it."""
    sets = sorted(
        (
            f
            for f in case.findings
            if f.kind == "kubernetes"
            and f.attrs.get("reason") == "ReplicaSet"
            and f.resource == case.resource
            and f.attrs.get("created")
        ),
        key=lambda f: float(f.attrs["created"]),
    )
    out: dict[str, Any] = {}
    if sets:
        out["bad_image"] = (sets[-1].attrs.get("images") or [None])[0]
    if len(sets) >= 2:
        out["previous_image"] = (sets[-2].attrs.get("images") or [None])[0]
    return out
