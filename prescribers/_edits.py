"""Textual edits to Terraform: a patch is a list of span replacements; the diff and new files follow."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from prescribers._hcltext import Node, Span, attribute, closing_insert, unquote
from prescribers.tfindex import Block, TerraformIndex


@dataclass(slots=True)
class Edit:
    file: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Patch:
    summary: str
    risk: str
    edits: list[Edit] = field(default_factory=list)


def apply(files: dict[str, str], edits: list[Edit]) -> dict[str, str]:
    """New contents of every file an edit touches; edits apply back to front so offsets stay valid."""
    out: dict[str, str] = {}
    for edit in sorted(edits, key=lambda e: (e.file, -e.start)):
        text = out.get(edit.file, files[edit.file])
        out[edit.file] = text[: edit.start] + edit.text + text[edit.end :]
    return out


def unified_diff(old: dict[str, str], new: dict[str, str]) -> str:
    chunks: list[str] = []
    for path in sorted(new):
        chunks += difflib.unified_diff(
            old.get(path, "").splitlines(keepends=True),
            new[path].splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    return "".join(c if c.endswith("\n") else c + "\n" for c in chunks)


_QUANTITY = re.compile(r"^(\d+(?:\.\d+)?)([A-Za-z]*)$")


def scaled(literal: str, factor: float, cap: float | None = None) -> str | None:
    """`512` → `1024`, `"256Mi"` → `"512Mi"`, `"500m"` → `"1000m"`; None when it is not a quantity."""
    quoted = literal.startswith('"')
    m = _QUANTITY.match(unquote(literal))
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    value = number * factor
    if cap is not None:
        value = min(value, cap)
    if value <= number:
        return None
    text = f"{int(value)}" if value == int(value) else f"{value:g}"
    return f'"{text}{unit}"' if quoted else f"{text}{unit}"


def walk(node: Node) -> list[Node]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack += reversed(current.children)
    return out


def scale_keys(
    index: TerraformIndex,
    block: Block,
    keys: tuple[str, ...],
    factor: float,
    skip: tuple[str, ...] = ("requests",),
    cap: float | None = None,
) -> tuple[list[Edit], list[str]]:
    """Scale every `key = quantity` in the block (following var/local references to their literal)."""
    edits, notes, seen = [], [], set()
    for node in walk(block.node):
        if node.word in skip:
            continue
        for key in keys:
            found = index.resolve(block, node, key)
            if not found or (found[0], found[1].start) in seen:
                continue
            file, span = found
            new = scaled(span.value, factor, cap)
            if new is None:
                continue
            seen.add((file, span.start))
            edits.append(Edit(file, span.start, span.end, new))
            notes.append(f"{key} {unquote(span.value)} → {unquote(new)}")
    return edits, notes


def replace_literal(file: str, span: Span, value: str) -> Edit:
    return Edit(file, span.start, span.end, f'"{value}"' if span.value.startswith('"') else value)


def set_or_insert(index: TerraformIndex, block: Block, node: Node, key: str, value: str) -> Edit:
    """Set `key = value` in node: replace the existing value, or add the line at the node's end."""
    text = index.files[block.file]
    span = attribute(text, node, key)
    if span:
        return Edit(block.file, span.start, span.end, value)
    offset, body = closing_insert(text, node, [f"{key} = {value}"])
    return Edit(block.file, offset, offset, body)
