"""Where things are in HCL text: python-hcl2's parse tree with positions, reduced to nodes and value spans.

Every block and every object literal (in an attribute, a map entry, a list element or a function argument such
as `yamlencode({...})`) is a Node with the offsets of its braces and the spans of its direct entries. Fixes
replace exact spans, so every byte they do not change (comments, alignment) stays as it was.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kernel.filecache import FileCache, code_version

_HEADER_WORD = re.compile(r"[A-Za-z_][\w-]*")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    value: str


@dataclass(slots=True, eq=False)
class Node:
    header: str  # a block's text before "{" ('resource "aws_lb" "web"'); an object's key ('limits')
    start: int  # offset of "{" (-1 for a file's root)
    end: int  # offset of the matching "}"
    children: list[Node] = field(default_factory=list)
    attrs: dict[str, Span] = field(default_factory=dict)  # direct entries: key → the span of its value
    kind: str = "block"  # block | object | tuple (a list holding objects) | root
    index: int | None = None  # the position of an object in a list
    begin: int = -1  # offset where a block's header starts (its "{" for an object)

    @property
    def word(self) -> str:
        if self.kind in ("object", "tuple"):
            return self.header
        match = _HEADER_WORD.match(self.header)
        return match.group(0) if match else ""

    @property
    def labels(self) -> list[str]:
        return re.findall(r'"([^"]*)"', self.header) if self.kind == "block" else []

    def child(self, word: str) -> list[Node]:
        return [c for c in self.children if c.word == word]

    def attr(self, key: str) -> Span | None:
        """The value of `key` directly inside this node (a block's attribute, an object's entry; quoted or not)."""
        return self.attrs.get(unquote(key))


def parse_root(text: str) -> Node | None:
    """The file as a root node (top-level attributes, as in .tfvars, and blocks); None when it does not parse."""
    parsed = _parsed(text)
    return parsed if isinstance(parsed, Node) else None


def parse_error(text: str) -> str | None:
    """None when the text parses as HCL2, else python-hcl2's complaint in one line."""
    parsed = _parsed(text)
    return parsed if isinstance(parsed, str) else None


@lru_cache(maxsize=512)
def _parsed(text: str) -> Node | str:
    """The one parse of a text every reader shares: its root node, or python-hcl2's complaint.

    A text parsed before, by this code and this python-hcl2, is read back from the disk cache: a command run
    again on the same Terraform neither imports nor loads the parser unless a text is new."""
    cache = _disk_cache()
    cached = cache.get(text)
    if isinstance(cached, dict) and ("root" in cached or "error" in cached):
        return _decode(text, cached["root"]) if "root" in cached else str(cached["error"])
    parsed = _parse(text)
    cache.put(text, {"root": _encode(parsed)} if isinstance(parsed, Node) else {"error": parsed})
    return parsed


_cold_notices: list[Callable[[], None]] = []


def on_cold_parser(notice: Callable[[], None]) -> None:
    """`notice` is called once, before a parse that must first build python-hcl2's LALR parser (2-7 s, once after
    an install: it caches it beside itself), so a command can say so rather than look hung."""
    _cold_notices.append(notice)


def _parse(text: str) -> Node | str:
    while _cold_notices:
        notice = _cold_notices.pop()
        if not _parser_file().exists():
            notice()
    import hcl2

    try:
        tree = hcl2.parses_to_tree(text)
    except Exception as exc:  # python-hcl2 raises lark's several exception types
        return " ".join(str(exc).split())[:300] or type(exc).__name__
    root = Node("", -1, len(text), kind="root")
    body = next((c for c in tree.children if _is(c, "body")), None)
    if body is not None:
        _body(text, body, root)
    return root


@lru_cache(maxsize=1)
def _disk_cache() -> FileCache:
    """Parses kept by the hash of this module, of python-hcl2's grammar and modules and of lark's version."""
    hcl2_dir = Path(_origin("hcl2")).parent
    version = code_version(__file__, *sorted(hcl2_dir.glob("*.lark")), *sorted(hcl2_dir.glob("*.py")), _origin("lark"))
    return FileCache("hcl-parse", version)


def _parser_file() -> Path:
    """Where python-hcl2 caches its parser (hcl2.parser.PARSER_FILE, found without importing it)."""
    return Path(_origin("hcl2")).parent / ".lark_cache.bin"


def _origin(module: str) -> str:
    spec = importlib.util.find_spec(module)  # where it is, without importing it
    assert spec is not None and spec.origin is not None, f"{module} is a dependency of cloud-doctor"
    return spec.origin


