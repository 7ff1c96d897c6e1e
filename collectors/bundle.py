"""Replay an incident bundle from disk: walk its folders and hand each file to its source's reader.

The format is docs/incident-bundle.md; the readers live with their sources (collectors/sources.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collectors.base import Evidence, Scope, SourceStatus, SourceStatusKind, Window
from collectors.reading import parse_time, paused_gc
from collectors.sources import READERS
from kernel import InputError, Problem

INCIDENT_SOURCES = {"slack", "alertmanager", "grafana", "cloudwatch", "cli"}


class BundleCollector:
    """Reads a bundle directory into Evidence; refuses a malformed bundle with every problem listed."""

    name = "bundle"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def collect(self, scope: Scope | None = None) -> Evidence:
        problems: list[Problem] = []
        evidence = self._read(problems)
        if problems or evidence is None:
            raise InputError(problems, what=f"bundle {self.path}")
        return evidence

    def problems(self) -> list[Problem]:
        """Every problem in the bundle, without raising (for `cloud-doctor validate`)."""
        problems: list[Problem] = []
        self._read(problems)
        return problems

    def _read(self, problems: list[Problem]) -> Evidence | None:
        if not self.path.exists():
            problems.append(Problem(str(self.path), "", "does not exist; pass the bundle's folder"))
            return None
        if not self.path.is_dir():
            problems.append(Problem(str(self.path), "", "is a file, not a directory; pass the bundle's folder"))
            return None
        scope, alert = self._incident(problems)
        # Without a valid incident.json the sources are still read, so every problem is listed at once.
        placeholder = Scope("", Window(datetime.fromtimestamp(0, UTC), datetime.fromtimestamp(1, UTC)))
        evidence = Evidence(scope=scope or placeholder, alert=alert)
        with paused_gc():
            for folder in READERS:
                for file in sorted((self.path / folder).glob("*.json")):
                    rel = str(file.relative_to(self.path))
                    doc = _load_json(file, rel, problems)
                    if doc is not None:
                        problems += add_document(evidence, folder, rel, doc)
        evidence.sources += _collection_statuses(self.path / COLLECTION, problems)
        tf = self.path / "terraform"
        if tf.is_dir():
            evidence.terraform_dir = str(tf)
        evidence.logs.sort(key=lambda r: r.ts)
        return evidence if scope is not None else None

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
    READERS[folder](rel, doc, evidence, problems)
    status: SourceStatusKind = "ok" if not problems else "error"
    evidence.sources.append(SourceStatus(folder.replace("/", "_"), status, ref=rel))
    return problems


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
