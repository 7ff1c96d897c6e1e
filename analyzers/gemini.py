"""Gemini on Vertex AI as the diagnoser: it reads the Digest (never raw telemetry) and chooses the root cause.

The rules engine runs first; its hypotheses go in as candidates, and it answers instead whenever the
model is unreachable, returns something malformed, or quotes evidence that is not in the digest.
"""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path
from typing import Any

from analyzers.base import Diagnosis, Digest, EvidenceLine, Hypothesis
from analyzers.rules import Board, RulesDiagnoser
from analyzers.signatures import CATEGORIES
from collectors import Evidence
from kernel import CloudDoctorError
from kernel.cassette import Cassette
from kernel.prompts import fence, render
from kernel.resilience import CircuitBreaker, CircuitOpen, retry

log = logging.getLogger("cloud_doctor.gemini")
PROMPTS = Path(__file__).parent / "prompts"
DEFAULT_MODEL = "gemini-2.5-flash"
_BREAKERS: dict[str, CircuitBreaker] = {}

_LINE = {
    "type": "OBJECT",
    "properties": {"source": {"type": "STRING"}, "ref": {"type": "STRING"}, "text": {"type": "STRING"}},
    "required": ["source", "ref", "text"],
}
_HYPOTHESIS = {
    "type": "OBJECT",
    "properties": {
        "category": {"type": "STRING", "enum": list(CATEGORIES)},
        "resource": {"type": "STRING"},
        "confidence": {"type": "NUMBER"},
    },
    "required": ["category", "resource", "confidence"],
}
RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "OBJECT",
    "properties": {
        "category": {"type": "STRING", "enum": [*CATEGORIES, "unknown"]},
        "resource": {"type": "STRING"},
        "summary": {"type": "STRING"},
        "confidence": {"type": "NUMBER"},
        "evidence": {"type": "ARRAY", "items": _LINE},
        "hypotheses": {"type": "ARRAY", "items": _HYPOTHESIS},
    },
    "required": ["category", "resource", "summary", "confidence", "evidence", "hypotheses"],
}


class ModelAnswerError(ValueError):
    """The model answered, but not with something we may offer."""


def retryable(exc: Exception) -> bool:
    """Throttling, 429 and 5xx, and timeouts: worth another try. Any other 4xx is not."""
    code = getattr(exc, "code", None) or getattr(exc, "status_code", None)
    if isinstance(code, int):
        return code == 429 or code >= 500
    return type(exc).__name__ in (
        "TimeoutException",
        "ReadTimeout",
        "ConnectTimeout",
        "ConnectError",
        "RemoteProtocolError",
        "TimeoutError",
    )


