"""Open the blocked port on the peer's security group, to the caller's security group only."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch
from prescribers._hcltext import closing_insert
from prescribers.tfindex import Block, TerraformIndex


def open_path(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    port, peer = diagnosis.details.get("port"), diagnosis.details.get("peer_block")
    caller = diagnosis.details.get("caller_sg")
    if not port or not peer or not caller:
        return None
    target = index.get(peer)
    if target is None:
        return None
    text = index.files[target.file]
    lines = [
        "",
        "ingress {",
        f'  description     = "{diagnosis.resource} to port {port} (Cloud Doctor)"',
        f"  from_port       = {port}",
        f"  to_port         = {port}",
        '  protocol        = "tcp"',
        f"  security_groups = [{caller}.id]",
        "}",
    ]
    offset, body = closing_insert(text, target.node, lines)
    return Patch(
        f"Open tcp/{port} on {target.address} from {caller} only", "medium", [Edit(target.file, offset, offset, body)]
    )
