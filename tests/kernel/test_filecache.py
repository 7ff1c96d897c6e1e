"""The content-addressed disk cache: values come back as stored, and anything doubtful is a miss, never an error."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kernel.filecache import CACHE_ENV, MISS, FileCache, cache_root, code_version


def test_a_value_comes_back_by_its_key_and_only_by_it(tmp_path: Path) -> None:
    cache = FileCache("parse", "v1", root=tmp_path)
    assert cache.get("resource {}") is MISS
    cache.put("resource {}", [1, "two", None, {"three": 3.0}])
    cache.put("other", None)
    assert cache.get("resource {}") == [1, "two", None, {"three": 3.0}]
    assert cache.get("other") is None  # a stored None is a value, not a miss
    assert cache.get("resource { }") is MISS
    assert FileCache("parse", "v1", root=tmp_path).get("resource {}") == [1, "two", None, {"three": 3.0}]


def test_a_new_version_starts_empty_and_removes_the_old_ones(tmp_path: Path) -> None:
    FileCache("parse", "v1", root=tmp_path).put("k", 1)
    FileCache("other", "v1", root=tmp_path).put("k", 2)
    new = FileCache("parse", "v2", root=tmp_path)
    assert new.get("k") is MISS
    new.put("k", 3)
    assert sorted(p.name for p in (tmp_path / "parse").iterdir()) == ["v2"]
    assert FileCache("other", "v1", root=tmp_path).get("k") == 2  # another cache's folders are not touched


def test_folders_are_private_and_a_folder_others_can_write_is_not_trusted(tmp_path: Path) -> None:
    cache = FileCache("parse", "v1", root=tmp_path)
    cache.put("k", "ours")
    assert (tmp_path / "parse").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "parse" / "v1").stat().st_mode & 0o777 == 0o700
    os.chmod(tmp_path / "parse" / "v1", 0o777)  # someone else could have planted entries
    assert FileCache("parse", "v1", root=tmp_path).get("k") is MISS
    FileCache("parse", "v1", root=tmp_path).put("k2", "x")
    assert len(list((tmp_path / "parse" / "v1").iterdir())) == 1  # nothing written there either
    os.chmod(tmp_path / "parse" / "v1", 0o700)
    assert FileCache("parse", "v1", root=tmp_path).get("k") == "ours"


def test_a_broken_entry_is_a_miss_and_an_unwritable_folder_only_means_no_cache(tmp_path: Path) -> None:
    cache = FileCache("parse", "v1", root=tmp_path)
    cache.put("k", {"a": 1})
    (entry,) = (tmp_path / "parse" / "v1").iterdir()
    entry.write_text('{"value": [1, 2')  # a torn write from a killed process
    assert FileCache("parse", "v1", root=tmp_path).get("k") is MISS
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    nowhere = FileCache("parse", "v1", root=blocked)
    nowhere.put("k", 1)  # no exception
    assert nowhere.get("k") is MISS
    FileCache("parse", "v1", root=tmp_path).put("k", object())  # not JSON: not stored, no exception
    assert not [p for p in (tmp_path / "parse" / "v1").iterdir() if p.name.startswith(".")]


def test_where_it_lives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_root() == tmp_path / "mine"
    monkeypatch.setenv(CACHE_ENV, "")
    assert cache_root() is None
    off = FileCache("parse", "v1")
    off.put("k", 1)
    assert off.get("k") is MISS
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "cloud-doctor"


def test_the_code_version_follows_the_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.lark"
    a.write_text("x = 1")
    b.write_text("start: x")
    before = code_version(a, b)
    assert code_version(a, b) == before
    b.write_text("start: y")
    assert code_version(a, b) != before


def test_writers_at_once_never_leave_a_reader_a_torn_value(tmp_path: Path) -> None:
    value = {"blocks": list(range(2000))}  # large enough that a write takes more than one system call
    cache = FileCache("parse", "v1", root=tmp_path)
    seen: list[object] = []

    def write() -> None:
        for _ in range(30):
            cache.put("k", value)
            seen.append(cache.get("k"))

    threads = [threading.Thread(target=write) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen and all(v == value for v in seen)  # each reads its own write or another's, whole
    assert [p.name for p in (tmp_path / "parse" / "v1").iterdir() if p.name.startswith(".")] == []
