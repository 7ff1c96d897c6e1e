"""Gemini answering follow-up questions in an incident's thread, from the job's stored digest.

The digest, the diagnosis and the thread's earlier messages all go inside the fenced data section (the thread
is people's text, as untrusted as telemetry: it is never a conversation turn the model could take as an
instruction). Thread text is redacted as telemetry is. The answer's quotes must be in the digest verbatim;
quotes that are not are dropped and the answer says so. Usage is accounted as the diagnoser's is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from analyzers.gemini import PROMPTS, GeminiDiagnoser, ModelAnswerError, _normal, retryable
from analyzers.redact import Redactor
from kernel.prompts import fence, render
from kernel.resilience import retry

MAX_TURNS = 20
MAX_TURN_CHARS = 2000
RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "OBJECT",
    "properties": {"answer": {"type": "STRING"}, "quotes": {"type": "ARRAY", "items": {"type": "STRING"}}},
    "required": ["answer", "quotes"],
}


@dataclass(frozen=True, slots=True)
class Turn:
    who: str  # "cloud-doctor" or "person"
    text: str


@dataclass(slots=True)
class Reply:
    answer: str
    quotes: list[str]
    usage: dict[str, Any]
    dropped: int = 0  # quotes refused because the digest does not hold them
    notes: list[str] = field(default_factory=list)


class GeminiConversation:
    """One engine per worker: it shares the diagnoser's client, circuit breaker and cassette."""

    def __init__(self, diagnoser: GeminiDiagnoser, redactor: Redactor | None = None) -> None:
        self.gemini = diagnoser
        self.redact = redactor or Redactor()

    def prompts(self, title: str, diagnosis: str, digest: str, history: list[Turn], question: str) -> tuple[str, str]:
        system = render(PROMPTS, "converse_system.jinja2")
        turns = [
            {"who": t.who, "text": fence(self.redact(" ".join(t.text.split())[:MAX_TURN_CHARS]))}
            for t in history[-MAX_TURNS:]
        ]
        user = render(
            PROMPTS,
            "converse_user.jinja2",
            title=fence(title),
            diagnosis=fence(diagnosis),
            data=fence(digest),
            history=turns,
            question=fence(self.redact(question[:MAX_TURN_CHARS])),
        )
        return system, user

    def answer(self, title: str, diagnosis: str, digest: str, history: list[Turn], question: str) -> Reply:
        """Gemini's answer; raises (the caller answers offline instead) when there is none to offer."""
        system, user = self.prompts(title, diagnosis, digest, history, question)
        gemini = self.gemini
        started = time.monotonic()
        doc, usage = gemini.breaker.call(lambda: retry(lambda: self._call(system, user), retryable,
                                                       attempts=gemini.attempts))  # fmt: skip
        text = doc.get("answer")
        if not isinstance(text, str) or not text.strip():
            raise ModelAnswerError("Gemini gave no answer")
        haystack = _normal(digest)
        quotes = [q for q in doc.get("quotes") or [] if isinstance(q, str) and q.strip()]
        kept = [q for q in quotes if _normal(q) in haystack]
        usage = {**usage, "latency_ms": round((time.monotonic() - started) * 1000)}
        return Reply(text.strip(), kept[:6], usage, dropped=len(quotes) - len(kept))

    def _call(self, system: str, user: str) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.gemini.generate_json(system, user, RESPONSE_SCHEMA, engine="gemini-thread", temperature=0.2)
