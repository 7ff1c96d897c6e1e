"""Alertmanager's webhook (version 4): the alert list, and its route `POST /webhooks/alertmanager`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.concurrency import run_in_threadpool

from bot.alerts.base import Alert, PayloadError, cluster_of, object_of, service_of, strings_of, timestamp
from bot.alerts.hooks import AlertSource, Webhooks

if TYPE_CHECKING:
    from fastapi import Request


def alert_list(doc: Any, source: str) -> list[Alert]:
    """Alertmanager v4 and Grafana share the alert list's shape (labels, annotations, startsAt, endsAt)."""
    doc = object_of(doc, "body")
    if source == "alertmanager" and str(doc.get("version", "")) != "4":
        raise PayloadError(f'version: expected Alertmanager\'s webhook version "4", got {doc.get("version")!r}')
    items = doc.get("alerts")
    if not isinstance(items, list):
        raise PayloadError("alerts: expected a list of alerts")
    common = strings_of(doc.get("commonLabels"), "commonLabels")
    alerts = []
    for i, raw in enumerate(items):
        item = object_of(raw, f"alerts[{i}]")
        labels = {**common, **strings_of(item.get("labels"), f"alerts[{i}].labels")}
        annotations = strings_of(item.get("annotations"), f"alerts[{i}].annotations")
        status = item.get("status", doc.get("status"))
        if status not in ("firing", "resolved"):
            raise PayloadError(f"alerts[{i}].status: expected firing or resolved, got {status!r}")
        ends = item.get("endsAt")
        ends_at = timestamp(ends, f"alerts[{i}].endsAt") if status == "resolved" and ends else None
        alerts.append(
            Alert(
                source=source,
                status=status,
                alertname=labels.get("alertname") or labels.get("__alert_rule_title__") or "alert",
                service=service_of(labels),
                cluster=cluster_of(labels),
                severity=labels.get("severity"),
                starts_at=timestamp(item.get("startsAt"), f"alerts[{i}].startsAt"),
                ends_at=ends_at,
                labels=labels,
                summary=annotations.get("summary") or annotations.get("description") or "",
            )
        )
    return alerts


async def receive_alert_list(hooks: Webhooks, request: Request, source: str) -> dict[str, Any]:
    """The token webhooks: authenticated, then the body read within its limit, then the alerts stored."""
    hooks.authenticate(request)
    raw = await hooks.body(request)

    def take() -> dict[str, Any]:  # parsing and reading thousands of alerts is no work for the event loop
        doc = hooks.parse(raw)
        return hooks.store(alert_list(doc, source), doc)

    return await run_in_threadpool(take)


async def receive(hooks: Webhooks, request: Request) -> dict[str, Any]:
    return await receive_alert_list(hooks, request, "alertmanager")


SOURCE = AlertSource("alertmanager", "/webhooks/alertmanager", "an alertmanager webhook payload", receive)
