"""The `cloud-doctor` command line: diagnose, digest and validate incident bundles."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from collectors import BundleCollector
from kernel import CloudDoctorError, InputError, Problem

F = TypeVar("F", bound=Callable[..., Any])
BUNDLE = click.Path(path_type=Path)


def _stderr(message: str) -> None:
    click.echo(message, err=True)


def friendly(func: F) -> F:
    """Bad input exits 2 with a message; nothing a person did wrong ends in a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CloudDoctorError as exc:
            _stderr(f"cloud-doctor: {exc}")
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(package_name="cloud-doctor")
def main() -> None:
    """Cloud Doctor: find the root cause of an incident and write the Terraform fix."""


@main.command()
@click.argument("bundle", type=BUNDLE, required=False)
@click.option("--service", help="diagnose live: collect from the clusters configured for this service")
@click.option("--since", default="30m", show_default=True, help="live window, e.g. 30m, 2h")
@click.option("--cluster", help="live: only this configured cluster")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--diagnoser", default="rules", show_default=True, help="rules (offline) | gemini")
@click.option("--prescriber", default="templates", show_default=True, help="templates (offline) | bedrock")
@click.option(
    "--token-budget",
    type=click.IntRange(500, 1_000_000),
    help="digest size in tokens [default: digest.token_budget of the settings, else 8000]",
)
@click.option(
    "--chart",
    type=click.Path(path_type=Path, dir_okay=False),
    help="also write the deciding metric's chart here (PNG), as the bot posts it in the thread",
)
@friendly
def diagnose(
    bundle: Path | None,
    service: str | None,
    since: str,
    cluster: str | None,
    fmt: str,
    diagnoser: str,
    prescriber: str,
    token_budget: int | None,
    chart: Path | None,
) -> None:
    """Diagnose an incident bundle (or a service, live) and propose a Terraform fix."""
    from analyzers.digest import DEFAULT_TOKEN_BUDGET
    from bot.pipeline import diagnose as run

    if (bundle is None) == (service is None):
        raise CloudDoctorError("give a BUNDLE directory, or --service NAME to collect live (not both)")
    started = time.perf_counter()
    needs_settings = service is not None or {diagnoser, prescriber} - {"rules", "templates"}
    settings = None
    if needs_settings or os.environ.get("CLOUD_DOCTOR_CONFIG"):  # the offline path never imports pydantic-settings
        from bot.settings import load_settings

        settings = load_settings()
    evidence = _collect(bundle, service, since, cluster, settings)
    options = settings.engine_options() if settings else None
    token_budget = token_budget or (settings.digest.token_budget if settings else DEFAULT_TOKEN_BUDGET)
    report = run(
        evidence, token_budget, diagnoser, prescriber, progress=lambda _stage, detail: _stderr(detail), options=options
    )
    _stderr(f"done in {time.perf_counter() - started:.2f}s")
    if chart is not None:
        _write_chart(report, chart)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        from bot.render import print_report

        print_report(report)


def _write_chart(report: Any, out: Path) -> None:
    from bot.chart import render_chart
    from bot.thread.context import deciding_chart

    drawn = deciding_chart(report)
    if drawn is None:
        _stderr(f"no chart written to {out}: no metric series decided this diagnosis (it rests on logs or state)")
        return
    try:
        out.write_bytes(render_chart(drawn))
    except OSError as exc:
        raise CloudDoctorError(f"cannot write the chart to {out}: {exc.strerror}") from None
    _stderr(f"chart of {drawn['title']} written to {out}")


def _collect(bundle: Path | None, service: str | None, since: str, cluster: str | None, settings: Any) -> Any:
    if bundle is not None:
        from bot.pipeline import collect_bundle

        _stderr(f"reading {bundle}")
        if (bundle / "terraform").is_dir():
            _say_if_the_hcl_parser_is_cold()
        return collect_bundle(bundle)
    from bot.sources import live_collector, scope_for

    assert service is not None
    collector = live_collector(settings, service, cluster)
    _stderr(f"collecting {since} of {service} from {len(collector.sources)} sources")
    evidence = collector.collect(scope_for(service, since, cluster=cluster))
    if settings.terraform.path:
        evidence.terraform_dir = str(settings.terraform.path)
    for missing in evidence.missing_sources:
        _stderr(f"missing {missing.source}: {missing.error}")
    return evidence


