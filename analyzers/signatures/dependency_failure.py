"""dependency_failure: a peer nothing else explains, named by its callers' errors (scored in rules.py)."""

from __future__ import annotations

from analyzers.signatures.base import Signature

SIGNATURE = Signature(
    category="dependency_failure",
    advice=(
        "is down or erroring, and its callers fail with it",
        "no change in our Terraform helps: contact the owner of that dependency",
    ),
    example="paygate-dependency",
)
