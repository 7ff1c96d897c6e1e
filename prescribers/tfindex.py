"""An index of a Terraform configuration: every block, what it names, where it is, what feeds it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel import InputError, Problem
from prescribers._hcltext import Node, Span, attribute, parse_nodes, unquote

# Attributes through which a block names the thing telemetry calls it by.
IDENTITY_KEYS = (
    "name",
    "function_name",
    "identifier",
    "family",
    "cluster_identifier",
    "node_group_name",
    "bucket",
    "name_prefix",
    "common_name",
    "db_name",
)
_REF = re.compile(r"\b(var|local)\.([A-Za-z_][\w-]*)")
_RESOURCE_REF = re.compile(r"\b((?:data\.)?[a-z][a-z0-9_]+)\.([A-Za-z_][\w-]*)\.(?:id|arn|name|json)\b")


@dataclass(slots=True)
class Block:
    file: str  # relative to the Terraform folder
    kind: str  # resource | data | variable | locals | module | output | ...
    type: str  # e.g. aws_ecs_service ("" for variable/module)
    name: str
    node: Node
    names: set[str] = field(default_factory=set)  # identities it carries (resolved through variables)

    @property
    def address(self) -> str:
        if self.kind == "resource":
            return f"{self.type}.{self.name}"
        if self.kind == "data":
            return f"data.{self.type}.{self.name}"
        return f"{self.kind}.{self.name}" if self.name else self.kind


class TerraformIndex:
    """Parses every .tf file (python-hcl2 validates), locates blocks textually, resolves var/local references."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.files: dict[str, str] = {}
        self.blocks: list[Block] = []
        problems = []
        for path in sorted(self.root.rglob("*.tf")) + sorted(self.root.rglob("*.tfvars")):
            rel = path.relative_to(self.root).as_posix()
            text = path.read_text(encoding="utf-8")
            error = parse_error(text)
            if error:
                problems.append(Problem(f"terraform/{rel}", "", f"does not parse as HCL2: {error}"))
                continue
            self.files[rel] = text
            if rel.endswith(".tf"):
                self.blocks += [_block(rel, n) for n in parse_nodes(text)]
        if problems:
            raise InputError(problems, what=f"Terraform in {self.root}")
        for block in self.blocks:
            block.names = self._identities(block)

    def text(self, block: Block) -> str:
        return self.files[block.file][block.node.start : block.node.end + 1]

    def get(self, address: str) -> Block | None:
        return next((b for b in self.blocks if b.address == address), None)

    def of_type(self, *types: str) -> list[Block]:
        return [b for b in self.blocks if b.type in types]

    def relevant(self, resource: str, types: tuple[str, ...] = ()) -> list[Block]:
        """Blocks that telemetry's `resource` refers to, best first (identity match, then block name)."""
        scored = []
        wanted = resource.lower()
        for b in self.blocks:
            if b.kind not in ("resource", "data") or (types and b.type not in types):
                continue
            names = {n.lower() for n in b.names}
            score = 3 if wanted in names else 2 if b.name.lower().replace("_", "-") == wanted else 0
            if not score and any(wanted in n or n in wanted for n in names if len(n) > 3):
                score = 1
            if score:
                scored.append((score, b))
        return [b for _, b in sorted(scored, key=lambda s: -s[0])]

    def references(self, block: Block) -> list[Block]:
        """Resources a block refers to (aws_security_group.db.id, aws_iam_role.x.name, ...)."""
        out = []
        for type_, name in _RESOURCE_REF.findall(self.text(block)):
            kind = "data" if type_.startswith("data.") else "resource"
            found = self.get(f"{type_}.{name}" if kind == "resource" else f"{type_}.{name}")
            if found and found not in out:
                out.append(found)
        return out

    def referrers(self, block: Block) -> list[Block]:
        """Blocks whose text refers to this one."""
        needle = re.compile(rf"\b{re.escape(block.address)}\.")
        return [b for b in self.blocks if b is not block and needle.search(self.text(b))]

    def resolve(self, block: Block, node: Node, key: str) -> tuple[str, Span] | None:
        """Where the literal behind `key` lives: the attribute itself, or the var/local default it reads."""
        text = self.files[block.file]
        span = attribute(text, node, key)
        if span is None:
            return None
        ref = _REF.fullmatch(span.value)
        if not ref:
            return block.file, span
        return self.literal_of(ref.group(1), ref.group(2)) or (block.file, span)

    def literal_of(self, kind: str, name: str) -> tuple[str, Span] | None:
        if kind == "var":
            for rel, text in self.files.items():  # a tfvars setting wins over the default
                if rel.endswith(".tfvars"):
                    m = re.search(rf"(?m)^\s*{re.escape(name)}\s*=\s*(\"[^\"\n]*\"|[^\s#]+)", text)
                    if m:
                        return rel, Span(m.start(1), m.end(1), m.group(1))
            var = self.get(f"variable.{name}")
            if var:
                span = attribute(self.files[var.file], var.node, "default")
                return (var.file, span) if span else None
        else:
            for b in self.blocks:
                if b.kind == "locals" and (span := attribute(self.files[b.file], b.node, name)):
                    return b.file, span
        return None

    def _identities(self, block: Block) -> set[str]:
        text = self.files[block.file]
        names = set()
        nodes = [block.node] + block.node.child("metadata") + block.node.child("tags")
        for node in nodes:
            for key in (*IDENTITY_KEYS, "Name"):
                span = attribute(text, node, key)
                if span is None:
                    continue
                value = self._value(span.value)
                if value:
                    names.add(value)
        return names

    def _value(self, raw: str) -> str:
        ref = _REF.fullmatch(raw)
        if ref:
            found = self.literal_of(ref.group(1), ref.group(2))
            return unquote(found[1].value) if found else ""
        value = unquote(raw)

        def sub(m: re.Match[str]) -> str:
            found = self.literal_of(m.group(1), m.group(2))
            return unquote(found[1].value) if found else m.group(0)

        return re.sub(r"\$\{(var|local)\.([\w-]+)\}", sub, value)


def _block(rel: str, node: Node) -> Block:
    labels = node.labels
    kind = node.word
    if kind in ("resource", "data") and len(labels) >= 2:
        return Block(rel, kind, labels[0], labels[1], node)
    return Block(rel, kind, "", labels[0] if labels else "", node)


def parse_error(text: str) -> str | None:
    """None when the text parses as HCL2, else python-hcl2's complaint in one line."""
    import hcl2

    try:
        hcl2.loads(text)
    except Exception as exc:  # python-hcl2 raises lark's several exception types
        return " ".join(str(exc).split())[:300]
    return None


def parsed(text: str) -> dict[str, Any]:
    import hcl2
    from hcl2 import SerializationOptions

    return hcl2.loads(text, serialization_options=SerializationOptions(with_comments=False, strip_string_quotes=True))
