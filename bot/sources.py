"""Wiring live collection from the settings: which clusters and sources to ask about a service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.settings import Cluster, Settings
from collectors import Scope, Window
from collectors.cloudwatch import CloudWatchSource
from collectors.kubernetes import KubernetesSource
from collectors.live import LiveCollector, Source
from collectors.loki import LokiSource
from collectors.prometheus import PrometheusSource
from kernel import CloudDoctorError
from kernel.durations import is_duration, seconds


def since(text: str) -> timedelta:
    if not is_duration(text, "mhd"):
        raise CloudDoctorError(f"--since {text!r}: use minutes, hours or days such as 30m, 2h, 1d")
    return timedelta(seconds=seconds(text))


def scope_for(service: str, window: str, environment: str | None = None, cluster: str | None = None) -> Scope:
    """The last `window` (30m, 2h, 1d) of a service, until now."""
    return job_scope(service, {"since": window, "env": environment, "cluster": cluster})


def job_scope(service: str, args: dict[str, Any]) -> Scope:
    """What a job looks at, until now: from before its alert began (`window_start`, the settings' lookback;
    at least five minutes), or the last `since` (default 30m) when a person asked."""
    end = datetime.now(UTC).replace(microsecond=0)
    if "window_start" in args:
        start = min(datetime.fromtimestamp(float(args["window_start"]), UTC).replace(microsecond=0),
                    end - timedelta(minutes=5))  # fmt: skip
        title, source = f"{service}: {args.get('alert_source')} alert {args.get('alertname')}", args["alert_source"]
    else:
        start, title, source = end - since(args.get("since") or "30m"), f"{service}: live diagnosis", "cli"
    cluster = args.get("cluster")
    return Scope(
        title,
        Window(start, end),
        service=service,
        environment=args.get("env"),
        clusters=(cluster,) if cluster else (),
        source=str(source),
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
    sources: list[Source] = []
    for c in clusters_for(settings, service, cluster):
        if c.prometheus:
            p = c.prometheus
            auth = (p.basic_auth_user, c.secret(p.basic_auth_password_env) or "") if p.basic_auth_user else None
            sources.append(
                PrometheusSource(
                    c.name,
                    p.url,
                    p.namespace,
                    bearer_token=c.secret(p.bearer_token_env),
                    basic_auth=auth,
                    timeout_seconds=p.timeout_seconds,
                    max_points=p.max_points,
                    sigv4_region=p.sigv4_region,
                    max_series=p.max_series,
                )
            )
        if c.loki:
            loki = c.loki
            namespace = c.prometheus.namespace if c.prometheus else "default"
            selector = (loki.selector or f'{{namespace="{namespace}"}}').replace("{service}", service)
            sources.append(
                LokiSource(
                    c.name,
                    loki.url,
                    selector,
                    tenant=loki.tenant,
                    bearer_token=c.secret(loki.bearer_token_env),
                    timeout_seconds=loki.timeout_seconds,
                    max_error_lines=loki.max_error_lines,
                    sample_per_slice=loki.sample_per_slice,
                )
            )
        if c.kubernetes:
            k = c.kubernetes
            namespaces = k.namespaces or [c.prometheus.namespace if c.prometheus else "default"]
            sources.append(
                KubernetesSource(
                    c.name,
                    namespaces,
                    context=k.context,
                    in_cluster=k.in_cluster,
                    host=k.host,
                    token=c.secret(k.token_env),
                    timeout_seconds=k.timeout_seconds,
                )
            )
        if c.cloudwatch:
            cw = c.cloudwatch
            region = cw.region or c.region
            if not region:
                raise CloudDoctorError(f"clusters.{c.name}.cloudwatch: give a region (or the cluster's region)")
            sources.append(
                CloudWatchSource(
                    c.name,
                    region,
                    service,
                    cw.log_groups,
                    cw.metric_namespaces,
                    resources=cw.resources.get(service, []),
                    role_arn=cw.role_arn,
                    endpoint_url=cw.endpoint_url,
                    timeout_seconds=cw.timeout_seconds,
                    max_events=cw.max_events,
                )
            )
    if not sources:
        raise CloudDoctorError(
            f"the clusters serving {service!r} configure no source (prometheus, loki, kubernetes, cloudwatch)"
        )
    return sources


def live_collector(
    settings: Settings, service: str, cluster: str | None = None, concurrent: bool = True
) -> LiveCollector:
    return LiveCollector(sources_for(settings, service, cluster), concurrent=concurrent)
