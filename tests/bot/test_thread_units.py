"""The thread's parts on their own: offline questions as people phrase them, the postmortem, the export of a
live job (from the documents it kept), and the context a job stores."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from bot.jobs.args import JobArgs
from bot.jobs.store import Store
from bot.pipeline import collect_bundle, diagnose
from bot.thread.context import job_context, safe_url
from bot.thread.export import export_feedback, pack_collection
from bot.thread.postmortem import postmortem
from bot.thread.questions import answer_offline
from collectors import BundleCollector
from collectors.base import Document
from tests.conftest import ROOT

BUNDLE = ROOT / "examples" / "incidents" / "checkout-oom"

# How people ask each kind of question: the intent must not hang on one spelling.
PHRASINGS = {
    "why": ["why?", "Why did it fail", "what's the root cause", "how do you know", "explain please", "reason?"],
    "others": ["what else could it be", "why not the network?", "any alternatives?", "what did you rule out",
               "could it be the database"],
    "service": ["show me checkout", "logs of checkout please", "errors for checkout?", "evidence from checkout"],
    "changes": ["what changed?", "was there a deploy", "any rollouts recently", "Did a release go out?"],
    "timeline": ["timeline", "when did it start", "what happened, in order", "give me the sequence"],
    "fix": ["show the fix again", "the terraform?", "what's the patch", "how do we remediate"],
    "sources": ["which sources answered", "anything missing?", "what did you look at"],
    "look_again": ["look again", "check again since 09:30", "please re-run", "analyze again since 23:59"],
}  # fmt: skip


@pytest.fixture(scope="module")
def result() -> dict:
    report = diagnose(collect_bundle(BUNDLE))
    out = report.to_json()
    out["context"] = job_context(report, bundle=str(BUNDLE))
    return json.loads(json.dumps(out))  # as stored: JSON only


@pytest.mark.parametrize("intent", sorted(PHRASINGS))
def test_each_question_is_understood_however_it_is_phrased(intent: str, result: dict) -> None:
    rng = random.Random(intent)
    for phrase in PHRASINGS[intent]:
        asked = rng.choice([phrase, phrase.upper(), f"@cloud-doctor {phrase}", f"{phrase} thanks"])
        assert answer_offline(asked, result).intent == intent, asked


def test_answers_carry_the_evidence_and_escape_it(result: dict) -> None:
    why = answer_offline("why", result)
    assert "OutOfMemoryError" in why.text and "memory_exhaustion" in why.text
    timeline = answer_offline("timeline", result).text
    assert "onset" in timeline and "window starts" in timeline
    tampered = json.loads(json.dumps(result))
    tampered["diagnosis"]["evidence"][0]["text"] = "<!channel> ``` <https://evil|click>"
    shown = answer_offline("why", tampered).text
    assert "<!channel>" not in shown and "<https://evil" not in shown and "&lt;!channel&gt;" in shown


def test_replies_that_are_not_questions_are_left_alone(result: dict) -> None:
    from bot.slack.thread_events import asks

    for chat in ("thanks, rolling back now", "on it", "I will try again after lunch", "+1", "paging the db team"):
        assert not asks(chat), chat
    for question in ("why?", "what changed", "Show me checkout", "is it the db?", "look again since 10:05"):
        assert asks(question), question
    assert answer_offline("I will try again after lunch", result).intent != "look_again"


def test_what_else_names_each_alternative_with_its_own_strongest_finding(result: dict) -> None:
    other = json.loads(json.dumps(result))
    other["diagnosis"]["hypotheses"] = [{"category": "dependency_failure", "resource": "frontend", "confidence": 0.3}]
    text = answer_offline("what else could it be?", other).text
    assert "dependency_failure in `frontend` (30%): scored below the diagnosis" in text
    strongest = next(f["text"] for f in other["context"]["findings"] if f["resource"] == "frontend")
    assert strongest.split(":")[0] in text  # its own evidence, not the diagnosis's


def test_an_unanswerable_question_says_so_and_lists_what_can_be_asked(result: dict) -> None:
    for question in ("what's the weather in Lisbon", "write me a poem", "lol"):
        answer = answer_offline(question, result)
        assert answer.intent == "unanswerable" and answer.text.startswith("I can't answer that offline")
        assert "what changed?" in answer.text and "look again" in answer.text


def test_look_again_since_a_time_is_that_time_today_or_yesterday(result: dict) -> None:
    answer = answer_offline("look again since 00:00", result)
    assert answer.look_again is not None and time.time() - 86400 <= answer.look_again <= time.time()


def test_the_context_keeps_the_deciding_chart_and_only_safe_runbooks(result: dict) -> None:
    chart = result["context"]["chart"]
    assert chart["metric"] == "container_memory_working_set_bytes" and chart["limit"] == 512 * 2**20
    assert chart["unit"] == "bytes" and chart["series"] and chart["onset"] == result["context"]["onset"]
    assert safe_url("https://runbooks.acme.dev/checkout#oom")
    assert not safe_url("javascript:alert(1)") and not safe_url("https://x|<!channel>")


def test_a_live_job_is_exported_from_the_documents_it_kept(tmp_path: Path) -> None:
    evidence = collect_bundle(BUNDLE)
    for folder in ("loki", "prometheus", "kubernetes"):  # as a live collection returns them
        for file in sorted((BUNDLE / folder).glob("*.json")):
            evidence.documents.append(Document(folder, file.stem, json.loads(file.read_text())))
    loki = next(d for d in evidence.documents if d.folder == "loki")
    stream = loki.body["response"]["data"]["result"][0]["values"]
    stream[0] = [stream[0][0], "connecting with DB_PASSWORD=hunter2-very-secret-42"]  # a secret in raw telemetry
    report = diagnose(evidence)
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    job, _ = store.create_job(idempotency_key="k", kind="analyze", service="checkout", args=JobArgs(),
                              channel="C1", user_id="U1")  # fmt: skip
    assert store.claim("w", 60) is not None
    result = report.to_json() | {"context": job_context(report)}
    assert store.finish(job.id, "w", result, {"digesting": 0.2}, documents=pack_collection(evidence))
    store.record_feedback(job.id, "U2", "down", "rules", "dependency_failure", "payments", "it was payments")
    store.record_feedback(job.id, "U3", "up", "rules")  # the latest answer stands
    [exported] = export_feedback(store, tmp_path / "out")
    assert exported.path is not None
    assert json.loads((exported.path / "expected.json").read_text()) == {
        "category": "memory_exhaustion", "resource": "checkout"}  # fmt: skip
    answers = json.loads((exported.path / "feedback.json").read_text())["answers"]
    assert [a["verdict"] for a in answers] == ["down", "up"] and answers[0]["note"] == "it was payments"
    kept = "".join(f.read_text() for f in exported.path.rglob("*.json"))
    assert "hunter2-very-secret-42" not in kept and "DB_PASSWORD=" in kept  # stored and exported redacted
    replayed = BundleCollector(exported.path).collect()
    assert len(replayed.logs) == len(evidence.logs) and len(replayed.metrics) == len(evidence.metrics)
    assert diagnose(replayed).diagnosis.category == "memory_exhaustion"
    assert store.agreement() == {"rules": (1, 2)}
    assert store.prune_evidence(0.0, now=time.time() + 10) == 0  # judged: its collection is kept


def test_a_job_without_kept_evidence_is_named_not_exported(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    job, _ = store.create_job(idempotency_key="k", kind="analyze", service="checkout", args=JobArgs(),
                              channel="C1", user_id="U1")  # fmt: skip
    store.claim("w", 60)
    store.finish(job.id, "w", {"diagnosis": {"category": "timeout", "resource": "x", "engine": "rules"}}, {})
    store.record_feedback(job.id, "U2", "up", "rules")
    [exported] = export_feedback(store, tmp_path / "out")
    assert exported.path is None and "not kept" in exported.why


def test_unjudged_collections_are_pruned(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    evidence = collect_bundle(BUNDLE)
    evidence.documents.append(Document("kubernetes", "pods", {"kind": "List", "items": []}))
    ids = []
    for key in ("a", "b"):
        job, _ = store.create_job(idempotency_key=key, kind="analyze", service="checkout", args=JobArgs(),
                                  channel="C1", user_id=f"U{key}")  # fmt: skip
        store.claim("w", 60)
        store.finish(job.id, "w", {"diagnosis": {"category": "timeout", "resource": "x", "engine": "rules"}}, {},
                     documents=pack_collection(evidence))  # fmt: skip
        ids.append(job.id)
    store.record_feedback(ids[0], "U9", "up", "rules")
    assert store.prune_evidence(3600.0) == 0  # both younger than the hour kept
    assert store.prune_evidence(3600.0, now=time.time() + 7200) == 1  # the unjudged one goes
    assert store.evidence_documents(ids[0]) is not None and store.evidence_documents(ids[1]) is None


def test_the_postmortem_draft(tmp_path: Path, result: dict) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    job, _ = store.create_job(idempotency_key="k", kind="analyze", service="checkout", args=JobArgs(),
                              channel="C1", user_id="U1")  # fmt: skip
    store.claim("w", 60)
    store.finish(job.id, "w", result, {"collecting": 0.1, "digesting": 0.3, "diagnosing": 0.01})
    draft = postmortem(store.get(job.id), store)
    sections = [line for line in draft.splitlines() if line.startswith("## ")]
    assert sections == ["## Summary", "## Impact", "## Timeline", "## Root cause", "## The fix", "## Follow-ups"]
    assert "Cloud Doctor finished digesting (0.3 s)" in draft and "onset" in draft
    assert "_to fill in_" in draft  # what the job could not see is left to people


def test_a_share_of_its_limit_is_charted_against_that_limit() -> None:
    """Cloud Run's memory utilisation is a share of the limit: its line saturates at 100 %, drawn as the limit."""
    report = diagnose(collect_bundle(ROOT / "examples" / "incidents" / "render-cloudrun"))
    chart = job_context(report)["chart"]
    assert chart["unit"] == "ratio" and chart["limit"] == 1.0 and chart["peak"] >= 0.99


def test_a_question_is_taken_before_the_diagnoses_queued_ahead_of_it(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    first, _ = store.create_job(idempotency_key="a", kind="analyze", service="checkout", args=JobArgs(),
                                channel="C1", user_id="alertmanager")  # fmt: skip
    asked, _ = store.create_job(idempotency_key="q", kind="question", service="checkout", channel="C1",
                                user_id="U1", args=JobArgs(from_job=first.id, question="why?"))  # fmt: skip
    assert [store.claim("w", 60).id, store.claim("w", 60).id] == [asked.id, first.id]
