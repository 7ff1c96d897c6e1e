"""A diagnosis report for a person at a terminal (rich).

Everything that comes from telemetry, a model, a bundle or a person is printed as text, never as Rich
markup: a log line such as `ERROR [pricing-refresh-1] …` or `[/x]` must appear exactly as it was logged.
Only the fixed labels of this module carry styles, and they are built as `Text` parts, not markup strings.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.pipeline import Report

if TYPE_CHECKING:  # the job store (SQLAlchemy, 0.26 s to import) is for `jobs`, not for printing a diagnosis
    from bot.jobs.store import Job

# Terminal control characters (ESC and the rest of C0 but tab and newline, DEL, C1): a log line carrying
# `\x1b[31m` or a cursor move must print as text, not drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_DIFF_STYLES = (("+", "green"), ("-", "red"), ("@", "cyan"), ("diff ", "bold"), ("index ", "bold"))


def diff_text(diff: str) -> Text:
    """A unified diff, each line colored by its prefix as a diff lexer would (as text: no markup is read)."""
    out = Text()
    for line in clean(diff).splitlines(keepends=True):
        out.append(line, style=next((style for prefix, style in _DIFF_STYLES if line.startswith(prefix)), ""))
    return out


def clean(text: object) -> str:
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(text))


def _data(text: object, style: str = "") -> Text:
    """Text from outside (telemetry, a model, a bundle, a person): no markup, no terminal control."""
    return Text(clean(text), style=style)


def _text(*parts: str | Text | tuple[str, str]) -> Text:
    """Plain strings stay plain; (text, style) pairs are styled. Nothing is parsed as markup."""
    return Text.assemble(*(clean(p) if isinstance(p, str) else p for p in parts))


def _console(console: Console | None) -> Console:
    return console or Console(markup=False, emoji=False, highlight=False)


def _title(text: str) -> Text:
    return _data(text)  # a panel or table title from the incident is data too


def print_report(report: Report, console: Console | None = None) -> None:
    out = _console(console)
    d, p = report.diagnosis, report.prescription
    head = _text(
        (d.category, "bold"), " in ", (d.resource, "bold cyan"),
        f"  confidence {d.confidence:.0%}  (engine: {d.engine})\n\n", d.summary,
    )  # fmt: skip
    out.print(Panel.fit(head, title=_title(f"Cloud Doctor — {report.evidence.scope.title}")))
    if d.evidence:
        table = Table(title="Evidence", show_lines=False, expand=True)
        table.add_column("source", style="dim", no_wrap=True)
        table.add_column("where", style="dim", overflow="fold", max_width=40)
        table.add_column("line", overflow="fold")
        for line in d.evidence:
            table.add_row(_data(line.source), _data(line.ref), _data(line.text))
        out.print(table)
    if d.hypotheses:
        alt = Table(title="Also considered")
        for col in ("category", "resource", "confidence"):
            alt.add_column(col, overflow="fold")
        for h in d.hypotheses:
            alt.add_row(_data(h.category), _data(h.resource), f"{h.confidence:.0%}")
        out.print(alt)
    if p.fix is None:
        out.print(Panel(_data(p.advice), title="No Terraform fix offered", border_style="yellow"))
    else:
        checks = Text("  ").join(
            Text(f"✔ {c.name}", style="green") if c.passed else Text(f"✘ {c.name}", style="red") for c in p.fix.checks
        )
        body = Group(_data(f"{p.fix.summary}\nrisk: {p.fix.risk}"), checks)
        out.print(Panel(body, title="Terraform fix (review, then apply through your pipeline)", border_style="green"))
        out.print(diff_text(p.fix.diff))
    digest = report.digest
    out.print(
        _data(
            f"{digest.log_lines} log lines → {len(digest.findings)} findings → digest of {digest.tokens} "
            f"tokens; redacted {sum(digest.redactions.values())} secrets; "
            + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in report.timings.items()),
            style="dim",
        )
    )


def print_jobs(jobs: list[Job], console: Console | None = None) -> None:
    out = _console(console)
    table = Table(title="Jobs (newest first)")
    for col in ("id", "created", "kind", "service", "state", "stage", "result"):
        table.add_column(col, overflow="fold")
    for job in jobs:
        d = (job.result or {}).get("diagnosis") or {}
        result = f"{d.get('category')} in {d.get('resource')}" if d else (job.error or "")
        if job.kind == "question":  # a question in a diagnosis's thread: what was asked, about which job
            result = f"asked about {(job.args.from_job or '')[:8]}: {job.args.question or ''}"[:120]
        cells = (job.id[:8], _when(job.created_at), job.kind, job.service, job.state, job.stage, result)
        table.add_row(*(_data(str(c)) for c in cells))
    out.print(table)


def print_job(job: Job, trail: list[dict[str, Any]], console: Console | None = None) -> None:
    out = _console(console)
    out.print(
        _text(
            (f"job {job.id}", "bold"),
            f"  {job.kind} {job.service}  state {job.state} ({job.stage}), "
            f"{job.attempts} attempt(s), created {_when(job.created_at)} by {job.user_id} in {job.channel}",
        )
    )
    if job.error:
        out.print(_text(("error: ", "red"), job.error))
    if job.result and "answer" in job.result:  # a thread question's job
        out.print(Panel(_data(f"Q: {job.result.get('question', '')}\nA: {job.result['answer']}"),
                        title=f"Question about job {(job.args.from_job or '')[:8]}"))  # fmt: skip
    elif job.result and "diagnosis" in job.result:
        d, fix = job.result["diagnosis"], job.result.get("fix")
        out.print(
            Panel(
                _data(f"{d['category']} in {d['resource']} ({d['confidence']:.0%}, {d['engine']})\n{d['summary']}"),
                title="Diagnosis",
            )
        )
        if fix:
            out.print(Panel(_data(f"{fix['summary']} (risk {fix['risk']})"), title="Fix"))
            out.print(diff_text(fix["diff"]))
    if trail:
        table = Table(title="Audit trail")
        for col in ("when", "action", "who", "diff sha256"):
            table.add_column(col, overflow="fold")
        for entry in trail:
            cells = (_when(entry["at"]), entry["action"], entry["user_id"], entry["diff_sha256"])
            table.add_row(*(_data(str(c)) for c in cells))
        out.print(table)
    else:
        out.print(Text("No approval or rejection recorded.", style="dim"))


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _mark(ok: bool) -> Text:
    return Text("✔", style="green") if ok else Text("✘", style="red")


def print_evaluation(report: dict[str, Any], console: Console | None = None) -> None:
    """A table on a wide terminal; below 120 columns one wrapped line per bundle, so no name is ever cut."""
    out = _console(console)
    tokens = any(r["input_tokens"] or r["output_tokens"] for r in report["results"])
    if out.width >= 120:
        table = Table(title="Evaluation")
        for col in ("bundle", "expected", "got"):
            table.add_column(col, overflow="fold")
        for col in ("diagnosis", "fix"):
            table.add_column(col, no_wrap=True, justify="center")
        table.add_column("engines", overflow="fold")
        if tokens:
            table.add_column("tokens in/out", no_wrap=True)
        for r in report["results"]:
            cells: list[Text | str] = [_data(r["bundle"]), _data(r["expected"]), _data(r["got"])]
            cells += [_mark(r["category_ok"] and r["resource_ok"]), _mark(r["fix_ok"]), _data(r["engines"])]
            table.add_row(*cells, *([f"{r['input_tokens']}/{r['output_tokens']}"] if tokens else []))
        out.print(table)
    else:
        for r in report["results"]:
            line = _text(
                _mark(r["category_ok"] and r["resource_ok"]), " diagnosis ", _mark(r["fix_ok"]), " fix  ",
                (r["bundle"], "bold"), f": got {r['got']}, expected {r['expected']} ({r['engines']}",
            )  # fmt: skip
            line.append(f", tokens {r['input_tokens']}/{r['output_tokens']})" if tokens else ")")
            out.print(line)
    for title, groups in (("by platform", report.get("by_platform")), ("by category", report.get("by_category"))):
        if groups and len(groups) > 1:
            out.print(_data(f"{title}: " + ", ".join(f"{name} {right}/{n}" for name, (right, n) in groups.items())))
    kept, named = report.get("decisive_kept", [0, 0])
    if named:
        out.print(_data(f"decisive line kept in the digest: {kept}/{named}"))
    out.print(
        _data(
            f"{report['bundles']} bundles: diagnosis {report['diagnosis_accuracy']:.0%} (category "
            f"{report['category_accuracy']:.0%}, resource {report['resource_accuracy']:.0%}), fix "
            f"{report['fix_agreement']:.0%}; tokens {report['input_tokens']} in, {report['output_tokens']} out"
        )
    )
