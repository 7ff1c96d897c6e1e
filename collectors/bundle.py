"""Replay an incident bundle from disk: walk its folders and hand each file to its source's reader.

The format is docs/incident-bundle.md; the readers live with their sources (collectors/sources.py).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collectors.base import (
    Evidence,
    LogRecords,
    LogSinks,
    Scope,
    SourceStatus,
    SourceStatusKind,
    Window,
    keep_records,
)
from collectors.reading import parse_time, paused_gc
from collectors.sources import BUNDLE_FOLDERS, reader, text_reader
from kernel import InputError, Problem

log = logging.getLogger("cloud_doctor.bundle")
INCIDENT_SOURCES = {"slack", "alertmanager", "grafana", "cloudwatch", "cli"}


class BundleCollector:
    """Reads a bundle directory into Evidence; refuses a malformed bundle with every problem listed."""

    name = "bundle"

    def __init__(self, path: str | Path, logs: LogSinks = keep_records) -> None:
        self.path, self.logs = Path(path), logs

    def collect(self, scope: Scope | None = None, alert: dict[str, Any] | None = None) -> Evidence:
        """The bundle's evidence; `alert` (the payload that started a job) replaces the bundle's own."""
        problems: list[Problem] = []
        evidence = self._read(problems, alert)
        if problems or evidence is None:
            raise InputError(problems, what=f"bundle {self.path}")
        return evidence

    def problems(self) -> list[Problem]:
        """Every problem in the bundle, without raising (for `cloud-doctor validate`)."""
        problems: list[Problem] = []
        self._read(problems)
        return problems

    def _read(self, problems: list[Problem], alert_given: dict[str, Any] | None = None) -> Evidence | None:
        if not self.path.exists():
            problems.append(Problem(str(self.path), "", "does not exist; pass the bundle's folder"))
            return None
        if not self.path.is_dir():
            problems.append(Problem(str(self.path), "", "is a file, not a directory; pass the bundle's folder"))
            return None
        scope, alert = self._incident(problems)
        alert = alert if alert_given is None else alert_given
        # Without a valid incident.json the sources are still read, so every problem is listed at once.
        placeholder = Scope("", Window(datetime.fromtimestamp(0, UTC), datetime.fromtimestamp(1, UTC)))
        logs = self.logs(scope, alert) if scope is not None else LogRecords()
        evidence = Evidence(scope=scope or placeholder, alert=alert, logs=logs)
        with paused_gc():
            for folder in BUNDLE_FOLDERS:
                files = sorted((self.path / folder).glob("*.json"))
                if not files:
                    continue
                streamed = text_reader(folder) is not None and scope is not None
                parts = self._parts(folder, files, evidence) if streamed else ((f, None) for f in files)
                for file, part in parts:  # in read order, each file's part as soon as it is read
                    rel = str(file.relative_to(self.path))
                    if part is not None:  # read from its text (here or in a worker), in read order all the same
                        read, found = part
                        evidence.logs.extend(read.logs)
                        evidence.metrics += read.metrics
                        evidence.kubernetes += read.kubernetes
                        evidence.spans += read.spans
                        problems += _status(evidence, folder, rel, found)
                        continue
                    doc = _load_json(file, rel, problems)
                    if doc is not None:
                        problems += add_document(evidence, folder, rel, doc)
        evidence.sources += _collection_statuses(self.path / COLLECTION, problems)
        tf = self.path / "terraform"
        if tf.is_dir():
            evidence.terraform_dir = str(tf)
        evidence.logs.done()
        return evidence if scope is not None else None

    def _parts(self, folder: str, files: list[Path], into: Evidence) -> Iterator[tuple[Path, Part]]:
        """Each file of a streamed folder read into evidence of its own, in order, as soon as it is read: by worker
        processes when the files are large and there are cores for it (lines read and reduced in parallel), else
        here one by one. A file is handed to a worker only as one is free: no more parts than workers wait."""
        jobs = [(folder, file, str(file.relative_to(self.path)), into.scope, into.alert, self.logs) for file in files]
        workers = min(len(files), _cores())
        done = 0
        if workers > 1 and sum(f.stat().st_size for f in files) >= PARALLEL_BYTES and self._may_fork():
            import multiprocessing  # only for a large bundle: a small one is read before they would import
            from concurrent.futures import ProcessPoolExecutor
            from concurrent.futures.process import BrokenProcessPool

            # fork is quick and safe with no other thread running; a threaded server starts fresh interpreters
            method = "fork" if threading.active_count() == 1 else "spawn"
            try:
                with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
                    pending = deque(pool.submit(_part, *job) for job in jobs[:workers])
                    while pending:
                        part = pending.popleft().result()
                        if done + len(pending) + 1 < len(jobs):  # the next file to the worker just freed
                            pending.append(pool.submit(_part, *jobs[done + len(pending) + 1]))
                        yield files[done], part
                        done += 1
            except (BrokenProcessPool, OSError) as exc:  # a worker killed (out of memory), or none could start
                log.warning("bundle reader processes failed (%s); reading the rest of %s here", exc, folder)
        for file, job in zip(files[done:], jobs[done:], strict=True):
            yield file, _part(*job)

    def _may_fork(self) -> bool:
        """Worker processes help a sink that reduces (records kept would be pickled back whole, for nothing), and
        only where this process may have children: a bot worker is a daemonic process, which may not."""
        import multiprocessing

        return self.logs is not keep_records and not multiprocessing.current_process().daemon and _picklable(self.logs)

    def _incident(self, problems: list[Problem]) -> tuple[Scope | None, dict[str, Any]]:
        file = self.path / "incident.json"
        if not file.is_file():
            problems.append(Problem("incident.json", "", "is missing; every bundle needs one (title, window)"))
            return None, {}
        doc = _load_json(file, "incident.json", problems)
        if doc is None:
            return None, {}
        before = len(problems)
        title = doc.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(Problem("incident.json", "title", "required: a non-empty string"))
        window = doc.get("window")
        start = end = None
        if not isinstance(window, dict):
            problems.append(Problem("incident.json", "window", "required: an object with start and end"))
        else:
            start = parse_time(window.get("start"), "incident.json", "window.start", problems)
            end = parse_time(window.get("end"), "incident.json", "window.end", problems)
            if start and end and end <= start:
                problems.append(Problem("incident.json", "window", "end must be after start"))
        source = doc.get("source", "cli")
        if source not in INCIDENT_SOURCES:
            problems.append(Problem("incident.json", "source", f"{source!r} is not one of {sorted(INCIDENT_SOURCES)}"))
        for key in ("service", "environment"):
            if doc.get(key) is not None and not isinstance(doc[key], str):
                problems.append(Problem("incident.json", key, "must be a string when present"))
        alert = doc.get("alert") or {}
        if not isinstance(alert, dict):
            problems.append(Problem("incident.json", "alert", "must be an object (the webhook payload) when present"))
            alert = {}
        if len(problems) > before or start is None or end is None:
            return None, {}
        scope = Scope(
            title=str(title),
            window=Window(start, end),
            service=doc.get("service"),
            environment=doc.get("environment"),
            source=str(source),
        )
        return scope, alert


COLLECTION = "collection.json"  # written by `cloud-doctor record`: which live sources failed, and why


def add_document(evidence: Evidence, folder: str, rel: str, doc: dict[str, Any]) -> list[Problem]:
    """Read one source document (a bundle file, or what a live source just returned) into the evidence."""
    problems: list[Problem] = []
    reader(folder)(rel, doc, evidence, problems)
    return _status(evidence, folder, rel, problems)


def _status(evidence: Evidence, folder: str, rel: str, problems: list[Problem]) -> list[Problem]:
    status: SourceStatusKind = "ok" if not problems else "error"
    evidence.sources.append(SourceStatus(folder.replace("/", "_"), status, ref=rel))
    return problems


PARALLEL_BYTES = 4 * 2**20  # a streamed folder this large is read by worker processes (~25,000 Loki lines)


Part = tuple[Evidence, list[Problem]] | None  # a file read into evidence of its own, or None: decode it whole


def _part(folder: str, file: Path, rel: str, scope: Scope, alert: dict[str, Any], logs: LogSinks) -> Part:
    """One file read by its folder's text reader into evidence of its own, or None when it must be decoded whole
    (not UTF-8, not JSON, or not laid out as the reader streams it: the whole-document reader says why)."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    part = Evidence(scope=scope, alert=alert, logs=logs(scope, alert))
    problems: list[Problem] = []
    with paused_gc():
        read = text_reader(folder)
        assert read is not None, f"{folder} has no text reader"
        if not read(rel, text, part, problems):
            return None
    part.logs.done()
    return part, problems


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _picklable(value: object) -> bool:
    import pickle

    try:
        pickle.dumps(value)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _collection_statuses(file: Path, problems: list[Problem]) -> list[SourceStatus]:
    """Failed sources of a recorded live run, so a replay names what was missing exactly as the run did."""
    if not file.is_file():
        return []
    doc = _load_json(file, COLLECTION, problems) or {}
    out = []
    for i, entry in enumerate(doc.get("failed", [])):
        if not isinstance(entry, dict) or not isinstance(entry.get("source"), str):
            problems.append(Problem(COLLECTION, f"failed[{i}]", "must be {source, error, ref}"))
            continue
        out.append(
            SourceStatus(
                entry["source"],
                "error",
                str(entry.get("ref", "")),
                str(entry.get("error", "")),
                str(entry.get("source_url", "")),
            )
        )
    return out


def _load_json(file: Path, rel: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(rel, "", "is not UTF-8 text"))
        return None
    except json.JSONDecodeError as exc:
        problems.append(Problem(rel, f"line {exc.lineno} column {exc.colno}", f"broken JSON: {exc.msg}"))
        return None
    if not isinstance(doc, dict):
        problems.append(Problem(rel, "", f"top level must be a JSON object, got {type(doc).__name__}"))
        return None
    return doc
