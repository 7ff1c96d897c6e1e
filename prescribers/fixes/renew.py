"""Set early_renewal_hours on the expired certificate, so the next apply re-issues it and the ones after renew it
before it lapses again: on the certificate resource, the failing entry of a `for_each` over certificates, or a
module's input, wherever the value is written. A quarter of the validity, at least a day."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch, replace_literal, set_or_insert
from prescribers._hcltext import unquote
from prescribers.tfindex import Block, TerraformIndex

CERTS = ("tls_locally_signed_cert", "tls_self_signed_cert")


def renew(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    for cert in (b for b in blocks if b.acts_as(CERTS)):
        validity = index.locate(cert, cert.node, "validity_period_hours")
        text = unquote(validity.span.value) if validity and validity.span else ""
        hours = max(int(text) // 4, 24) if text.isdigit() else 24 * 30
        summary = f"Renew {cert.address}: early_renewal_hours makes the next apply re-issue it"
        found = index.locate(cert, cert.node, "early_renewal_hours")
        if found is not None and found.span is not None:
            old = unquote(found.span.value)
            if not old.isdigit() or int(old) >= hours:
                continue  # not a number we can read, or already renewing early: the lapse is not this setting's
            edit = replace_literal(found.file, found.span, str(hours))
            return Patch(f"{summary} (early_renewal_hours {old} → {hours}{found.where(cert)})", "medium", [edit])
        if found is not None or cert.instances:
            index.notes.append(f"{cert.address}: early_renewal_hours is not written per certificate")
            continue
        edit = set_or_insert(index, cert, cert.node, "early_renewal_hours", str(hours))
        return Patch(f"{summary} (early_renewal_hours {hours}, a quarter of its validity)", "medium", [edit])
    return None
