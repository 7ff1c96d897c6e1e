"""Double the database's max_connections: in its parameter group (a `parameter` block, the map or list a `dynamic
"parameter"` iterates, a registry module's `parameters` list, or the variable, entry or tfvars feeding it), else
on a module input of that name."""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Patch, dynamic_entries, focused, replace_literal
from prescribers._hcltext import Node, unquote
from prescribers.fixes.base import scaler
from prescribers.tfindex import Block, Located, TerraformIndex

GROUPS = ("aws_db_parameter_group", "aws_rds_cluster_parameter_group")


def raise_connections(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    for block in (b for b in blocks if b.acts_as(GROUPS)):
        for node in focused(index, block):
            found = _from_dynamic(index, block, node)
            if found is None:
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


def _from_dynamic(index: TerraformIndex, block: Block, node: Node) -> Located | None:
    """max_connections's value in the map or list a `dynamic "parameter"` iterates."""
    for row in dynamic_entries(index, block, node, "name", "value"):
        name = row.get("name")
        named = name if isinstance(name, str) else unquote(name.span.value) if name and name.span else ""
        if named == "max_connections" and isinstance(row.get("value"), Located):
            return row["value"]  # type: ignore[no-any-return]
    return None