class GeminiDiagnoser:
    name = "gemini"

    def __init__(
        self,
        project: str | None = None,
        location: str = "us-central1",
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        access_token: str | None = None,
        timeout_seconds: float = 60.0,
        attempts: int = 4,
        cassette: Cassette | None = None,
    ) -> None:
        if not project:
            raise CloudDoctorError("engines.gemini.project is required for the gemini diagnoser (settings YAML)")
        self.project, self.location, self.model = project, location, model
        self.base_url, self.access_token = base_url, access_token
        self.timeout, self.attempts, self.cassette = timeout_seconds, attempts, cassette
        self.rules = RulesDiagnoser()
        self._genai: Any = None
        key = f"{base_url or 'vertex'}:{project}:{location}:{model}"
        self.breaker = _BREAKERS.setdefault(key, CircuitBreaker(f"Gemini ({model})"))

    def diagnose(self, digest: Digest, evidence: Evidence) -> Diagnosis:
        board = self.rules.assess(digest, evidence)  # scored once: the candidates, the fallback and the facts
        fallback = board.verdict(digest, evidence, self.rules.name)
        candidates = [Hypothesis(fallback.category, fallback.resource, fallback.confidence), *fallback.hypotheses]
        started = time.monotonic()
        try:
            answer, usage = self.breaker.call(
                lambda: retry(lambda: self._call(digest, candidates), retryable, attempts=self.attempts)
            )
            diagnosis = self._accept(answer, digest, evidence, board)
        except (CircuitOpen, ModelAnswerError) as exc:
            return self._fallback(fallback, str(exc), started)
        except CloudDoctorError:
            raise  # configuration (a replay without the answer): a person must act, not a fallback
        except Exception as exc:  # the client's own error types vary by failure; all mean "no answer"
            log.warning("Gemini call failed: %s", exc)
            return self._fallback(fallback, f"Gemini unavailable ({type(exc).__name__}: {str(exc)[:200]})", started)
        diagnosis.usage = {**usage, "latency_ms": round((time.monotonic() - started) * 1000)}
        return diagnosis

    def _client(self) -> Any:
        from google import genai
        from google.genai import types

        credentials = None
        if self.access_token:
            from google.oauth2.credentials import Credentials

            credentials = Credentials(token=self.access_token)  # type: ignore[no-untyped-call]
        options = types.HttpOptions(timeout=int(self.timeout * 1000), base_url=self.base_url)
        return genai.Client(
            vertexai=True, project=self.project, location=self.location, credentials=credentials, http_options=options
        )

    def _call(self, digest: Digest, candidates: list[Hypothesis]) -> tuple[dict[str, Any], dict[str, Any]]:
        system, user = prompts(digest, candidates)
        return self.generate_json(system, user, RESPONSE_SCHEMA)

    def generate_json(
        self, system: str, user: str, schema: dict[str, Any], engine: str | None = None, temperature: float = 0.0
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """One JSON answer under `schema` (from the cassette when replaying), and its usage as `engine`."""
        from google.genai import types

        key = Cassette.key(self.model, system, user)
        if self.cassette and self.cassette.replaying:
            recorded = self.cassette.get(key, "Gemini")
            text, usage = recorded["text"], recorded["usage"]
        else:
            if self._genai is None:  # one client per engine: it owns the HTTP connection pool
                self._genai = self._client()
            config = types.GenerateContentConfig(
                system_instruction=system,
                temperature=temperature,
                response_mime_type="application/json",
                response_schema=schema,
            )
            response = self._genai.models.generate_content(model=self.model, contents=user, config=config)
            meta = response.usage_metadata
            text = response.text or ""
            usage = {
                "engine": engine or self.name,
                "model": self.model,
                "input_tokens": getattr(meta, "prompt_token_count", None) or 0,
                "output_tokens": getattr(meta, "candidates_token_count", None) or 0,
            }
            if self.cassette:
                self.cassette.put(key, {"text": text, "usage": usage})
        try:
            answer = json.loads(text)
        except ValueError as exc:
            raise ModelAnswerError(f"Gemini's answer is not JSON ({exc})") from exc
        if not isinstance(answer, dict):
            raise ModelAnswerError("Gemini's answer is not a JSON object")
        return answer, usage

    def _accept(self, answer: dict[str, Any], digest: Digest, evidence: Evidence, board: Board) -> Diagnosis:
        """Check the answer against the schema and the digest; anything off is refused, not repaired."""
        category, resource = answer.get("category"), answer.get("resource")
        if category == "unknown":  # the model declines: weak evidence or a healthy system
            return self._declined(answer, digest, evidence)
        if category not in CATEGORIES or not isinstance(resource, str) or not resource.strip():
            raise ModelAnswerError(f"Gemini chose an unknown category or no resource ({category!r}, {resource!r})")
        lines = answer.get("evidence")
        if not isinstance(lines, list) or not lines:
            raise ModelAnswerError("Gemini quoted no evidence")
        haystack = _normal(digest.text)
        quoted = []
        for line in lines:
            text = str((line or {}).get("text", "")) if isinstance(line, dict) else ""
            if not text.strip() or _normal(text) not in haystack:
                raise ModelAnswerError(f"Gemini's evidence is not in the digest: {text[:120]!r}")
            quoted.append(EvidenceLine(str(line.get("source", "")), str(line.get("ref", "")), text))
        try:
            confidence = min(1.0, max(0.0, float(answer.get("confidence", 0))))
            hypotheses = [
                Hypothesis(str(h["category"]), str(h["resource"]), float(h["confidence"]))
                for h in answer.get("hypotheses") or []
                if h.get("category") in CATEGORIES
            ]
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise ModelAnswerError(f"Gemini's answer does not match the schema ({exc})") from exc
        details = board.details(category, resource, digest, evidence)
        return Diagnosis(
            category, resource, str(answer.get("summary", "")), confidence, self.name, quoted, hypotheses, details
        )

    def _declined(self, answer: dict[str, Any], digest: Digest, evidence: Evidence) -> Diagnosis:
        """`unknown`, as the rules engine reports it: the scope's service, no evidence, confidence 0, and the
        model's account of what it looked for."""
        top = digest.findings[0].resource if digest.findings else "unknown"
        resource = evidence.scope.service or top
        summary = str(answer.get("summary") or "").strip() or "The evidence supports no failure category."
        return Diagnosis("unknown", resource, summary, 0.0, self.name, [], [])

    def _fallback(self, diagnosis: Diagnosis, reason: str, started: float) -> Diagnosis:
        diagnosis.summary = f"{diagnosis.summary} (The rules engine answered: {reason}.)"
        diagnosis.usage = {
            "engine": self.name,
            "model": self.model,
            "input_tokens": 0,
            "output_tokens": 0,
            "latency_ms": round((time.monotonic() - started) * 1000),
            "fallback": "rules",
            "reason": reason,
        }
        return diagnosis


def prompts(digest: Digest, candidates: list[Hypothesis]) -> tuple[str, str]:
    """The system instruction and the user turn, exactly as sent (the digest fenced as data)."""
    system = render(PROMPTS, "diagnose_system.jinja2", categories=CATEGORIES)
    user = render(
        PROMPTS,
        "diagnose_user.jinja2",
        title=fence(digest.title),
        window={k: fence(str(v)) for k, v in digest.window.items()},
        candidates=[Hypothesis(fence(c.category), fence(c.resource), c.confidence) for c in candidates],
        data=fence(digest.text),
    )
    return system, user


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()
