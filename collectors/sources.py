"""The registry of telemetry sources: each module holds its settings, its live source and its bundle readers.

The bot's settings take a cluster's source blocks from here, live collection builds the sources from
here, and a bundle's folders are read by the readers here. Adding a source is its module and one line.

A source's module is imported when something asks for it: a bundle with only Loki and Kubernetes folders
never imports the Google or CloudWatch sources (`SOURCES`, `READERS` and `TEXT_READERS` import them all).
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from collectors.base import Reader, SourceKind, TextReader

# source (the name of its module in collectors/) -> its bundle folders; the order in which a bundle is read
FOLDERS: dict[str, tuple[str, ...]] = {
    "prometheus": ("prometheus",),
    "loki": ("loki",),
    "cloudwatch": ("cloudwatch/logs", "cloudwatch/metrics"),
    "kubernetes": ("kubernetes",),
    "cloud_logging": ("cloud_logging",),
    "cloud_monitoring": ("cloud_monitoring",),
    "tempo": ("tempo",),
}
BUNDLE_FOLDERS: tuple[str, ...] = tuple(folder for folders in FOLDERS.values() for folder in folders)
_OWNER = {folder: name for name, folders in FOLDERS.items() for folder in folders}


@cache
def source(name: str) -> SourceKind:
    """The source registered under `name` (its module imported now)."""
    kind: SourceKind = importlib.import_module(f"collectors.{name}").SOURCE
    assert tuple(kind.readers) == FOLDERS[name], f"collectors/{name}.py reads {list(kind.readers)}; update FOLDERS"
    return kind


def reader(folder: str) -> Reader:
    """The reader of a bundle folder's documents."""
    return source(_OWNER[folder]).readers[folder]


def text_reader(folder: str) -> TextReader | None:
    """The reader of a bundle folder's files' text, for folders whose files can be read a part at a time."""
    return source(_OWNER[folder]).text_readers.get(folder)


def __getattr__(name: str) -> Any:
    """SOURCES (name -> SourceKind), READERS and TEXT_READERS (folder -> reader): every source imported."""
    if name == "SOURCES":
        return {kind: source(kind) for kind in FOLDERS}
    if name == "READERS":
        return {folder: reader(folder) for folder in BUNDLE_FOLDERS}
    if name == "TEXT_READERS":
        return {folder: read for folder in BUNDLE_FOLDERS if (read := text_reader(folder)) is not None}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
