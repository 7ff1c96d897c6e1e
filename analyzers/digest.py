"""Reduce Evidence to a Digest: redacted, ranked findings and the exact text a model reads, within a budget."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from analyzers.base import Digest, Finding
from analyzers.kube import kube_findings
from analyzers.log_stream import reduce_records, reduced_logs
from analyzers.log_templates import LogTemplate
from analyzers.metric_anomalies import score_metrics
from analyzers.redact import Redactor
from analyzers.signatures import LOG_SIGNATURES
from analyzers.traces import trace_findings, trace_records
from collectors import Evidence
from collectors.naming import workload_of

DEFAULT_TOKEN_BUDGET = 8000
CHARS_PER_TOKEN = 3.5
LEVEL_WEIGHT = {"error": 3.0, "warn": 1.5, "info": 0.5, "debug": 0.2}
# Words that mark a line as a failure signal rather than chatter (a small boost; detection is the rules' job).
SIGNAL = re.compile(
    r"(?i)oom|out of memory|killed|exception|traceback|panic|fatal|refused|timed? ?out|denied|forbidden|"
    r"throttl|rate exceeded|too many|no space|x509|certificate|unhealthy|not found|backoff|failed|unavailable"
)


def estimate_tokens(text: str) -> int:
    """Tokens as Cloud Doctor counts them: ceil(characters / 3.5), conservative for log text."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def build_digest(
    evidence: Evidence, token_budget: int = DEFAULT_TOKEN_BUDGET, redactor: Redactor | None = None
) -> tuple[Digest, list[LogTemplate]]:
    """Mine, score and rank everything in the evidence; the templates are returned for code-only engines."""
    redact = redactor or Redactor()
    logs = reduced_logs(evidence)  # a stream no label names (a log pipeline's own job label) is the scope's
    onset = logs.onset(evidence.alert)
    # the spans where a trace's failure starts are lines of their service, so the signatures read them too
    span_scope = replace(evidence.scope, service=None)  # a span's line is its own service's, never replaced
    traces = reduce_records(trace_records(evidence.spans), span_scope, evidence.alert) if evidence.spans else None
    templates = logs.templates(onset, also=traces)
    findings = _log_findings(templates, evidence, onset, logs.first_ts if len(logs) else onset)
    findings += score_metrics(evidence.metrics, onset)
    findings += kube_findings(evidence.kubernetes)
    findings += trace_findings(evidence.spans)
    findings += _alert_findings(evidence.alert)
    for f in findings:
        if _names_a_cause(f):  # the line that carries the reason is kept, however many lines out-log it
            f.score = round(f.score * 1.5 + CAUSE_BONUS, 3)
            f.attrs["names_cause"] = True
        f.text = redact(f.text)
        for key in ("template", "message"):
            if isinstance(f.attrs.get(key), str):
                f.attrs[key] = redact(f.attrs[key])
        if "examples" in f.attrs:
            f.attrs["examples"] = [redact(e) for e in f.attrs["examples"]]
    findings.sort(key=lambda f: -f.score)
    missing = [f"{s.source} ({s.ref}): {s.error}" for s in evidence.missing_sources]
    header = _header(evidence, onset, missing)
    text, included = _fit(header, findings, token_budget)
    digest = Digest(
        title=evidence.scope.title,
        window={"start": evidence.scope.window.start.isoformat(), "end": evidence.scope.window.end.isoformat()},
        onset=onset,
        findings=findings,
        included=included,
        text=text,
        tokens=estimate_tokens(text),
        token_budget=token_budget,
        redactions=dict(redact.counts),
        missing_sources=missing,
        log_lines=len(evidence.logs),
    )
    return digest, templates


CAUSE_BONUS = 4.0


def _names_a_cause(f: Finding) -> bool:
    """A log template or a Kubernetes message that a failure signature reads as a cause."""
    if f.kind == "log_template":
        texts = [str(f.attrs.get("template", "")), *f.attrs.get("examples", [])]
    elif f.kind == "kubernetes":
        texts = [f.text]
    else:
        return False
    return any(sig.pattern.search(t) for t in texts for sig in LOG_SIGNATURES)


