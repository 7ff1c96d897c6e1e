"""Double the database's max_connections: in its parameter group, else on the instance."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch, replace_literal
from prescribers._hcltext import attribute, unquote
from prescribers.fixes.base import scaler
from prescribers.tfindex import Block, TerraformIndex


def raise_connections(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    for block in (b for b in blocks if b.type in ("aws_db_parameter_group", "aws_rds_cluster_parameter_group")):
        text = index.files[block.file]
        for node in block.node.child("parameter"):
            name = attribute(text, node, "name")
            value = attribute(text, node, "value")
            if name and value and unquote(name.value) == "max_connections" and unquote(value.value).isdigit():
                new = str(int(unquote(value.value)) * 2)
                edit = replace_literal(block.file, value, new)
                return Patch(
                    f"Raise max_connections on {block.address}: {unquote(value.value)} → {new} "
                    "(static parameter: applies at the next reboot)",
                    "medium",
                    [edit],
                )
    return scaler(("aws_db_instance",), ("max_connections",), 2, "Raise connections")(index, diagnosis, blocks)
