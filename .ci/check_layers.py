"""The layering rules, checked over every import (module level, in functions, under TYPE_CHECKING):

1. no package imports to its right: bot → prescribers → analyzers → collectors → kernel;
2. no package imports another package's private (underscore) module;
3. no import cycle between modules.

Run: `python .ci/check_layers.py` (CI runs it; tests/test_layers.py runs it too). Exit 1 lists each breach.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("kernel", "collectors", "analyzers", "prescribers", "bot")  # each may import only those before it


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def imports(path: Path, name: str, known: dict[str, Path]) -> list[tuple[int, str]]:
    """(line, module) for every import of a Cloud Doctor module, resolved to the module itself."""
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.append((node.lineno, sub if sub in known else base))
    return [(line, target) for line, target in out if target.split(".")[0] in LAYERS]


def check() -> list[str]:
    known = modules()
    breaches: list[str] = []
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        own = name.split(".")[0]
        where = path.relative_to(ROOT)
        for line, target in imports(path, name, known):
            package = target.split(".")[0]
            if LAYERS.index(package) > LAYERS.index(own):
                breaches.append(f"{where}:{line}: {own} imports {target}, to its right")
            if package != own and any(part.startswith("_") for part in target.split(".")[1:]):
                breaches.append(f"{where}:{line}: {own} imports {target}, a private module of {package}")
            if target in graph and target != name:
                graph[name].add(target)
    breaches += [f"import cycle among: {', '.join(cycle)}" for cycle in cycles(graph)]
    return list(dict.fromkeys(breaches))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


if __name__ == "__main__":
    problems = check()
    for problem in problems:
        print(problem)  # noqa: T201
    print(f"layers: {len(modules())} modules, {len(problems)} breach(es)")  # noqa: T201
    sys.exit(1 if problems else 0)