def _log_findings(templates: list[LogTemplate], evidence: Evidence, onset: float, first: float) -> list[Finding]:
    baseline_seconds = max(onset - first, 0.0)
    during_seconds = max(evidence.scope.window.end_ts - onset, 60.0)
    findings = []
    for t in templates:
        change = t.change(baseline_seconds, during_seconds) if baseline_seconds > 60 else 1.0
        if change == float("inf"):
            change_weight, trend = 3.0, "NEW"
        elif change >= 3:
            change_weight, trend = min(3.0, 1 + math.log2(change) / 2), f"rose x{change:.0f}"
        elif change < 1.5:
            change_weight, trend = 0.25, "steady" if t.during else "stopped"
        else:
            change_weight, trend = 1.0, f"x{change:.1f}"
        volume = 1 + math.log10(t.during + 1) / 2
        boost = 1.5 if SIGNAL.search(t.template) else 1.0
        score = LEVEL_WEIGHT.get(t.level, 0.5) * change_weight * volume * boost
        resources = ", ".join(f"{r} x{n}" for r, n in t.resources.most_common(3))
        text = f"[{t.level} {trend}] {t.during} lines since onset, {t.baseline} before; from {resources}: {t.template}"
        if t.examples and t.examples[0] != t.template:
            text += f"\n    e.g. {t.examples[-1]}"
        top = t.resources.most_common(1)[0][0] if t.resources else "unknown"
        source, ref = next(iter(sorted(t.refs)), ("logs", ""))
        attrs: dict[str, Any] = {
            "template": t.template,
            "level": t.level,
            "during": t.during,
            "baseline": t.baseline,
            "change": change,
            "new": change == float("inf"),
            "examples": list(t.examples),
            "resources": dict(t.resources),
            "first_seen": t.first_seen,
            "baseline_known": baseline_seconds > 60,  # else no rate before the onset to compare with
            "pods": dict(t.pods.most_common(20)),
        }
        findings.append(Finding("log_template", source, ref, top, text, round(score, 3), attrs))
    return findings


MAX_ALERTS = 20


def _alert_findings(alert: dict[str, Any]) -> list[Finding]:
    findings = []
    if alert.get("Type") == "Notification" and isinstance(alert.get("Message"), str):  # SNS-delivered alarm
        try:
            unwrapped = json.loads(alert["Message"])
        except ValueError:
            unwrapped = None
        alert = unwrapped if isinstance(unwrapped, dict) else {}
    items: list[Any] = alert["alerts"] if isinstance(alert.get("alerts"), list) else []
    for a in items[:MAX_ALERTS]:  # a storm's payload: the first ones say what the rest would
        if not isinstance(a, dict):
            continue
        raw: dict[str, Any] = a["labels"] if isinstance(a.get("labels"), dict) else {}
        labels = {str(k): str(v) for k, v in raw.items() if isinstance(v, str | int | float) and v != ""}
        name = labels.get("alertname", "alert")
        resource = workload_of(labels) or ""
        annotations: dict[str, Any] = a["annotations"] if isinstance(a.get("annotations"), dict) else {}
        summary = str(annotations.get("summary", ""))
        text = f"alert {name} {a.get('status', 'firing')} for {resource or 'unknown'}: {summary}"
        findings.append(Finding("alert", "alert", name, resource, text.strip(": "), 0.5, {"labels": labels}))
    if "AlarmName" in alert:
        trigger = alert.get("Trigger") or {}
        dims = {d.get("name") or d.get("Name"): d.get("value") or d.get("Value") for d in trigger.get("Dimensions", [])}
        resource = next((str(v) for v in dims.values() if v), "")
        text = (
            f"CloudWatch alarm {alert['AlarmName']} {alert.get('NewStateValue', '')}: {alert.get('NewStateReason', '')}"
        )
        findings.append(Finding("alert", "alert", str(alert["AlarmName"]), resource, text, 0.5, {"dimensions": dims}))
    return findings


def _header(evidence: Evidence, onset: float, missing: list[str]) -> str:
    scope = evidence.scope
    lines = [
        f"INCIDENT: {scope.title}",
        f"WINDOW: {scope.window.start.isoformat()} to {scope.window.end.isoformat()}; "
        f"onset estimated at {datetime.fromtimestamp(onset, UTC).isoformat()}",
        f"HINTS: service={scope.service or '-'} environment={scope.environment or '-'} source={scope.source}",
        f"COLLECTED: {len(evidence.logs)} log lines, {len(evidence.metrics)} metric series, "
        f"{len(evidence.kubernetes)} Kubernetes objects"
        + (
            f", {len(evidence.spans)} spans of {len({s.trace_id for s in evidence.spans})} traces"
            if evidence.spans
            else ""
        ),
    ]
    if missing:
        lines.append("MISSING SOURCES: " + "; ".join(missing))
    return "\n".join(lines)


SECTIONS = (
    ("alert", "ALERT"),
    ("kubernetes", "KUBERNETES"),
    ("metric", "METRICS"),
    ("trace", "TRACES (calls between services, and where each failure starts)"),
    ("log_template", "LOG TEMPLATES (level, trend, lines since onset / before)"),
)


def _fit(header: str, findings: list[Finding], budget: int) -> tuple[str, int]:
    """Take findings best first while the whole text stays within the budget; render them by section."""
    reserve = estimate_tokens(header) + 40  # section titles and the omission note
    used, included = reserve, 0
    for f in findings:
        cost = estimate_tokens(f.text) + 1
        if used + cost > budget:
            break
        used += cost
        included += 1
    chosen = findings[:included]
    parts = [header]
    for kind, title in SECTIONS:
        lines = [f"- {f.text}" for f in chosen if f.kind == kind]
        if lines:
            parts.append(f"== {title} ==\n" + "\n".join(lines))
    if included < len(findings):
        parts.append(f"({len(findings) - included} lower-ranked findings omitted for the token budget)")
    return "\n".join(parts), included
