"""Supply the missing environment setting a crash-looping container asks for, from the variable of that name."""

from __future__ import annotations

import re
from typing import Any

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, walk
from prescribers._hcltext import closing_insert, unquote
from prescribers.fixes.base import K8S_WORKLOADS
from prescribers.tfindex import Block, TerraformIndex


def _containers(index: TerraformIndex, block: Block, resource: str) -> list[Any]:
    nodes = [n for n in walk(block.node) if n.word in ("container", "containers")]
    named = [n for n in nodes if (s := n.attr("name")) and unquote(s.value) == resource]
    return named or nodes


def supply_setting(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    setting = diagnosis.details.get("setting")
    if not setting or not index.get(f"variable.{setting.lower()}"):
        return None  # we cannot invent a value: the summary tells a person which setting to supply
    ref = f"var.{setting.lower()}"
    for block in blocks:
        text = index.files[block.file]
        if block.type in (*K8S_WORKLOADS, "google_cloud_run_v2_service"):
            for container in _containers(index, block, diagnosis.resource)[:1]:
                offset, body = closing_insert(
                    text, container, ["env {", f'  name  = "{setting}"', f"  value = {ref}", "}"]
                )
                return Patch(
                    f"Supply {setting} to {block.address} from {ref}", "low", [Edit(block.file, offset, offset, body)]
                )
        match = re.compile(r"environment\s*=\s*\[\s*\n").search(text, block.node.start, block.node.end)
        if block.type == "aws_ecs_task_definition" and match:
            indent = re.match(r"[ \t]*", text[match.end() :]).group(0)  # type: ignore[union-attr]
            entry = f'{indent}{{ name = "{setting}", value = {ref} }},\n'
            return Patch(
                f"Supply {setting} to {block.address} from {ref}",
                "low",
                [Edit(block.file, match.end(), match.end(), entry)],
            )
    return None