def _encode(node: Node) -> list[Any]:
    """A node as JSON: value spans as offsets, since a span's value is always the text between them."""
    attrs = [[key, span.start, span.end] for key, span in node.attrs.items()]
    children = [_encode(child) for child in node.children]
    return [node.header, node.start, node.end, node.kind, node.index, node.begin, attrs, children]


def _decode(text: str, data: list[Any]) -> Node:
    header, start, end, kind, index, begin, attrs, children = data
    node = Node(header, start, end, kind=kind, index=index, begin=begin)
    node.attrs = {key: Span(s, e, text[s:e]) for key, s, e in attrs}
    node.children = [_decode(text, child) for child in children]
    return node


def parse_nodes(text: str) -> list[Node]:
    """Top-level blocks of a file ([] when it does not parse: the parse check reports that)."""
    root = parse_root(text)
    return [c for c in root.children if c.kind == "block"] if root else []


def _is(tree: Any, name: str) -> bool:
    return getattr(tree, "data", None) == name


def _tok(tree: Any, type_: str) -> Any:
    return next((c for c in tree.children if getattr(c, "type", None) == type_), None)


def _body(text: str, body: Any, into: Node) -> None:
    for item in body.children:
        if _is(item, "attribute"):
            key = _key(text, item.children[0])
            value = item.children[-1]
            into.attrs.setdefault(key, _span(text, value))
            _objects(text, value, key, into)
        elif _is(item, "block"):
            lbrace, rbrace = _tok(item, "LBRACE"), _tok(item, "RBRACE")
            header = text[item.meta.start_pos : lbrace.start_pos].strip()
            node = Node(header, lbrace.start_pos, rbrace.start_pos, begin=item.meta.start_pos)
            into.children.append(node)
            inner = next((c for c in item.children if _is(c, "body")), None)
            if inner is not None:
                _body(text, inner, node)


def _objects(text: str, tree: Any, word: str, into: Node, index: int | None = None) -> None:
    """Object literals inside an expression become child nodes named by the key they are the value of."""
    if not hasattr(tree, "data") or tree.data in ("for_object_expr", "for_tuple_expr"):
        return
    if tree.data == "object":
        lbrace, rbrace = _tok(tree, "LBRACE"), _tok(tree, "RBRACE")
        node = Node(word, lbrace.start_pos, rbrace.start_pos, kind="object", index=index, begin=lbrace.start_pos)
        into.children.append(node)
        for elem in (c for c in tree.children if _is(c, "object_elem")):
            key = _key(text, elem.children[0])
            value = elem.children[-1]
            node.attrs.setdefault(key, _span(text, value))
            _objects(text, value, key, node)
        return
    if tree.data == "tuple":
        lsqb, rsqb = _tok(tree, "LSQB"), _tok(tree, "RSQB")
        node = Node(word, lsqb.start_pos, rsqb.start_pos, kind="tuple", index=index, begin=lsqb.start_pos)
        elements = [c for c in tree.children if hasattr(c, "data")]
        for i, element in enumerate(elements):
            _objects(text, element, word, node, i)
        if node.children:
            into.children.append(node)
        return
    for child in tree.children:
        _objects(text, child, word, into, index)


def _key(text: str, tree: Any) -> str:
    return unquote(_slice(text, tree).strip())


def _span(text: str, tree: Any) -> Span:
    value = _slice(text, tree)
    return Span(tree.meta.start_pos, tree.meta.start_pos + len(value), value)


def _slice(text: str, tree: Any) -> str:
    return text[tree.meta.start_pos : tree.meta.end_pos].rstrip("\n") if hasattr(tree, "meta") else str(tree)


def line_indent(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    return re.match(r"[ \t]*", text[line_start:]).group(0)  # type: ignore[union-attr]


def closing_insert(text: str, node: Node, lines: list[str]) -> tuple[int, str]:
    """Offset and text that add `lines` as the last entries of `node`, indented like its other entries.

    An object written on one line (`{ memory = 512 }`) gets the entry before its brace, comma-separated."""
    if "\n" not in text[node.start : node.end]:
        before = text[node.start + 1 : node.end].rstrip()
        offset = node.start + 1 + len(before)
        sep = ", " if before.strip() else " "
        return offset, f"{sep}{', '.join(line for line in lines if line)}"
    inner = line_indent(text, node.start) + "  "
    line_start = text.rfind("\n", 0, node.end) + 1
    body = "".join(f"{inner}{line}\n" if line else "\n" for line in lines)
    return line_start, body


def unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
