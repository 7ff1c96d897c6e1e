"""What a model or telemetry wrote reaches Slack as text: no mention, no link, no escape from a code block."""

from __future__ import annotations

import json
import re

from bot.jobs.args import JobArgs
from bot.jobs.store import Job
from bot.slack import blocks

HOSTILE = "<!channel> <https://evil.example|Click to approve> <@U0BOSS> & ``` *bold* `tick`"


def _job(kind: str = "terraform", **args: object) -> Job:
    return Job(
        "3f0c1d2e-0000-4000-8000-000000000001", kind, f"checkout{HOSTILE}", JobArgs(**args), "C1", "U0ME",  # type: ignore[arg-type]
        "running", "digesting", None, None, None, 1, 0.0, 0.0, None,
    )  # fmt: skip


def _result() -> dict[str, object]:
    line = {"source": f"loki{HOSTILE}", "ref": f"ref{HOSTILE}", "text": f"ERROR {HOSTILE}"}
    return {
        "diagnosis": {
            "category": f"memory_exhaustion{HOSTILE}", "resource": f"checkout{HOSTILE}", "confidence": 0.9,
            "summary": f"It broke. {HOSTILE}", "engine": f"gemini{HOSTILE}", "evidence": [line, line],
            "hypotheses": [{"category": f"x{HOSTILE}", "resource": f"y{HOSTILE}", "confidence": 0.1}],
        },
        "fix": {
            "summary": f"Double it {HOSTILE}", "risk": f"low{HOSTILE}", "diff": "",
            "checks": [{"name": f"hcl_parses{HOSTILE}", "passed": True, "detail": ""}],
        },
        "missing_sources": [f"loki:eks (q): 503 {HOSTILE}"],
    }  # fmt: skip


def _texts(*parts: object) -> str:
    return json.dumps(parts, ensure_ascii=False)


def _assert_inert(rendered: str) -> None:
    assert "<!channel>" not in rendered and "<https://" not in rendered and "<@U0BOSS>" not in rendered
    assert "&lt;!channel&gt;" in rendered  # shown, as text
    # Outside text never holds three backticks of its own: every ``` left is one of ours, so they pair up.
    assert len(re.findall("```", rendered)) % 2 == 0


def test_a_diagnosis_escapes_everything_a_model_or_telemetry_wrote() -> None:
    text, content = blocks.diagnosis(_job(), _result(), 1.0)
    rendered = _texts(text, content)
    _assert_inert(rendered)
    assert "Double it" in rendered and "It broke." in rendered


def test_progress_failure_evidence_and_alert_notes_escape_too() -> None:
    alert = _job("analyze", alert_source="alertmanager", alertname=f"High{HOSTILE}", summary=HOSTILE, severity="x")
    for rendered in (
        _texts(*blocks.progress(alert, "digesting", 1.0)),
        _texts(*blocks.failed(alert, f"Loki said {HOSTILE}", 2.0)),
        _texts(blocks.evidence(_result())),
        _texts(blocks.resolved({"alertname": HOSTILE, "source": "grafana", "minutes": 3})),
        _texts(*blocks.storm([{"service": HOSTILE, "alerts": 3, "names": {HOSTILE: 3}, "jobs": ["abc"]}])),
    ):
        _assert_inert(rendered)


def test_inline_code_cannot_be_closed_by_a_backtick() -> None:
    assert "`" not in blocks.code("a`b")
    assert "```" not in blocks.code_block("x ``` y")
