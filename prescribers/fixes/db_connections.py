"""Double the database's max_connections: in its parameter group (a `parameter` block, a registry module's
`parameters` list, or the variable, entry or tfvars feeding it), else on a module input of that name."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch, focused, replace_literal
from prescribers._hcltext import unquote
from prescribers.fixes.base import scaler
from prescribers.tfindex import Block, TerraformIndex

GROUPS = ("aws_db_parameter_group", "aws_rds_cluster_parameter_group")


def raise_connections(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    for block in (b for b in blocks if b.acts_as(GROUPS)):
        for node in focused(index, block):
            if node.word not in ("parameter", "parameters") or "name" not in node.attrs:
                continue
            if index.evaluate(block, node.attrs["name"]) != "max_connections":
                continue
            found = index.locate(block, node, "value")
            if found is None or found.span is None or not unquote(found.span.value).isdigit():
                continue
            old = unquote(found.span.value)
            new = str(int(old) * 2)
            return Patch(
                f"Raise max_connections on {block.address}: {old} → {new}{found.where(block)} "
                "(static parameter: applies at the next reboot)",
                "medium",
                [replace_literal(found.file, found.span, new)],
            )
    return scaler(("aws_db_instance", *GROUPS), ("max_connections",), 2, "Raise connections")(index, diagnosis, blocks)
