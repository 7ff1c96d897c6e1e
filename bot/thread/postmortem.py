"""A postmortem draft of a finished job, as markdown for its thread: the timeline from the alert and the job's
stages, the impact, the cause and its evidence, the fix and what was decided about it. A draft for people
to finish: what the job did not see (customer impact, who was paged) is left as a prompt, never made up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.thread.questions import timeline

if TYPE_CHECKING:
    from bot.jobs.store import Job, Store


def _at(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if ts is not None else "?"


def _md(text: Any) -> str:
    """Telemetry and model text inside the markdown: one line, no markup of its own."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("`", "'")


def postmortem(job: Job, store: Store) -> str:
    result = job.result or {}
    d, fix, context = result["diagnosis"], result.get("fix"), result.get("context") or {}
    incident = result.get("incident") or {}
    events = [(at, _md(text)) for at, text in timeline(result, context)]
    events.append((job.created_at, f"Cloud Doctor job `{job.id[:8]}` asked for ({job.kind}, by {_md(job.user_id)})"))
    stages = store.stages(job.id)
    ended = job.finished_at or job.updated_at  # stages are counted back from the end: time queued is not theirs
    begun = ended - sum(secs for _, secs in stages)
    for stage, secs in stages:
        begun += secs
        events.append((begun, f"Cloud Doctor finished {stage} ({secs:.1f} s)"))
    if job.finished_at is not None:
        events.append((job.finished_at, f"diagnosis posted: {_md(d['category'])} in {_md(d['resource'])}"))
    decision = store.decision(job.id)
    if decision:
        events.append((decision["at"], f"fix {decision['action']}d by {_md(decision['user_id'])}"))
    pull = store.pull_request(job.id)
    lines = [
        f"# Postmortem draft: {_md(incident.get('title') or job.service)}",
        "",
        f"_Drafted by Cloud Doctor from job `{job.id}` on {_at(job.finished_at)}. Everything below is what the job "
        "collected and concluded; check it, and fill in what it could not see._",
        "",
        "## Summary",
        "",
        f"**{_md(d['category'])}** in **{_md(d['resource'])}** (confidence {d['confidence']:.0%}, engine "
        f"{_md(d['engine'])}). {_md(d['summary'])}",
        "",
        "## Impact",
        "",
        f"- Service asked about: `{_md(job.service)}`; window {_at((context.get('window') or {}).get('start'))} to "
        f"{_at((context.get('window') or {}).get('end'))}.",
    ]
    if job.args.summary:
        lines.append(f"- Alert: {_md(job.args.alertname or '')} ({_md(job.args.severity or 'no severity')}): "
                     f"{_md(job.args.summary)}")  # fmt: skip
    if result.get("missing_sources"):
        lines.append("- Not seen (sources that failed): " + "; ".join(_md(m) for m in result["missing_sources"]))
    lines += ["- Customer impact, duration as users felt it, who was paged: _to fill in_.", "", "## Timeline", ""]
    lines += [f"- {_at(at)}: {text}" for at, text in sorted(events)]
    lines += ["", "## Root cause", "", _md(d["summary"]), "", "### Evidence", ""]
    lines += [f"- [{_md(e['source'])}] `{_md(e['text'])[:400]}`" for e in d["evidence"]] or ["- none quoted"]
    if d.get("hypotheses"):
        lines += ["", "### Also considered", ""]
        lines += [f"- {_md(h['category'])} in {_md(h['resource'])} ({h['confidence']:.0%})" for h in d["hypotheses"]]
    lines += ["", "## The fix", ""]
    if fix:
        lines += [f"{_md(fix['summary'])} (risk {_md(fix['risk'])}; files: {', '.join(_md(f) for f in fix['files'])})",
                  "", "```diff", fix["diff"].replace("```", "'''"), "```", ""]  # fmt: skip
        if decision:
            lines.append(f"Decision: {decision['action']}d by {_md(decision['user_id'])} at {_at(decision['at'])} "
                         f"(diff sha256 `{decision['diff_sha256'][:12]}`).")  # fmt: skip
        else:
            lines.append("Decision: none yet.")
        if pull and pull.get("url"):
            lines.append(f"Pull request: {pull['url']} ({_md(pull['state'])}).")
    else:
        lines.append("No Terraform fix was written for this job.")
    if context.get("runbook"):
        lines += ["", f"Runbook: {context['runbook']}"]
    lines += ["", "## Follow-ups", "", "- _to fill in_", ""]
    return "\n".join(lines)
