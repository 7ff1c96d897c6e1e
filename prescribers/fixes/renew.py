"""Set early_renewal_hours on the expired certificate, so the next apply re-issues it."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch, set_or_insert
from prescribers._hcltext import unquote
from prescribers.fixes.base import first
from prescribers.tfindex import Block, TerraformIndex


def renew(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    cert = first(blocks, "tls_locally_signed_cert", "tls_self_signed_cert")
    if cert is None:
        return None
    validity = index.resolve(cert, cert.node, "validity_period_hours")
    hours = int(unquote(validity[1].value)) if validity and unquote(validity[1].value).isdigit() else 8760
    edit = set_or_insert(index, cert, cert.node, "early_renewal_hours", str(max(hours // 4, 24)))
    return Patch(f"Renew {cert.address}: early_renewal_hours makes the next apply re-issue it", "medium", [edit])
