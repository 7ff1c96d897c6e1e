"""Textual edits to Terraform: a patch is a list of span replacements; the diff and new files follow."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from prescribers._hcltext import Node, Span, closing_insert, line_indent, unquote
from prescribers._yamltext import scalars
from prescribers.tfindex import COLLECTIONS, Block, Located, TerraformIndex, match_score


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


def focused(index: TerraformIndex, block: Block) -> list[Node]:
    """The block's nodes, with only the entry of each collection that is the failing thing (by key or name).

    An unnamed choice among several node groups, pools or services is no choice: none of them is walked, and the
    index notes why. Several containers none of which is named for the resource are all walked, as before."""
    wanted = index.wanted.get(block.address, "")
    out, stack = [], [block.node]
    while stack:
        node = stack.pop()
        out.append(node)
        kids = node.children
        if node.kind == "object" and node.header in COLLECTIONS and kids and all(k.index is None for k in kids):
            kids = _pick(index, block, node.header, kids, wanted, keyed=True)
        else:
            for header in {k.header for k in kids if k.index is not None or k.word == "container"}:
                group = [k for k in kids if k.header == header and (k.index is not None or k.word == "container")]
                if len(group) > 1:
                    chosen = _pick(index, block, header, group, wanted, keyed=False)
                    kids = [k for k in kids if k not in group or k in chosen]
        stack += reversed(kids)
    return out


def _pick(index: TerraformIndex, block: Block, what: str, entries: list[Node], wanted: str, keyed: bool) -> list[Node]:
    def score(entry: Node) -> int:
        names = [entry.header] if keyed else []
        span = entry.attrs.get("name")
        if span is not None:
            names.append(index.evaluate(block, span))
        return max((match_score(wanted, n) for n in names if n), default=0)

    scores = [score(e) for e in entries]
    best = max(scores, default=0)
    if best:
        return [e for e, s in zip(entries, scores, strict=True) if s == best][:1]
    if len(entries) == 1 or what in ("container", "containers") or what not in COLLECTIONS:
        return entries
    shown = ", ".join(e.header if keyed else unquote(e.attrs.get("name", Span(0, 0, "?")).value) for e in entries)
    index.notes.append(f"{block.address} {what} has {len(entries)} entries ({shown}); none is named {wanted or '?'}")
    return []


def helm_set_path(index: TerraformIndex, block: Block, node: Node) -> list[str]:
    """The values path a Helm `set { name = "resources.limits.memory" value = ... }` writes; [] for other nodes."""
    if node.word != "set" or "name" not in node.attrs or "value" not in node.attrs:
        return []
    return index.evaluate(block, node.attrs["name"]).replace("\\.", "\0").split(".")


def _helm_set(index: TerraformIndex, block: Block, node: Node, key: str) -> Located | None:
    """The value of a Helm `set` whose path ends in `key` (never a request)."""
    path = helm_set_path(index, block, node)
    if not path or path[-1] != key or "requests" in path:
        return None
    return index.locate(block, node, "value")


def scale_keys(
    index: TerraformIndex,
    block: Block,
    keys: tuple[str, ...],
    factor: float,
    skip: tuple[str, ...] = ("requests",),
    cap: float | None = None,
) -> tuple[list[Edit], list[str]]:
    """Scale every `key = quantity` in the block: its own literal, or the map entry, tfvars or default feeding it."""
    edits, notes, seen = [], [], set()
    for node in focused(index, block):
        if node.word in skip:
            continue
        for key in keys:
            found = _helm_set(index, block, node, key) or index.locate(block, node, key)
            if found is None or (found.file, found.span.start if found.span else found.node) in seen:
                continue
            edit, old, new = _scaled_edit(index, found, key, factor, cap)
            if edit is None:
                continue
            seen.add((found.file, found.span.start if found.span else found.node))
            edits.append(edit)
            where = f" in {found.file}" + (f" ({found.via[-1]})" if len(found.via) > 1 else "")
            entry = node.kind == "object" and node.header in COLLECTIONS and "name" in node.attrs
            of = f" (of {node.header} {index.evaluate(block, node.attrs['name'])})" if entry else ""
            notes.append(f"{key} {old} → {new}{of}" + (where if found.file != block.file or len(found.via) > 1 else ""))
    for key in keys if block.kind == "module" else ():  # a module input named otherwise (max_nodes, mem_mb)
        for name in index.module_inputs(block, key):
            if name in keys or name not in block.node.attrs:
                continue
            found = index.locate(block, block.node, name)
            if found is None or (found.file, found.span.start if found.span else found.node) in seen:
                continue
            edit, old, new = _scaled_edit(index, found, name, factor, cap)
            if edit is not None:
                seen.add((found.file, found.span.start if found.span else found.node))
                edits.append(edit)
                notes.append(f"{name} (the module's {key}) {old} → {new}{found.where(block)}")
    for rel, path, span in value_scalars(index, block):  # a Helm release's values file: resources.limits.<key>
        if path[-1] in keys and "limits" in path and not set(skip) & set(path):
            plain = span.value.strip("'\"")
            variable = re.fullmatch(r"\$\{\s*([A-Za-z_]\w*)\s*\}", plain)
            if variable:  # templatefile(): the value is the variable the call passes
                found = _template_variable(index, block, variable.group(1))
                if found is not None and found.span is not None and (grown := scaled(found.span.value, factor, cap)):
                    edits.append(Edit(found.file, found.span.start, found.span.end, grown))
                    notes.append(f"{'.'.join(path)} ({variable.group(1)}, passed to {rel}) "
                                 f"{unquote(found.span.value)} → {unquote(grown)}{found.where(block)}")  # fmt: skip
                continue
            grown = scaled(plain, factor, cap)
            if grown:
                edits.append(Edit(rel, span.start, span.end, requoted(span, grown)))
                notes.append(f"{'.'.join(path)} {plain} → {grown} in {rel}")
    return edits, notes


def _template_variable(index: TerraformIndex, block: Block, name: str) -> Located | None:
    """Where the value a release's `templatefile(path, { name = ... })` passes is written."""
    for node in walk(block.node):
        if node.kind == "object" and node.header == "values" and name in node.attrs:
            return index.locate(block, node, name)
    return None