@main.command("record")
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--service", required=True, help="collect from the clusters configured for this service")
@click.option("--since", default="30m", show_default=True)
@click.option("--cluster", help="only this configured cluster")
@friendly
def record_command(out_dir: Path, service: str, since: str, cluster: str | None) -> None:
    """Collect live telemetry for a service and save it as an incident bundle."""
    from bot.settings import load_settings
    from collectors.live import record

    if out_dir.exists() and any(out_dir.iterdir()):
        raise CloudDoctorError(f"{out_dir} is not empty; give a new directory so nothing stored is overwritten")
    evidence = _collect(None, service, since, cluster, load_settings())
    evidence.terraform_dir = None
    record(evidence, out_dir)
    click.echo(
        f"recorded {len(evidence.documents)} documents, {len(evidence.logs)} log lines, "
        f"{len(evidence.metrics)} series into {out_dir}"
        + (f" ({len(evidence.missing_sources)} sources missing)" if evidence.missing_sources else "")
    )


@main.command()
@click.argument("bundle", type=BUNDLE)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="json", show_default=True)
@click.option(
    "--token-budget",
    type=click.IntRange(500, 1_000_000),
    help="digest size in tokens [default: digest.token_budget of the settings, else 8000]",
)
@friendly
def digest(bundle: Path, fmt: str, token_budget: int | None) -> None:
    """Print exactly what a model would be given for this bundle."""
    from bot.pipeline import digest_bundle

    if token_budget is None:
        token_budget = _configured_budget()

    result = digest_bundle(bundle, token_budget)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        click.echo(result.text)
        _stderr(f"{result.tokens} tokens (budget {result.token_budget}), redactions: {result.redactions}")


@main.command()
@click.argument("bundle", type=BUNDLE)
def validate(bundle: Path) -> None:
    """Check a bundle against the format and list every problem."""
    problems = BundleCollector(bundle).problems()
    problems += _terraform_problems(bundle)
    if problems:
        _stderr(f"cloud-doctor: {InputError(problems, what=f'bundle {bundle}')}")
        sys.exit(2)
    click.echo(f"{bundle}: valid")


@main.command("eval")
@click.argument("folder", type=BUNDLE)
@click.option("--diagnoser", default="rules", show_default=True, help="rules | gemini")
@click.option("--prescriber", default="templates", show_default=True, help="templates | bedrock")
@click.option("--record", "record", type=click.Path(path_type=Path), help="store the models' answers here")
@click.option("--replay", "replay", type=click.Path(path_type=Path), help="answer from answers stored here")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@friendly
def evaluate_command(
    folder: Path, diagnoser: str, prescriber: str, record: Path | None, replay: Path | None, fmt: str
) -> None:
    """Diagnose every bundle below FOLDER that has an expected.json and report the accuracy."""
    from bot.evaluate import evaluate, summary
    from bot.settings import load_settings
    from kernel.cassette import Cassette

    if record and replay:
        raise CloudDoctorError("--record and --replay exclude each other")
    options = load_settings().engine_options()
    if record or replay:
        cassette = Cassette(record or replay, "record" if record else "replay")  # type: ignore[arg-type]
        for name in ("gemini", "bedrock"):
            options[name]["cassette"] = cassette

    def progress(done: int, total: int, name: str) -> None:
        _stderr(f"[{done + 1}/{total}] {name}" if name else f"evaluated {total} bundles")

    report = summary(evaluate(folder, diagnoser, prescriber, options, progress=progress))
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
        return
    from bot.render import print_evaluation

    print_evaluation(report)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), envvar="PORT")
