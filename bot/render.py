"""A diagnosis report for a person at a terminal (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table

from bot.pipeline import Report


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
