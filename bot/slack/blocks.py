"""Slack Block Kit for a job's one message: progress, the diagnosis, the fix and its buttons."""

from __future__ import annotations

from typing import Any

from bot.jobs.store import Job

DECIDED = {"approve": "approved", "reject": "rejected"}
STAGES = ("collecting", "digesting", "diagnosing", "writing fix")
Blocks = list[dict[str, Any]]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:2900]}]}


def escape(text: Any) -> str:
    """Text from outside (telemetry, a model, alert labels, an error) as Slack shows it: Slack's control
    characters as entities, so no `<!channel>`, no `<@U…>`, no `<https://…|disguised link>` can form, and
    no run of backticks that would open or close a code block."""
    shown = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return shown.replace("```", "\u02cb\u02cb\u02cb")


def code(text: Any) -> str:
    """Outside text for inside `inline code`: escaped, and a backtick cannot end the code span."""
    return escape(text).replace("`", "\u02cb")


code_block = escape  # inside a ``` block the same escaping holds: no ``` of its own can close it


def title(job: Job, finished: bool = False) -> str:
    verb = "Terraform fix for" if job.kind == "terraform" else "Diagnosis of" if finished else "Analyzing"
    source = job.args.alert_source
    if source:  # started by an alert webhook, not by a person: every name in it came from the alert
        severity = f", {escape(job.args.severity)}" if job.args.severity else ""
        name = code(job.args.alertname)
        return f"{verb} `{code(job.service)}` (job `{job.id[:8]}`, {escape(source)} alert `{name}`{severity})"
    return f"{verb} `{code(job.service)}` (job `{job.id[:8]}`, asked by <@{escape(job.user_id)}>)"


def resolved(args: dict[str, Any]) -> str:
    minutes = int(args["minutes"])
    return f":white_check_mark: `{code(args['alertname'])}` ({escape(args['source'])}) resolved after {minutes} min"


def storm(services: list[dict[str, Any]]) -> tuple[str, Blocks]:
    """One message for an alert storm: how many alerts, for which services, and the one job each got."""
    total = sum(s["alerts"] for s in services)
    text = f"Alert storm: {total} alerts for {len(services)} services; one diagnosis per service"
    lines = []
    for s in services[:20]:
        names = ", ".join(f"`{code(n)}`" for n, _ in sorted(s["names"].items(), key=lambda kv: -kv[1])[:3])
        more = f" and {len(s['names']) - 3} more" if len(s["names"]) > 3 else ""
        jobs = ", ".join(f"`{j[:8]}`" for j in sorted(s["jobs"])) or "none"
        lines.append(f"• `{code(s['service'])}`: {s['alerts']} alerts ({names}{more}) → job {jobs}")
    if len(services) > 20:
        lines.append(f"• and {len(services) - 20} more services")
    return text, [_section(f":rotating_light: *{text}*"), _section("\n".join(lines))]


def progress(job: Job, stage: str, elapsed: float) -> tuple[str, Blocks]:
    steps = " → ".join(f"*{s}*" if s == stage else s for s in STAGES)
    text = f"Cloud Doctor: {stage} ({escape(job.service)})"
    blocks = [_section(f":stethoscope: {title(job)}")]
    if job.args.summary:
        blocks.append(_context(f"Alert: {escape(job.args.summary)[:500]}"))
    return text, [*blocks, _context(f"{steps}  ·  {elapsed:.1f} s")]


def failed(job: Job, error: str, elapsed: float) -> tuple[str, Blocks]:
    return f"Cloud Doctor failed: {escape(error)}", [
        _section(f":x: {title(job)}\n*Failed:* {escape(error)}"),
        _context(f"after {elapsed:.1f} s · run `/analyze-logs {code(job.service)}` to try again"),
    ]


