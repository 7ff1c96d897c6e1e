"""Terminal output prints telemetry, titles and model text verbatim: nothing from outside is Rich markup."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.console import Console

from bot.jobs.store import Job
from bot.pipeline import collect_bundle, diagnose
from bot.render import print_jobs, print_report
from tests.conftest import run_cli

HOSTILE = "[/x] [bold]not bold[/bold] [link=https://evil.example]click[/link] [red]"


def _poison(bundle: Path) -> None:
    """The decisive OOM line and the incident's title carry markup-looking text, as real logs can."""
    loki = bundle / "loki" / "shop.json"
    doc = json.loads(loki.read_text())
    for stream in doc["response"]["data"]["result"]:
        stream["values"] = [
            [ts, line.replace("OutOfMemoryError", f"OutOfMemoryError {HOSTILE}")] for ts, line in stream["values"]
        ]
    loki.write_text(json.dumps(doc))
    incident = json.loads((bundle / "incident.json").read_text())
    incident["title"] = "frontend [bold]5xx[/] spike [/x]"
    (bundle / "incident.json").write_text(json.dumps(incident))


def test_diagnose_prints_markup_looking_log_text_verbatim(copy_bundle) -> None:
    bundle = copy_bundle("checkout-oom")
    _poison(bundle)
    done = run_cli("diagnose", str(bundle), env={**os.environ, "COLUMNS": "400"})
    assert done.returncode == 0, done.stderr
    assert HOSTILE in done.stdout
    assert "frontend [bold]5xx[/] spike [/x]" in done.stdout
    assert "ERROR [pricing-refresh-1] com.acme.checkout.PricingCache" in done.stdout  # a thread name, not a tag


def test_a_markup_console_still_prints_outside_text_as_text(copy_bundle) -> None:
    """Even handed a console that parses markup, the report passes outside text as Text, never as markup."""
    bundle = copy_bundle("checkout-oom")
    _poison(bundle)
    report = diagnose(collect_bundle(bundle))
    console = Console(record=True, width=400, markup=True)
    print_report(report, console)
    job = Job.from_mapping(
        {
            "id": "j1",
            "kind": "analyze",
            "service": "[/oops]",
            "args": "{}",
            "channel": "C1",
            "user_id": "U1",
            "state": "failed",
            "stage": "failed",
            "error": "[bold]boom[/bold]",
            "message_ts": None,
            "result": None,
            "attempts": 1,
            "created_at": 0.0,
            "updated_at": 0.0,
            "finished_at": None,
        }
    )
    print_jobs([job], console)
    text = console.export_text()
    assert HOSTILE in text and "[/oops]" in text and "[bold]boom[/bold]" in text


def test_terminal_control_codes_in_telemetry_never_reach_the_terminal(copy_bundle) -> None:
    """An ESC sequence in a log line (colour, a cursor move, a title change) prints as a visible mark."""
    bundle = copy_bundle("checkout-oom")
    loki = bundle / "loki" / "shop.json"
    doc = json.loads(loki.read_text())
    for stream in doc["response"]["data"]["result"]:
        hostile = "OutOfMemoryError \x1b[31mred\x1b[0m \x1b]0;pwned\x07"
        stream["values"] = [[ts, line.replace("OutOfMemoryError", hostile)] for ts, line in stream["values"]]
    loki.write_text(json.dumps(doc))
    done = run_cli("diagnose", str(bundle), env={**os.environ, "COLUMNS": "400"})
    assert done.returncode == 0, done.stderr
    assert "OutOfMemoryError" in done.stdout and "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "\N{REPLACEMENT CHARACTER}[31mred" in done.stdout


def test_a_diff_is_colored_by_line_and_printed_as_text() -> None:
    from bot.render import diff_text

    diff = '--- a/x.tf\n+++ b/x.tf\n@@ -1 +1 @@\n-  memory = "512Mi" [red]\n+  memory = "1024Mi" \x1b[2J\n   cpu = 1\n'
    text = diff_text(diff)
    styled = {text.plain[s.start : s.end].rstrip("\n"): str(s.style) for s in text.spans}
    styled.update({line: "" for line in text.plain.splitlines() if line not in styled})
    assert styled['-  memory = "512Mi" [red]'] == "red" and styled["--- a/x.tf"] == "red"
    assert styled['+  memory = "1024Mi" \N{REPLACEMENT CHARACTER}[2J'] == "green"  # the escape printed as text
    assert styled["@@ -1 +1 @@"] == "cyan" and styled["   cpu = 1"] == ""
