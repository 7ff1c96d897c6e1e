"""Follow-up questions in a job's thread, answered offline from what the job stored.

The questions people ask most (why, what else and why not, a service's evidence, what changed, the timeline,
the fix again, which sources answered, look again) are recognised by their words; anything else gets an
honest "I can't answer that offline" and the list of what can be answered. Every piece of telemetry shown is
the digest's (redacted) and escaped for Slack.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.slack.blocks import code, code_block, escape

MAX_LINES = 6


@dataclass(frozen=True, slots=True)
class Answer:
    text: str  # Slack mrkdwn, escaped
    intent: str  # which kind of question it was taken for ("unanswerable" when none)
    look_again: float | None = None  # a new diagnosis is wanted, from this unix time (None: no)


@dataclass(frozen=True, slots=True)
class Intent:
    name: str
    pattern: re.Pattern[str]
    answer: Callable[[str, dict[str, Any], dict[str, Any]], Answer]
    example: str


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _clock(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S") if ts is not None else "?"


def _quote(lines: list[str]) -> str:
    return "```" + "\n".join(code_block(line[:400]) for line in lines[:MAX_LINES]) + "```" if lines else ""


def _why(_q: str, result: dict[str, Any], context: dict[str, Any]) -> Answer:
    d = result["diagnosis"]
    if d["category"] == "unknown":
        return Answer(f"No cause was named: {escape(d['summary'])}", "why")
    lines = [f"[{e['source']}] {e['text']}" for e in d["evidence"]]
    text = (
        f"*{escape(d['category'])}* in `{code(d['resource'])}` ({d['confidence']:.0%}, {escape(d['engine'])}): "
        f"{escape(d['summary'])}\n*The deciding evidence*\n{_quote(lines)}"
    )
    return Answer(text, "why")


def _others(_q: str, result: dict[str, Any], context: dict[str, Any]) -> Answer:
    d = result["diagnosis"]
    if not d["hypotheses"]:
        if d["category"] == "unknown":
            return Answer(f"No cause matched the evidence, so there were no alternatives: {escape(d['summary'])}",
                          "others")  # fmt: skip
        return Answer(f"Nothing else was considered: only {escape(d['category'])} matched the evidence.", "others")
    lines = [f"The diagnosis: *{escape(d['category'])}* in `{code(d['resource'])}` ({d['confidence']:.0%})."]
    for h in d["hypotheses"][:5]:
        top = _strongest(context, h["resource"])
        why_not = f" Its strongest finding: {escape(top[:300])}" if top else " No finding of its own in the digest."
        lines.append(
            f"• {escape(h['category'])} in `{code(h['resource'])}` ({h['confidence']:.0%}): scored below the "
            f"diagnosis.{why_not}"
        )
    return Answer("\n".join(lines), "others")


def _strongest(context: dict[str, Any], resource: str) -> str | None:
    return next((f["text"] for f in context.get("findings", []) if f["resource"] == resource), None)


def _service_evidence(question: str, result: dict[str, Any], context: dict[str, Any]) -> Answer:
    named = _named_resource(question, context)
    if named is None:
        known = sorted({f["resource"] for f in context.get("findings", [])})[:12]
        listed = ", ".join(f"`{code(r)}`" for r in known) or "none"
        return Answer(f"Which service? The evidence names: {listed}.", "service")
    lines = [f"[{f['kind']}] {f['text']}" for f in context.get("findings", []) if f["resource"] == named]
    if not lines:
        return Answer(f"The digest holds nothing for `{code(named)}`.", "service")
    more = len(lines) - MAX_LINES
    tail = f"\n({more} more)" if more > 0 else ""
    return Answer(f"*Evidence for* `{code(named)}`, strongest first:\n{_quote(lines)}{tail}", "service")


def _named_resource(question: str, context: dict[str, Any]) -> str | None:
    words = set(re.findall(r"[\w.-]+", question.lower()))
    resources = sorted({f["resource"] for f in context.get("findings", [])}, key=len, reverse=True)
    return next((r for r in resources if r.lower() in words), None)


def _changes(_q: str, result: dict[str, Any], context: dict[str, Any]) -> Answer:
    changes = context.get("changes") or []
    kube = [s for s in context.get("sources") or [] if s["source"].startswith("kubernetes")]
    if not changes and not any(s["status"] == "ok" for s in kube):
        return Answer(
            "I can't tell: Kubernetes state was not collected for this job"
            + (f" ({escape(kube[0]['error'])})" if kube and kube[0].get("error") else "")
            + ", and rollouts are read from its ReplicaSets.",
            "changes",
        )
    if not changes:
        return Answer(
            "No rollout shows in the ReplicaSets collected (none created in the window or the hour before it). "
            "Config changes outside Kubernetes rollouts (a ConfigMap, a feature flag) are not collected.",
            "changes",
        )
    lines = [f"{_clock(c['at'])} {c['resource']}: {c['text']}" for c in changes]
    return Answer(f"*What changed* (ReplicaSets created around the incident):\n{_quote(lines)}", "changes")


def _timeline(_q: str, result: dict[str, Any], context: dict[str, Any]) -> Answer:
    events = timeline(result, context)
    return Answer("*Timeline* (UTC)\n" + _quote([f"{_clock(at)} {text}" for at, text in events][:12]), "timeline")


def timeline(result: dict[str, Any], context: dict[str, Any]) -> list[tuple[float, str]]:
    """The incident as the job saw it: window, alert, onset, first sight of new lines, rollouts."""
    window = context.get("window") or {}
    events: list[tuple[float, str]] = []
    if window.get("start") is not None:
        events.append((window["start"], "window starts"))
    if context.get("alert_start") is not None:
        events.append((context["alert_start"], "the alert started firing"))
    if context.get("onset") is not None:
        events.append((context["onset"], "onset (the error rate's change point)"))
    for f in context.get("findings", []):
        if f.get("at") is not None and (f.get("new") or f["kind"] == "kubernetes"):
            events.append((f["at"], f"first seen: {f['text'].splitlines()[0][:200]}"))
    for c in context.get("changes", []):
        events.append((c["at"], f"rollout: {c['text'][:200]}"))
    if window.get("end") is not None:
        events.append((window["end"], "window ends"))
    return sorted(set(events))


def _fix(_q: str, result: dict[str, Any], context: dict[str, Any]) -> Answer:
    fix = result.get("fix")
    if not fix:
        return Answer(
            f"No Terraform fix on this job. {escape(result['diagnosis']['summary'])}\n"
            "Press *Write Terraform fix* on the diagnosis for one.",
            "fix",
        )
    checks = ", ".join(f"{escape(c['name'])} {'passed' if c['passed'] else 'FAILED'}" for c in fix["checks"])
    files = ", ".join(f"`{code(f)}`" for f in fix["files"])
    diff = fix["diff"] if len(fix["diff"]) < 2500 else fix["diff"][:2500] + "\n…"
    return Answer(
        f"*The fix* (risk {escape(fix['risk'])}): {escape(fix['summary'])}\nFiles: {files}\nChecks: {checks}\n"
        f"```{code_block(diff)}```",
        "fix",
    )


def _sources(_q: str, result: dict[str, Any], context: dict[str, Any]) -> Answer:
    sources = context.get("sources") or []
    failed = [s for s in sources if s["status"] == "error"]
    ok = sorted({s["source"] for s in sources if s["status"] == "ok"})
    lines = [f"Answered: {', '.join(escape(s) for s in ok) or 'none'}."]
    lines += [f"• {escape(s['source'])} ({escape(s['ref'])}) failed: {escape(s['error'])}" for s in failed[:10]]
    return Answer("\n".join(lines), "sources")


_SINCE = re.compile(r"\bsince\s+(\d{1,2}):(\d{2})\b", re.IGNORECASE)


def _look_again(question: str, result: dict[str, Any], context: dict[str, Any]) -> Answer:
    now = time.time()
    since = now - 1800.0
    found = _SINCE.search(question)
    if found:
        hour, minute = int(found.group(1)), int(found.group(2))
        if hour < 24 and minute < 60:
            day = datetime.fromtimestamp(now, UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
            at = day.timestamp()
            since = at if at <= now else at - 86400  # 23:50 asked at 00:10 is yesterday's
    return Answer(f"Looking again since {_clock(since)} UTC.", "look_again", look_again=since)


def _help(_q: str, result: dict[str, Any], context: dict[str, Any]) -> Answer:
    return Answer("I can answer, from what this job collected:\n" + examples(), "help")


INTENTS = (
    Intent("look_again", _re(r"\b(look|check|diagnose|analy[sz]e)\s+again\b|\bre-?(run|check|analy[sz]e)\b"),
           _look_again, "look again (since 10:05)"),
    Intent("fix", _re(r"\b(fix|terraform|diff|patch|remediat\w*)\b"), _fix, "show the fix again"),
    Intent("changes", _re(r"\bwhat\b.*\bchang|\b(deploy\w*|rollouts?|releases?|config\w* changes?)\b"),
           _changes, "what changed?"),
    Intent("timeline", _re(r"\b(timeline|when|what happened|sequence)\b"), _timeline, "the timeline"),
    Intent("others", _re(r"\b(other|else|alternatives?|why not|hypothes[ie]s|could it (be|have been)|"
                         r"rul(e|ed|ing) out|instead|might it be)\b"),
           _others, "what else did you consider, and why not?"),
    Intent("sources", _re(r"\b(sources?|missing|what did you (look|check)|collected)\b"), _sources,
           "which sources answered?"),
    Intent("service", _re(r"\b(logs?|evidence|errors?|metrics?|lines?)\b.*\b(of|for|from|in)\b|\bshow\b"),
           _service_evidence, "logs of checkout"),
    Intent("why", _re(r"\b(why|cause|reason|how (do|did) you know|explain|evidence)\b"), _why,
           "why? (the deciding evidence)"),
    Intent("help", _re(r"^\s*(help|\?|what can you (do|answer))"), _help, "help"),
)  # fmt: skip


def examples() -> str:
    return "\n".join(f"• _{escape(i.example)}_" for i in INTENTS if i.name != "help")


def answer_offline(question: str, result: dict[str, Any]) -> Answer:
    """The answer to one question about a finished job's result (its `context` included)."""
    context = result.get("context") or {}
    for intent in INTENTS:
        if intent.pattern.search(question):
            return intent.answer(question, result, context)
    return Answer(
        "I can't answer that offline: without a model configured I answer only what this job's evidence "
        "says directly. Try one of these:\n" + examples(),
        "unanswerable",
    )
