"""A diagnosis report for a person at a terminal (rich)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table

from bot.pipeline import Report
from bot.store import Job


def print_report(report: Report, console: Console | None = None) -> None:
    out = console or Console()
    d, p = report.diagnosis, report.prescription
    out.print(
        Panel.fit(
            f"[bold]{d.category}[/bold] in [bold cyan]{d.resource}[/bold cyan]  "
            f"confidence {d.confidence:.0%}  (engine: {d.engine})\n\n{d.summary}",
            title=f"Cloud Doctor — {report.evidence.scope.title}",
        )
    )
    if d.evidence:
        table = Table(title="Evidence", show_lines=False, expand=True)
        table.add_column("source", style="dim", no_wrap=True)
        table.add_column("where", style="dim", overflow="fold", max_width=40)
        table.add_column("line")
        for line in d.evidence:
            table.add_row(line.source, line.ref, line.text)
        out.print(table)
    if d.hypotheses:
        alt = Table(title="Also considered")
        for col in ("category", "resource", "confidence"):
            alt.add_column(col)
        for h in d.hypotheses:
            alt.add_row(h.category, h.resource, f"{h.confidence:.0%}")
        out.print(alt)
    if p.fix is None:
        out.print(Panel(p.advice, title="No Terraform fix offered", border_style="yellow"))
    else:
        checks = "  ".join(f"[green]✔ {c.name}[/green]" if c.passed else f"[red]✘ {c.name}[/red]" for c in p.fix.checks)
        out.print(
            Panel(
                f"{p.fix.summary}\nrisk: {p.fix.risk}\n{checks}",
                title="Terraform fix (review, then apply through your pipeline)",
                border_style="green",
            )
        )
        out.print(Syntax(p.fix.diff, "diff", theme="ansi_dark", word_wrap=True))
    digest = report.digest
    out.print(
        f"[dim]{digest.log_lines} log lines → {len(digest.findings)} findings → digest of {digest.tokens} "
        f"tokens; redacted {sum(digest.redactions.values())} secrets; "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in report.timings.items())
        + "[/dim]"
    )


def print_jobs(jobs: list[Job], console: Console | None = None) -> None:
    out = console or Console()
    table = Table(title="Jobs (newest first)")
    for col in ("id", "created", "kind", "service", "state", "stage", "result"):
        table.add_column(col)
    for job in jobs:
        d = (job.result or {}).get("diagnosis") or {}
        result = f"{d.get('category')} in {d.get('resource')}" if d else (job.error or "")
        table.add_row(job.id[:8], _when(job.created_at), job.kind, job.service, job.state, job.stage, result)
    out.print(table)


def print_job(job: Job, trail: list[dict[str, Any]], console: Console | None = None) -> None:
    out = console or Console()
    out.print(
        f"[bold]job {job.id}[/bold]  {job.kind} {job.service}  state {job.state} ({job.stage}), "
        f"{job.attempts} attempt(s), created {_when(job.created_at)} by {job.user_id} in {job.channel}"
    )
    if job.error:
        out.print(f"[red]error:[/red] {job.error}")
    if job.result:
        d, fix = job.result["diagnosis"], job.result.get("fix")
        out.print(
            Panel(
                f"{d['category']} in {d['resource']} ({d['confidence']:.0%}, {d['engine']})\n{d['summary']}",
                title="Diagnosis",
            )
        )
        if fix:
            out.print(Panel(f"{fix['summary']} (risk {fix['risk']})", title="Fix"))
            out.print(Syntax(fix["diff"], "diff", theme="ansi_dark"))
    if trail:
        table = Table(title="Audit trail")
        for col in ("when", "action", "who", "diff sha256"):
            table.add_column(col)
        for entry in trail:
            table.add_row(_when(entry["at"]), entry["action"], entry["user_id"], entry["diff_sha256"])
        out.print(table)
    else:
        out.print("[dim]No approval or rejection recorded.[/dim]")


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def print_evaluation(report: dict[str, Any], console: Console | None = None) -> None:
    out = console or Console()
    table = Table(title="Evaluation")
    for col in ("bundle", "expected", "got", "diagnosis", "fix", "engines", "tokens in/out"):
        table.add_column(col)
    for r in report["results"]:
        ok = r["category_ok"] and r["resource_ok"]
        table.add_row(
            r["bundle"],
            r["expected"],
            r["got"],
            "[green]✔[/green]" if ok else "[red]✘[/red]",
            "[green]✔[/green]" if r["fix_ok"] else "[red]✘[/red]",
            r["engines"],
            f"{r['input_tokens']}/{r['output_tokens']}",
        )
    out.print(table)
    out.print(
        f"{report['bundles']} bundles: diagnosis {report['diagnosis_accuracy']:.0%} (category "
        f"{report['category_accuracy']:.0%}, resource {report['resource_accuracy']:.0%}), fix "
        f"{report['fix_agreement']:.0%}; tokens {report['input_tokens']} in, {report['output_tokens']} out"
    )
