"""`cloud-doctor feedback export DIR`: each judged incident as a bundle with its expected.json, so `cloud-doctor
eval DIR` measures the engines on the team's own incidents.

The answer that stands for a job is its latest: 👍 makes the diagnosis the expected answer, 👎 what the person
said it was. A job that replayed a bundle is exported as a copy of that bundle; a live job from the documents
its collection returned (kept with the job). The answers themselves go beside, in feedback.json.
"""

from __future__ import annotations

import json
import re
import shutil
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectors import Evidence, Scope, SourceStatus, Window
from collectors.base import Document
from collectors.live import record

if TYPE_CHECKING:
    from bot.jobs.store import Job, Store


@dataclass(frozen=True, slots=True)
class Exported:
    job_id: str
    path: Path | None  # None: not exported
    why: str = ""  # what was missing, when not


def export_feedback(store: Store, out: Path) -> list[Exported]:
    out.mkdir(parents=True, exist_ok=True)
    answers: dict[str, list[dict[str, Any]]] = {}
    for answer in store.feedback():
        answers.setdefault(answer["job_id"], []).append(answer)
    done = []
    for job_id, given in answers.items():
        job = store.get(job_id)
        if job is None or job.result is None or "diagnosis" not in job.result:
            done.append(Exported(job_id, None, "the job or its diagnosis is gone"))
            continue
        folder = out / f"{_safe(job.service)}-{job.id[:8]}"
        if folder.exists():
            shutil.rmtree(folder)
        why = _write_evidence(store, job, folder)
        if why:
            done.append(Exported(job_id, None, why))
            continue
        latest = given[-1]
        d = job.result["diagnosis"]
        if latest["verdict"] == "up":
            expected = {"category": d["category"], "resource": d["resource"]}
        else:
            expected = {"category": latest["category"], "resource": latest["resource"]}
        (folder / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
        judged = [
            {k: a[k] for k in ("user_id", "verdict", "engine", "category", "resource", "note", "at")} for a in given
        ]
        (folder / "feedback.json").write_text(
            json.dumps({"job": job.id, "diagnosis": d, "answers": judged}, indent=1) + "\n"
        )
        done.append(Exported(job_id, folder))
    return done


def _write_evidence(store: Store, job: Job, folder: Path) -> str:
    """The job's evidence as a bundle in `folder`; what was missing when it cannot be."""
    bundle = ((job.result or {}).get("context") or {}).get("bundle")
    if bundle:
        source = Path(bundle)
        if not (source / "incident.json").is_file():
            return f"its bundle {bundle} is no longer there"
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("expected.json", "feedback.json", ".*"))
        if job.args.alert is not None:  # the alert that started the job, as the job saw it
            incident = json.loads((folder / "incident.json").read_text())
            (folder / "incident.json").write_text(json.dumps(incident | {"alert": job.args.alert}, indent=1) + "\n")
        return ""
    kept = store.evidence_documents(job.id)
    if kept is None:
        return "its collection was not kept (a job from before feedback export existed)"
    doc = json.loads(zlib.decompress(kept))
    incident = doc["incident"]
    window = Window(
        datetime.fromisoformat(incident["window"]["start"]), datetime.fromisoformat(incident["window"]["end"])
    )
    scope = Scope(incident["title"], window, incident.get("service"), incident.get("environment"),
                  source=incident.get("source", "cli"))  # fmt: skip
    evidence = Evidence(
        scope=scope,
        documents=[Document(d["folder"], d["name"], d["body"]) for d in doc["documents"]],
        sources=[SourceStatus(f["source"], "error", f["ref"], f["error"], f["source_url"]) for f in doc["failed"]],
    )
    record(evidence, folder)
    if job.args.alert is not None:
        incident_file = folder / "incident.json"
        incident_file.write_text(json.dumps(json.loads(incident_file.read_text()) | {"alert": job.args.alert}) + "\n")
    return ""


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name)[:60] or "service"
