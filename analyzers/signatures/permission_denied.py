"""permission_denied: an identity refused an action it needs (IAM, RBAC, 403)."""

from __future__ import annotations

import re
from typing import Any

from analyzers.signatures.base import Case, Signature, log

_DENIED = re.compile(r"not authorized to perform:? (\S+?) on resource:? (\S+)", re.IGNORECASE)
_ROLE = re.compile(r"assumed-role/([^/\s]+)/")


def facts(case: Case) -> dict[str, Any]:
    """The action denied, the resource ARN it was denied on, and the role that asked."""
    details: dict[str, Any] = {}
    for text in case.texts:
        if m := _DENIED.search(text):
            arn = m.group(2).strip(".,;\"'")
            if arn.startswith("arn:aws:s3:::") and "/" in arn:
                arn = arn.split("/", 1)[0] + "/*"  # the objects of the bucket, not the one key that failed
            details["action"], details["arn"] = m.group(1), arn
            if r := _ROLE.search(text):
                details["role"] = r.group(1)
            break
    return details


SIGNATURE = Signature(
    category="permission_denied",
    logs=(
        log(
            r"AccessDenied|not authorized to perform|is forbidden|forbidden: User|"
            r"PERMISSION_DENIED|403 Forbidden|"
            # Google APIs: the denied permission, google-api-core's exceptions, gRPC's code
            r"Permission '[\w.]+' denied|does not have [\w.]+ access|exceptions\.(Forbidden|PermissionDenied)|"
            r"code = PermissionDenied",
            4,
        ),
    ),
    advice=("is denied a permission it needs", "grant exactly the missing permission"),
    facts=facts,
    example="invoices-denied",
)
