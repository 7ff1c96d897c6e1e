"""The alert webhook routes: one per alert source (one module each), every refusal a status and a reason."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request, Response

from bot.alerts import alertmanager, cloudwatch, grafana
from bot.alerts.base import PayloadError, Refused
from bot.alerts.hooks import AlertSource, Webhooks
from bot.alerts.sns import SnsRefused

if TYPE_CHECKING:
    from bot.context import Bot

SOURCES: tuple[AlertSource, ...] = (alertmanager.SOURCE, grafana.SOURCE, cloudwatch.SOURCE)


def _answer(status: int, doc: dict[str, object], headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(doc), status_code=status, media_type="application/json", headers=headers)


def register(api: FastAPI, bot: Bot) -> None:
    hooks = Webhooks(bot)
    api.state.webhooks = hooks
    for source in SOURCES:
        api.router.add_route(source.path, _endpoint(hooks, source), methods=["POST"], include_in_schema=False)


def _endpoint(hooks: Webhooks, source: AlertSource) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        """Run the source's receiver; every refusal becomes its status and a message saying why."""
        started = time.perf_counter()
        try:
            return _answer(200, await source.receive(hooks, request))
        except Refused as exc:
            return _answer(exc.status, {"error": exc.message}, exc.headers)
        except SnsRefused as exc:
            return _answer(403, {"error": f"SNS message refused: {exc}"})
        except PayloadError as exc:
            return _answer(400, {"error": f"not {source.payload}: {exc}"})
        finally:
            hooks.bot.metrics.webhook_seconds.labels(source.name).observe(time.perf_counter() - started)

    return endpoint
