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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzers import Redactor
from collectors import Evidence
from collectors.live import bundle_files, write_bundle

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


def pack_collection(evidence: Evidence) -> bytes:
    """What a live job keeps for its export: its collection as bundle files (`collectors.live.bundle_files`),
    every string redacted as the digest's are, zlib-compressed JSON."""
    redact = Redactor()

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return redact(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return zlib.compress(json.dumps(clean(bundle_files(evidence))).encode(), 6)


def _write_evidence(store: Store, job: Job, folder: Path) -> str:
    """The job's evidence as a bundle in `folder`, with the alert that started it; what was missing when it
    cannot be written."""
    bundle = ((job.result or {}).get("context") or {}).get("bundle")
    if bundle:
        source = Path(bundle)
        if not (source / "incident.json").is_file():
            return f"its bundle {bundle} is no longer there"
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("expected.json", "feedback.json", ".*"))
    else:
        kept = store.evidence_documents(job.id)
        if kept is None:
            return "its collection was not kept (a job from before feedback export existed)"
        write_bundle(json.loads(zlib.decompress(kept)), folder)
    if job.args.alert is not None:  # the alert that started the job, as the job saw it
        incident = json.loads((folder / "incident.json").read_text())
        (folder / "incident.json").write_text(json.dumps(incident | {"alert": job.args.alert}, indent=1) + "\n")
    return ""


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name)[:60] or "service"