@friendly
def serve(host: str, port: int) -> None:
    """Serve the Slack app, health and metrics routes, and run the job workers."""
    import socket

    import uvicorn

    from bot.app import create_app
    from bot.settings import load_settings

    settings = load_settings(require_slack=True)
    try:  # bound before anything starts, so a busy port is one clear line and exit 3, not a traceback
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family)
    except OSError as exc:
        _stderr(f"cloud-doctor: cannot listen on {host}:{port}: {exc.strerror}; stop what holds it or pass --port")
        sys.exit(3)
    store = settings.store_url.split("@")[-1]

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:  # the app has started (workers too) and the socket is listening
                _stderr(f"cloud-doctor serving on http://{host}:{port} (store {store})")

    # httptools parses HTTP in C: under a burst of commands h11's pure-Python parser was a fifth of the
    # web process's CPU (profiled), and the acknowledgements wait on that one core.
    from bot.logs import configure

    configure()  # uvicorn's loggers propagate to root's one handler (JSON lines on Cloud Run)
    config = uvicorn.Config(
        create_app(settings), host=host, port=port, log_level="warning", access_log=False, http="httptools",
        log_config=None,
    )  # fmt: skip
    Server(config).run(sockets=[sock])


@main.group()
def jobs() -> None:
    """Jobs, diagnoses, fixes and the approval audit trail from the store."""


@jobs.command("list")
@click.option("--limit", default=20, show_default=True)
@friendly
def jobs_list(limit: int) -> None:
    """The latest jobs."""
    from bot.render import print_jobs

    store = _store()
    recent = store.recent(limit) if store is not None else []
    if not recent:
        click.echo("No jobs yet: they appear here once `/analyze-logs`, `/terraform` or an alert starts one.")
        return
    print_jobs(recent)


@jobs.command("show")
@click.argument("job_id")
@friendly
def jobs_show(job_id: str) -> None:
    """One job: its diagnosis, its fix and who approved or rejected it."""
    from bot.render import print_job

    store = _store()
    job = store.find(job_id) if store is not None else None
    if job is None:
        raise CloudDoctorError(f"no job matches {job_id!r}; `cloud-doctor jobs list` shows the ids")
    print_job(job, store.audit_trail(job.id))


@main.group()
def feedback() -> None:
    """What people said of diagnoses (👍 / 👎 in Slack)."""


@feedback.command("export")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@friendly
def feedback_export(out_dir: Path) -> None:
    """Write each judged incident as a bundle with its expected.json (then: cloud-doctor eval OUT_DIR)."""
    from bot.thread.export import export_feedback

    store = _store()
    exported = export_feedback(store, out_dir) if store is not None else []
    written = [e for e in exported if e.path is not None]
    for e in exported:
        _stderr(f"{e.job_id[:8]}: {e.path}" if e.path else f"{e.job_id[:8]}: not exported: {e.why}")
    click.echo(f"exported {len(written)} judged incidents to {out_dir}" + (
        f"; run `cloud-doctor eval {out_dir}`" if written else " (no answers stored yet)"))  # fmt: skip


def _configured_budget() -> int:
    """`digest.token_budget` when a settings file is in use (reading it costs a fraction of a second)."""
    from analyzers.digest import DEFAULT_TOKEN_BUDGET

    if not os.environ.get("CLOUD_DOCTOR_CONFIG"):
        return DEFAULT_TOKEN_BUDGET
    from bot.settings import load_settings

    return load_settings().digest.token_budget


def _store() -> Any:
    """The configured store; None when it is a SQLite file that does not exist yet (reading creates nothing)."""
    from bot.jobs.store import Store
    from bot.settings import load_settings

    url = load_settings().store_url
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
        return None
    return Store(url)


def _say_if_the_hcl_parser_is_cold() -> None:
    """Parsing Terraform no run parsed before may first build python-hcl2's parser (the image builds it at build
    time): say so when it does, rather than look hung."""
    from prescribers import on_cold_parser

    on_cold_parser(lambda: _stderr("building python-hcl2's parser cache (once after installing; a few seconds)"))


def _terraform_problems(bundle: Path) -> list[Problem]:
    tf = bundle / "terraform"
    if not tf.is_dir():
        return []
    from prescribers import TerraformIndex

    try:
        TerraformIndex(tf)
    except InputError as exc:
        return exc.problems
    return []


if __name__ == "__main__":
    main()
