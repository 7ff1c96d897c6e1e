"""A content-addressed cache of JSON values on disk, for work a short-lived command would otherwise redo.

An entry's name is the SHA-256 of its key (the text the value was computed from); its folder is named by the
version of the code that computed it, so a change of that code (or of a library it reads) starts a fresh
folder and removes the old ones. The cache is only ever a shortcut: a folder that cannot be created or
written, or is writable by another user, is not used, and an unreadable entry is a miss.

`CLOUD_DOCTOR_CACHE_DIR` moves it (default `$XDG_CACHE_HOME/cloud-doctor`, else `~/.cache/cloud-doctor`);
set to an empty string, it turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

CACHE_ENV = "CLOUD_DOCTOR_CACHE_DIR"
MISS = object()


def cache_root() -> Path | None:
    """The cache's folder, or None when it is turned off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cloud-doctor"


def code_version(*files: str | Path) -> str:
    """A version naming the exact code behind the cached values: the hash of these source files."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()[:16]


class FileCache:
    """Values by key under `<root>/<name>/<version>/`; `get` answers MISS when there is none."""

    def __init__(self, name: str, version: str, root: Path | None = None) -> None:
        base = root if root is not None else cache_root()
        self.folder = base / name / version if base is not None else None
        self._ready = False

    def get(self, key: str) -> Any:
        if self.folder is None or not self._usable(create=False):
            return MISS
        try:
            return json.loads(self._path(key).read_bytes())["value"]
        except (OSError, ValueError, KeyError, TypeError):
            return MISS

    def put(self, key: str, value: Any) -> None:
        if self.folder is None or not self._usable(create=True):
            return
        path = self._path(key)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")  # one writer each
        try:
            partial.write_text(json.dumps({"value": value}, separators=(",", ":")), encoding="utf-8")
            os.replace(partial, path)  # readers see the whole entry or none
        except (OSError, TypeError, ValueError):
            partial.unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}.json"

    def _usable(self, create: bool) -> bool:
        """The folder exists (made when `create`), is ours and only we can write it."""
        if self._ready:
            return True
        assert self.folder is not None
        try:
            if create and not self.folder.is_dir():
                self.folder.parent.parent.mkdir(parents=True, exist_ok=True)
                for level in (self.folder.parent, self.folder):
                    level.mkdir(mode=0o700, exist_ok=True)
                self._prune()
            self._ready = _private(self.folder) and _private(self.folder.parent)
        except OSError:
            return False
        return self._ready

    def _prune(self) -> None:
        """Folders of other versions hold values no code of this version reads."""
        import shutil

        assert self.folder is not None
        for other in self.folder.parent.iterdir():
            if other != self.folder and other.is_dir() and _private(other):
                shutil.rmtree(other, ignore_errors=True)


def _private(folder: Path) -> bool:
    info = folder.stat()
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owned and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
