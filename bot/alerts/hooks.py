"""What every alert webhook does: authenticate, read the body within its limit, store the alerts in one go.

Every request is authenticated before its body is read (a bearer token or basic auth, compared in constant
time; for SNS, the message signature), its size is capped, and its alerts are stored in one transaction:
a request is either wholly stored or not at all.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request
from sqlalchemy.exc import OperationalError

from bot.alerts.base import Alert, Refused, channel_for
from bot.alerts.intake import AlertIntake, AlertPolicy
from bot.alerts.sns import SnsVerifier
from bot.body import BodyRefused, read_capped
from kernel.durations import seconds

if TYPE_CHECKING:
    from bot.context import Bot

log = logging.getLogger("cloud_doctor.webhooks")


class Webhooks:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        settings = bot.settings
        hooks = settings.webhooks
        self.policy = AlertPolicy(
            cooldown=seconds(hooks.cooldown),
            group_window=seconds(hooks.group_window),
            lookback=seconds(hooks.lookback),
            storm_threshold=hooks.storm_threshold,
            storm_settle=seconds(hooks.storm_settle),
        )
        token = settings.cloud_doctor_webhook_token
        self._bearer = f"Bearer {token.get_secret_value()}".encode() if token else None
        basic = f"{hooks.basic_auth_user}:{token.get_secret_value()}".encode() if token else b""
        self._basic = b"Basic " + base64.b64encode(basic) if token else None
        self.sns = SnsVerifier(hooks.sns_topics, hooks.sns_certificates)
        self.intake = AlertIntake(bot.store)

    def authenticate(self, request: Request) -> None:
        if self._bearer is None or self._basic is None:
            raise Refused(401, "alert webhooks are off: set CLOUD_DOCTOR_WEBHOOK_TOKEN on the bot")
        given = request.headers.get("authorization", "").encode()
        # Both comparisons always run: the time taken says nothing about which scheme came close.
        bearer_ok = hmac.compare_digest(given, self._bearer)
        basic_ok = hmac.compare_digest(_normalised_basic(given), self._basic)
        if not (bearer_ok or basic_ok):
            raise Refused(
                401,
                "missing or wrong credentials: send Authorization: Bearer <CLOUD_DOCTOR_WEBHOOK_TOKEN> or basic auth",
                {"WWW-Authenticate": 'Bearer realm="cloud-doctor", Basic realm="cloud-doctor"'},
            )

    async def body(self, request: Request) -> bytes:
        """The raw body, read no further than the size limit and no longer than `bot.body.READ_SECONDS`."""
        try:
            return await read_capped(request, self.bot.settings.webhooks.max_body_bytes, "webhooks.max_body_bytes")
        except BodyRefused as exc:
            raise Refused(exc.status, exc.reason) from None

    @staticmethod
    def parse(raw: bytes) -> Any:
        """The body's JSON. Called off the event loop: a large body takes its time in a worker thread."""
        try:
            return json.loads(raw)
        except UnicodeDecodeError:
            raise Refused(400, "the body is not UTF-8 JSON") from None
        except json.JSONDecodeError as exc:
            raise Refused(400, f"the body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        except RecursionError:
            raise Refused(400, "the body nests deeper than any alert payload does") from None
        except ValueError as exc:  # e.g. an integer of more digits than Python converts (4,300)
            raise Refused(400, f"the body is not JSON we can read: {exc}") from None

    def store(self, alerts: list[Alert], payload: dict[str, Any]) -> dict[str, Any]:
        """Scope, route and store the alerts; answer with what became of each."""
        settings = self.bot.settings
        known = set(settings.known_services())
        outcomes: list[str] = []
        keep: list[tuple[Alert, str]] = []
        for alert in alerts:
            channel = channel_for(alert, settings)
            if alert.service is None:
                outcomes.append("unscoped")  # no label names a service
            elif alert.service not in known and not settings.serves_live(alert.service):
                outcomes.append("unknown-service")
            elif channel is None:
                outcomes.append("no-channel")
            else:
                keep.append((alert, channel))
                continue
            log.warning("alert %s from %s not diagnosed: %s (service %r)", alert.alertname, alert.source,
                        outcomes[-1], alert.service)  # fmt: skip
        if keep:
            try:
                outcomes += self.intake.record(keep, payload, self.policy)
            except OperationalError:  # a lock held elsewhere past the web process's wait: nothing stored
                raise Refused(503, "the store is busy; nothing was stored, send again", {"Retry-After": "5"}) from None
        counts = Counter(outcomes)
        source = alerts[0].source if alerts else "unknown"
        for outcome, n in counts.items():
            self.bot.metrics.alerts.labels(source, outcome).inc(n)
        if counts["new"] or counts["resolved"]:
            self.bot.workers.wake()
        return {"received": len(alerts), "outcomes": dict(sorted(counts.items()))}


def _normalised_basic(header: bytes) -> bytes:
    """`Basic <base64>` re-encoded canonically (padding, case of the scheme), or b"" when it is not basic auth."""
    scheme, _, value = header.partition(b" ")
    if scheme.lower() != b"basic":
        return b""
    try:
        return b"Basic " + base64.b64encode(base64.b64decode(value.strip(), validate=True))
    except (binascii.Error, ValueError):
        return b""


@dataclass(frozen=True, slots=True)
class AlertSource:
    """An alert webhook: its route, what its body is (for a 400's message), and how a request is received."""

    name: str  # the `source` of its alerts and the label of its metrics
    path: str
    payload: str  # "an alertmanager webhook payload": a 400 says the body is not this
    receive: Callable[[Webhooks, Request], Awaitable[dict[str, Any]]]
