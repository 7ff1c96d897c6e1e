"""Where things are in HCL text: brace-delimited nodes with byte spans, so edits touch only what they change.

python-hcl2 parses values but keeps no positions (and its writer reformats), so fixes locate blocks and
attributes here and replace exact spans; every other byte of the file stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER_WORD = re.compile(r"[A-Za-z_][\w-]*")


@dataclass(slots=True)
class Node:
    header: str  # the text before "{" on its line, e.g. 'resource "aws_lb" "web"' or 'limits ='
    start: int  # offset of "{"
    end: int  # offset of the matching "}"
    children: list[Node] = field(default_factory=list)

    @property
    def word(self) -> str:
        match = _HEADER_WORD.match(self.header)
        return match.group(0) if match else ""

    @property
    def labels(self) -> list[str]:
        return re.findall(r'"([^"]*)"', self.header)

    def child(self, word: str) -> list[Node]:
        return [c for c in self.children if c.word == word]

    def innermost(self, offset: int) -> Node:
        for c in self.children:
            if c.start < offset < c.end:
                return c.innermost(offset)
        return self


def parse_nodes(text: str) -> list[Node]:
    """Top-level nodes of a file; strings, comments and heredocs are skipped when matching braces."""
    root = Node("", -1, len(text))
    stack = [root]
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#" or text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            i = text.find("*/", i + 2)
            i = n if i < 0 else i + 2
            continue
        elif ch == '"':
            i = _skip_string(text, i)
            continue
        elif text.startswith("<<", i) and (m := re.match(r"<<-?([A-Za-z_]\w*)\n", text[i:])):
            close = re.compile(rf"^\s*{m.group(1)}\s*$", re.M).search(text, i + m.end())
            i = close.end() if close else n
            continue
        elif ch == "{":
            line_start = text.rfind("\n", 0, i) + 1
            header = text[line_start:i].strip()
            node = Node(header, i, -1)
            stack[-1].children.append(node)
            stack.append(node)
        elif ch == "}" and len(stack) > 1:
            stack.pop().end = i
        i += 1
    return root.children


def _skip_string(text: str, i: int) -> int:
    """Offset just past the string opening at i, honouring escapes and ${...} interpolations."""
    i += 1
    depth = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if ch == "}" and depth:
            depth -= 1
        elif ch == '"' and not depth:
            return i + 1
        elif ch == "\n" and not depth:
            return i
        i += 1
    return i


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    value: str


_VALUE = r'("(?:[^"\\\n]|\\.)*"|[^\s,}\]#]+)'


def attribute(text: str, node: Node, key: str) -> Span | None:
    """The value of `key = value` directly inside `node` (not in a nested block), single-line values only."""
    pattern = re.compile(rf"(?<![\w.\"]){re.escape(key)}\s*=\s*{_VALUE}")
    for match in pattern.finditer(text, node.start + 1, node.end):
        if node.innermost(match.start()) is node:
            return Span(match.start(1), match.end(1), match.group(1))
    return None


def line_indent(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    return re.match(r"[ \t]*", text[line_start:]).group(0)  # type: ignore[union-attr]


def closing_insert(text: str, node: Node, lines: list[str]) -> tuple[int, str]:
    """Offset and text that add `lines` as the last entries of `node`, indented like its other entries."""
    inner = line_indent(text, node.start) + "  "
    line_start = text.rfind("\n", 0, node.end) + 1
    body = "".join(f"{inner}{line}\n" if line else "\n" for line in lines)
    return line_start, body


def unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