def _button(text: str, action: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def diagnosis(job: Job, result: dict[str, Any], elapsed: float) -> tuple[str, Blocks]:
    """Everything in it that a model or telemetry wrote is escaped: it shows as text, never as markup."""
    d, fix = result["diagnosis"], result.get("fix")
    category, resource = escape(d["category"]), escape(d["resource"])
    text = f"Cloud Doctor: {category} in {resource} ({d['confidence']:.0%})"
    blocks: Blocks = [
        _section(f":stethoscope: {title(job, finished=True)}"),
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*Category*\n{category}"},
            {"type": "mrkdwn", "text": f"*Resource*\n`{code(d['resource'])}`"},
            {"type": "mrkdwn", "text": f"*Confidence*\n{d['confidence']:.0%}"},
            {"type": "mrkdwn", "text": f"*Engine*\n{escape(d['engine'])}"},
        ]},
        _section(escape(d["summary"])),
    ]  # fmt: skip
    lines = [f"[{e['source']}] {e['text']}"[:300] for e in d["evidence"][:3]]
    if lines:
        blocks.append(_section("*Top evidence*\n```" + "\n".join(code_block(line) for line in lines) + "```"))
    runbook = (result.get("context") or {}).get("runbook")
    if runbook:  # from the settings or the alert's runbook_url annotation, checked to be a plain https link
        blocks.append(_context(f":blue_book: <{runbook}|Runbook for {escape(job.service)}>"))
    missing = [escape(m) for m in result.get("missing_sources") or []]
    blocks.append(
        _context(("Missing sources: " + "; ".join(missing) + " · ") * bool(missing) + f"done in {elapsed:.1f} s")
    )
    if job.kind == "terraform" and fix:
        checks = "  ".join(
            f":white_check_mark: {escape(c['name'])}" if c["passed"] else f":x: {escape(c['name'])}"
            for c in fix["checks"]
        )
        summary = escape(fix["summary"])
        blocks.append(_section(f"*Terraform fix* (risk: {escape(fix['risk'])}): {summary}\n{checks}"))
    elif job.kind == "terraform":
        blocks.append(_section("*No Terraform fix offered.* See the summary for what to do instead."))
    buttons = [_button("Show evidence", "show_evidence", job.id)]
    if job.kind == "analyze":
        buttons.insert(0, _button("Write Terraform fix", "write_fix", job.id, "primary"))
    elif fix:
        buttons += [
            _button("Approve", "approve_fix", job.id, "primary"),
            _button("Reject", "reject_fix", job.id, "danger"),
        ]
    buttons += [
        _button("Postmortem draft", "postmortem", job.id),
        _button("👍 Right", "feedback_up", job.id),
        _button("👎 Wrong", "feedback_down", job.id),
    ]
    blocks.append({"type": "actions", "block_id": f"job:{job.id}", "elements": buttons})
    blocks.append(_context("Ask me about this incident in this message's thread (why, what changed, the timeline…)."))
    return text, blocks


def answer(result: dict[str, Any]) -> Blocks:
    """A thread question's answer (already escaped where it quotes telemetry or a model)."""
    text = str(result["answer"])
    parts = [text[i : i + 2900] for i in range(0, min(len(text), 2900 * 4), 2900)]
    by = "Gemini, from this job's evidence" if result.get("engine") == "gemini" else "this job's evidence (offline)"
    # verbatim: Slack auto-links no URL and resolves no name in text a model or telemetry wrote
    sections = [{"type": "section", "text": {"type": "mrkdwn", "text": p, "verbatim": True}} for p in parts]
    return [*sections, _context(f"Answered from {by}.")]


def evidence(result: dict[str, Any]) -> str:
    d = result["diagnosis"]
    lines = [
        f"• [{escape(e['source'])}] `{code(e['ref'][:80])}`\n```{code_block(e['text'][:500])}```" for e in d["evidence"]
    ]
    alternatives = ", ".join(
        f"{escape(h['category'])} in {escape(h['resource'])} ({h['confidence']:.0%})" for h in d["hypotheses"]
    )
    return "\n".join(["*Evidence*", *lines, f"*Also considered:* {alternatives or 'nothing else'}"])


def decided(blocks: Blocks, action: str, user: str, diff_sha: str) -> Blocks:
    """The message's blocks with the buttons replaced by who decided, so nobody decides twice by accident."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    return [
        *kept,
        _context(
            f":{'white_check_mark' if action == 'approve' else 'no_entry'}: Fix {DECIDED[action]} by "
            f"<@{user}> · diff sha256 `{diff_sha[:12]}`"
        ),
    ]
