"""Where values are in a Helm values file that a `helm_release` reads with `file()` or `templatefile()`: PyYAML's
composed node tree carries the offsets of every scalar, so a fix replaces exactly that scalar's text and every
other byte (comments, order, quoting) stays."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from prescribers._hcltext import Span

if TYPE_CHECKING:  # PyYAML is imported by the first values file read, not by every fix
    import yaml


@lru_cache(maxsize=128)
def compose(text: str) -> yaml.Node | None:
    """The document's node tree; None when it is not YAML (a template whose directives break it, say)."""
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def parse_error(text: str) -> str | None:
    import yaml

    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return str(exc).splitlines()[0]
    return None


def scalars(text: str) -> Iterator[tuple[tuple[str, ...], Span]]:
    """Every scalar value with its key path (`("resources", "limits", "memory")`) and its exact span."""
    import yaml

    root = compose(text)
    stack: list[tuple[tuple[str, ...], yaml.Node]] = [((), root)] if root is not None else []
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.append(((*path, str(key.value)), value))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in reversed(list(enumerate(node.value))):
                stack.append(((*path, str(i)), value))
        elif isinstance(node, yaml.ScalarNode):
            start, end = node.start_mark.index, node.end_mark.index
            yield path, Span(start, end, text[start:end])