def value_scalars(index: TerraformIndex, block: Block) -> list[tuple[str, tuple[str, ...], Span]]:
    """Every scalar of the values files a Helm release reads (file, key path, span)."""
    return [(rel, path, span) for rel in index.value_files(block) for path, span in scalars(index.files[rel])]


def requoted(span: Span, value: str) -> str:
    """`value` in the quotes the scalar had (none, single or double)."""
    quote = span.value[0] if span.value[:1] in ("'", '"') else ""
    return f"{quote}{value}{quote}"


def _scaled_edit(
    index: TerraformIndex, found: Located, key: str, factor: float, cap: float | None
) -> tuple[Edit | None, str, str]:
    if found.span is not None:
        new = scaled(found.span.value, factor, cap)
        return (
            (Edit(found.file, found.span.start, found.span.end, new), unquote(found.span.value), unquote(new))
            if new
            else (None, "", "")
        )
    if found.default is not None and found.node is not None:  # lookup(each.value, "memory", 512): set it on the entry
        new = scaled(found.default, factor, cap)
        if new:
            offset, body = closing_insert(index.files[found.file], found.node, [f"{found.key} = {new}"])
            return Edit(found.file, offset, offset, body), f"{unquote(found.default)} (default)", unquote(new)
    return None, "", ""


def replace_literal(file: str, span: Span, value: str) -> Edit:
    return Edit(file, span.start, span.end, f'"{value}"' if span.value.startswith('"') else value)


def set_or_insert(index: TerraformIndex, block: Block, node: Node, key: str, value: str) -> Edit:
    """Set `key = value` in node: replace the existing value, or add the line at the node's end."""
    text = index.files[block.file]
    span = node.attr(key)
    if span:
        return Edit(block.file, span.start, span.end, value)
    offset, body = closing_insert(text, node, [f"{key} = {value}"])
    return Edit(block.file, offset, offset, body)


_FOR_SOURCE = re.compile(r"^[\[{]\s*for\s+[\w\s,]+\s+in\s+(.+?)\s*:", re.S)


def collection(index: TerraformIndex, block: Block, node: Node, key: str) -> Located | None:
    """Where the map or list behind `key` is written: through variables, locals and each.value, and through a
    `[for k, v in <source> : ...]` expression to its source."""
    found = index.locate(block, node, key)
    if found is None or found.span is None:
        return found
    source = _FOR_SOURCE.match(found.span.value.strip())
    if source:
        inner = index.follow(block, found.file, Span(0, 0, source.group(1)), found.owner, found.via)
        if inner is not None and inner.span is not None and inner.span.end > 0:
            index.fed.add(inner.owner)
            return inner
        return None
    return found


