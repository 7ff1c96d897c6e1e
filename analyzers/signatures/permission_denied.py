"""permission_denied: an identity refused an action it needs (IAM, RBAC, 403)."""

from __future__ import annotations

import re
from typing import Any

from analyzers.signatures.base import Case, Signature, log

_DENIED = re.compile(r"not authorized to perform:? (\S+?) on resource:? (\S+)", re.IGNORECASE)
_ROLE = re.compile(r"assumed-role/([^/\s]+)/")
# Google APIs name the permission ("Permission 'storage.objects.get' denied", "does not have
# storage.objects.get access", BigQuery's "does not have bigquery.jobs.create permission") and often the caller.
_GCP_PERMISSION = re.compile(
    r"Permission '([\w.]+)' denied|does not have ([a-z]+\.[A-Za-z]+\.[A-Za-z]+) (?:access|permission)"
)
_GCP_MEMBER = re.compile(r"\b([a-z][\w-]*@[\w-]+\.iam\.gserviceaccount\.com)\b")


def facts(case: Case) -> dict[str, Any]:
    """The action denied, the resource ARN it was denied on, and the role that asked; on GCP the permission
    denied and the service account denied it."""
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
        if g := _GCP_PERMISSION.search(text):
            details["permission"] = g.group(1) or g.group(2)
            if member := _GCP_MEMBER.search(text):
                details["member"] = member.group(1)
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
