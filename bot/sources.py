"""Wiring live collection from the settings: which clusters and sources to ask about a service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.jobs.args import JobArgs
from bot.settings import Cluster, Settings
from collectors import Scope, Window
from collectors.base import ClusterContext, Source
from collectors.live import LiveCollector
from collectors.sources import SOURCES
from kernel import CloudDoctorError
from kernel.durations import is_duration, seconds


def since(text: str) -> timedelta:
    if not is_duration(text, "mhd"):
        raise CloudDoctorError(f"--since {text!r}: use minutes, hours or days such as 30m, 2h, 1d")
    return timedelta(seconds=seconds(text))


def scope_for(service: str, window: str, environment: str | None = None, cluster: str | None = None) -> Scope:
    """The last `window` (30m, 2h, 1d) of a service, until now."""
    return job_scope(service, JobArgs(since=window, env=environment, cluster=cluster))


def job_scope(service: str, args: JobArgs) -> Scope:
    """What a job looks at, until now: from before its alert began (`window_start`, the settings' lookback;
    at least five minutes), or the last `since` (default 30m) when a person asked."""
    end = datetime.now(UTC).replace(microsecond=0)
    if args.window_start is not None:
        start = min(datetime.fromtimestamp(float(args.window_start), UTC).replace(microsecond=0),
                    end - timedelta(minutes=5))  # fmt: skip
        title, source = f"{service}: {args.alert_source} alert {args.alertname}", str(args.alert_source)
    else:
        start, title, source = end - since(args.since or "30m"), f"{service}: live diagnosis", "cli"
    return Scope(
        title,
        Window(start, end),
        service=service,
        environment=args.env,
        clusters=(args.cluster,) if args.cluster else (),
        source=source,
    )


def clusters_for(settings: Settings, service: str, cluster: str | None = None) -> list[Cluster]:
    chosen = [
        c
        for c in settings.clusters
        if (not c.services or service in c.services) and (cluster is None or c.name == cluster)
    ]
    if not chosen:
        known = ", ".join(c.name for c in settings.clusters) or "none configured"
        raise CloudDoctorError(
            f"no configured cluster serves {service!r}"
            + (f" named {cluster!r}" if cluster else "")
            + f"; clusters: {known}"
        )
    return chosen


def sources_for(settings: Settings, service: str, cluster: str | None = None) -> list[Source]:
    """Every configured source of the clusters that serve the service, in the registry's order."""
    sources: list[Source] = []
    for c in clusters_for(settings, service, cluster):
        configs = {name: c.source_config(name) for name in SOURCES}
        context = ClusterContext(
            c.name, c.cloud, c.region, c.project, service, _namespace(configs.values()), secret=c.secret
        )
        sources += [SOURCES[name].live(config, context) for name, config in configs.items() if config is not None]
    if not sources:
        raise CloudDoctorError(f"the clusters serving {service!r} configure no source ({', '.join(SOURCES)})")
    return sources


def _namespace(configs: Any) -> str:
    """The cluster's namespace for the service: the first source block that names one, else "default"."""
    return next((str(c.namespace) for c in configs if getattr(c, "namespace", None)), "default")


def live_collector(
    settings: Settings, service: str, cluster: str | None = None, concurrent: bool = True
) -> LiveCollector:
    from analyzers import LogReduction

    # lines reduced as each source's answer is read: memory follows the kinds of lines, not their number
    return LiveCollector(sources_for(settings, service, cluster), concurrent=concurrent, logs=LogReduction)
