"""Live collection: every configured source at once, each with a timeout, the whole under a deadline.

Sources return bundle documents (the exact API bodies in their wrappers), and the same readers as
for a bundle turn them into evidence; so a live run saved with `record` diagnoses identically offline.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from collectors.base import Evidence, LogSinks, Scope, Source, SourceStatus, keep_records
from collectors.bundle import COLLECTION, add_document
from collectors.reading import paused_gc

log = logging.getLogger("cloud_doctor.live")


class LiveCollector:
    name = "live"

    def __init__(
        self,
        sources: list[Source],
        deadline_seconds: float = 45.0,
        concurrent: bool = True,
        logs: LogSinks = keep_records,
    ) -> None:
        self.sources, self.deadline, self.concurrent, self.logs = sources, deadline_seconds, concurrent, logs

    def collect(self, scope: Scope | None = None, alert: dict[str, Any] | None = None) -> Evidence:
        """What every source answered within the deadline; `alert` is the payload that started the job."""
        assert scope is not None, "a live collection needs a scope"
        evidence = Evidence(scope=scope, alert=alert or {}, logs=self.logs(scope, alert or {}))
        started = time.monotonic()
        pool = ThreadPoolExecutor(max_workers=max(1, len(self.sources) if self.concurrent else 1))
        futures = {pool.submit(source.fetch, scope): source for source in self.sources}
        done, late = wait(futures, timeout=self.deadline)
        pool.shutdown(wait=False, cancel_futures=True)
        for future, source in futures.items():
            if future in late:
                evidence.sources.append(
                    SourceStatus(
                        source.name,
                        "error",
                        error=f"no answer within the {self.deadline:.0f} s deadline",
                        source_url=source.url,
                    )
                )
                continue
            error = future.exception()
            if error is not None:
                log.warning("%s failed: %s", source.name, error)
                evidence.sources.append(
                    SourceStatus(source.name, "error", error=_describe(error), source_url=source.url)
                )
                continue
            for document in future.result():
                with paused_gc():
                    problems = add_document(
                        evidence, document.folder, f"{document.folder}/{document.name}.json", document.body
                    )
                if problems:  # the source answered something that is not its documented format
                    evidence.sources.append(
                        SourceStatus(source.name, "error", error=str(problems[0])[:300], source_url=source.url)
                    )
                else:
                    evidence.documents.append(document)
        evidence.logs.done()
        log.info("collected from %d sources in %.2f s", len(self.sources), time.monotonic() - started)
        return evidence


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())[:300]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def bundle_files(evidence: Evidence) -> dict[str, Any]:
    """A live collection as the files of a bundle in the shared format: path (relative) -> JSON document."""
    scope = evidence.scope
    incident: dict[str, Any] = {
        "title": scope.title,
        "source": scope.source,
        "window": {"start": scope.window.start.isoformat(), "end": scope.window.end.isoformat()},
    }
    if scope.service:
        incident["service"] = scope.service
    if scope.environment:
        incident["environment"] = scope.environment
    files: dict[str, Any] = {"incident.json": incident}
    for document in evidence.documents:
        files[f"{document.folder}/{document.name}.json"] = document.body
    failed = [
        {"source": s.source, "error": s.error, "ref": s.ref, "source_url": s.source_url}
        for s in evidence.missing_sources
    ]
    if failed:
        files[COLLECTION] = {"failed": failed}
    return files


def write_bundle(files: dict[str, Any], out: Path) -> Path:
    """Write `bundle_files` into `out`: the bundle's own files indented for people, the sources' bodies as sent."""
    out.mkdir(parents=True, exist_ok=True)
    for rel, doc in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=1 if "/" not in rel else None) + "\n")
    return out


def record(evidence: Evidence, out: Path) -> Path:
    """Write a live collection as a bundle in the shared format (plus which sources failed)."""
    return write_bundle(bundle_files(evidence), out)
