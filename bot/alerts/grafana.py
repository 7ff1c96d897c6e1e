"""Grafana unified alerting's webhook (Alertmanager's alert list), and its route `POST /webhooks/grafana`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.alerts.alertmanager import receive_alert_list
from bot.alerts.hooks import AlertSource, Webhooks

if TYPE_CHECKING:
    from fastapi import Request


async def receive(hooks: Webhooks, request: Request) -> dict[str, Any]:
    return await receive_alert_list(hooks, request, "grafana")


SOURCE = AlertSource("grafana", "/webhooks/grafana", "a grafana webhook payload", receive)
