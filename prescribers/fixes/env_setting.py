"""Supply the missing environment setting a crash-looping container asks for, from the variable of that name.

Wherever the container's environment is written: a Kubernetes or Cloud Run container's `env` blocks, the map
behind a `dynamic "env"`, an ECS container's `environment` list, a Lambda's `environment.variables`, a module's
or a Helm chart's `env`-like input, or the locals entry or `[for k, v in ...]` source feeding any of those.
"""

from __future__ import annotations

from analyzers import Diagnosis
from prescribers._edits import Edit, Patch, add_to, collection, entry_like, focused
from prescribers._hcltext import Node, closing_insert
from prescribers.tfindex import Block, TerraformIndex

ENV_INPUTS = ("env", "environment", "env_vars", "environment_variables", "extraEnv", "extraEnvVars", "envVars")
CONTAINERS = ("container", "containers")


def supply_setting(index: TerraformIndex, diagnosis: Diagnosis, blocks: list[Block]) -> Patch | None:
    setting = diagnosis.details.get("setting")
    if not setting or not index.get(f"variable.{setting.lower()}"):
        return None  # we cannot invent a value: the summary tells a person which setting to supply
    ref = f"var.{setting.lower()}"
    for block in (b for b in blocks if b.kind in ("resource", "module")):
        edit = _supply(index, block, setting, ref, diagnosis.resource)
        if edit is not None:
            where = "" if edit.file == block.file else f" (in {edit.file})"
            return Patch(f"Supply {setting} to {block.address} from {ref}{where}", "low", [edit])
    return None


def _supply(index: TerraformIndex, block: Block, setting: str, ref: str, resource: str) -> Edit | None:
    nodes = focused(index, block)
    for node in nodes:
        for key in _env_inputs(node):
            found = collection(index, block, node, key)
            if found is None or found.file.endswith(".tfvars"):
                continue  # a tfvars value cannot read a variable
            sibling = found.node.children[0] if found.node is not None and found.node.kind == "tuple" else None
            value = ref if found.node is not None and found.node.kind == "object" else (
                entry_like(sibling, {"name": f'"{setting}"', "value": ref})
            )  # fmt: skip
            edit = add_to(index, found, setting, value)
            if edit is not None:
                return edit
    if block.instances:  # an env block in the shared body would reach every instance
        index.notes.append(f"{block.address} is a collection: its environment is not written per instance")
        return None
    containers = [n for n in nodes if n.kind == "block" and n.word in CONTAINERS]
    named = [n for n in containers if (s := n.attr("name")) and resource in index.evaluate(block, s)]
    for container in (named or containers)[:1]:
        offset, body = closing_insert(
            index.files[block.file], container, ["env {", f'  name  = "{setting}"', f"  value = {ref}", "}"]
        )
        return Edit(block.file, offset, offset, body)
    return None


def _env_inputs(node: Node) -> list[str]:
    """The entries of `node` that hold an environment: by name, a Lambda's `variables`, a dynamic env's source."""
    if node.kind == "block" and node.word == "dynamic" and node.labels == ["env"]:
        return ["for_each"]
    keys = [k for k in node.attrs if k in ENV_INPUTS]
    return [*keys, "variables"] if node.word == "environment" and "variables" in node.attrs else keys