def add_to(index: TerraformIndex, found: Located, key: str, value: str) -> Edit | None:
    """Add one entry where `found` is written: `key = value` to a map, `value` (an object or a string) to a list.

    A list of objects gains the element first (no trailing comma to mend); a list of strings gains it last."""
    if found.span is None:
        return None
    text, span, node = index.files[found.file], found.span, found.node
    literal = span.value.strip()
    if node is not None and node.kind == "object" and literal.startswith("{"):
        offset, body = closing_insert(text, node, [f"{key} = {value}"])
        return Edit(found.file, offset, offset, body)
    if node is not None and node.kind == "tuple" and node.children:
        head = min(c.begin for c in node.children)
        multiline = "\n" in text[node.start : head]
        return Edit(found.file, head, head, f"{value},\n{line_indent(text, head)}" if multiline else f"{value}, ")
    if re.fullmatch(r"\[\s*\]", literal):
        return Edit(found.file, span.start, span.end, f"[{value}]")
    if re.fullmatch(r'\[\s*"[^"\n]*"(?:\s*,\s*"[^"\n]*")*\s*,?\s*\]', literal, re.S):
        items = re.findall(r'"[^"\n]*"', literal)
        if value in items:
            return None
        last = span.start + span.value.rindex(items[-1]) + len(items[-1])
        if "\n" in literal:
            indent = line_indent(text, last)
            if text[last : span.end].lstrip().startswith(","):  # a trailing comma: the new item goes after it
                at = text.index(",", last) + 1
                return Edit(found.file, at, at, f"\n{indent}{value},")
            return Edit(found.file, last, last, f",\n{indent}{value}")
        return Edit(found.file, last, last, f", {value}")
    return None


def entry_like(sibling: Node | None, wanted: dict[str, str]) -> str:
    """An object literal for a list whose elements look like `sibling`: its spelling of each key (`actions` or
    `Action`, `name` or `Name`), with the keys the sibling does not have left out unless it has none."""
    keys = {k.lower(): k for k in (sibling.attrs if sibling is not None else {})}
    fields = [(keys.get(k.lower(), k), v) for k, v in wanted.items() if not keys or k.lower() in keys]
    return "{ " + ", ".join(f"{k} = {v}" for k, v in fields) + " }"


def dynamic_entries(index: TerraformIndex, block: Block, node: Node, *fields: str) -> list[dict[str, Any]]:
    """What a `dynamic "x" { for_each = <map or list>; content { ... } }` block writes per iterated entry: for each
    entry, each content attribute of `fields` as the Located literal it reads (`x.value.port`, `x.value["k"]`,
    `x.value`) or, for `x.key`, the entry's key as text. [] for any other node or a source that is not written
    as a literal map or list here."""
    if node.word != "dynamic" or not node.labels:
        return []
    iterator = unquote(node.attrs["iterator"].value) if "iterator" in node.attrs else node.labels[0]
    content = next((c for c in node.children if c.word == "content"), None)
    source = collection(index, block, node, "for_each")
    if content is None or source is None or source.node is None:
        return []
    entries: list[tuple[str, Node | None, Span | None]] = []
    if source.node.kind == "tuple":
        entries = [(str(c.index), c, None) for c in source.node.children if c.kind == "object"]
    elif source.node.children and all(c.kind == "object" for c in source.node.children):  # a map of objects
        entries = [(c.header, c, None) for c in source.node.children]
    else:  # a map of values
        entries = [(k, None, v) for k, v in source.node.attrs.items()]
    out = []
    for key, entry, scalar in entries:
        row: dict[str, Any] = {}
        for name in fields:
            expr = content.attrs[name].value.strip() if name in content.attrs else ""
            step = re.fullmatch(rf"{re.escape(iterator)}\.value(?:\.([\w-]+)|\[\s*\"([\w-]+)\"\s*\])?", expr)
            if expr == f"{iterator}.key":
                row[name] = key
            elif step and step.group(1) is None and step.group(2) is None and scalar is not None:
                row[name] = Located(source.file, scalar, source.owner, [*source.via, f'["{key}"]'])
            elif step and entry is not None and (span := entry.attrs.get(step.group(1) or step.group(2) or "")):
                row[name] = Located(source.file, span, source.owner, [*source.via, f'["{key}"]'])
        out.append(row)
    index.fed.add(source.owner)
    return out
