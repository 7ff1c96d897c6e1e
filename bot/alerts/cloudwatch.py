"""CloudWatch alarms delivered by SNS: the signed envelope, the alarm inside it, and `POST /webhooks/cloudwatch`."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from fastapi.concurrency import run_in_threadpool

from bot.alerts.base import Alert, PayloadError, Refused, object_of, timestamp
from bot.alerts.hooks import AlertSource
from bot.settings import Settings
from collectors.naming import RESOURCE_DIMENSIONS

if TYPE_CHECKING:
    from fastapi import Request

    from bot.alerts.hooks import Webhooks

log = logging.getLogger("cloud_doctor.webhooks")


def from_cloudwatch(message: str, settings: Settings) -> Alert:
    """A CloudWatch alarm state change, the `Message` of an SNS notification."""
    try:
        alarm = object_of(json.loads(message), "Message")
    except json.JSONDecodeError:
        raise PayloadError("Message: not a CloudWatch alarm (expected a JSON document)") from None
    name = alarm.get("AlarmName")
    if not isinstance(name, str) or not name:
        raise PayloadError("Message.AlarmName: missing; is this topic publishing CloudWatch alarms?")
    state = alarm.get("NewStateValue")
    if state not in ("ALARM", "OK", "INSUFFICIENT_DATA"):
        raise PayloadError(f"Message.NewStateValue: expected ALARM, OK or INSUFFICIENT_DATA, got {state!r}")
    trigger = object_of(alarm.get("Trigger") or {}, "Message.Trigger")
    dimensions = _dimensions(trigger)
    resource = next((dimensions[d] for d in RESOURCE_DIMENSIONS if dimensions.get(d)), None)
    if resource and dimensions.get("TargetGroup") == resource:  # targetgroup/<name>/<id>
        resource = resource.split("/")[1] if resource.count("/") == 2 else resource
    region = _arn_region(alarm.get("AlarmArn"))
    service, cluster = _aws_service(resource, region, settings)
    changed = timestamp(alarm.get("StateChangeTime"), "Message.StateChangeTime")
    firing = state == "ALARM"
    return Alert(
        source="cloudwatch",
        status="firing" if firing else "resolved",
        alertname=name,
        service=service,
        cluster=cluster,
        severity=None,
        # An OK closes the firing that the last ALARM opened: the store finds it by identity.
        starts_at=changed,
        ends_at=None if firing else changed,
        labels={k: str(v) for k, v in dimensions.items()} | {"region": region or ""},
        summary=str(alarm.get("NewStateReason") or ""),
    )


def _dimensions(trigger: dict[str, Any]) -> dict[str, str]:
    """Dimensions of a plain alarm, or of the metrics of a metric-math alarm."""
    found: list[Any] = _list(trigger.get("Dimensions"))
    for metric in _list(trigger.get("Metrics")):
        stat = metric.get("MetricStat") if isinstance(metric, dict) else None
        inner = stat.get("Metric") if isinstance(stat, dict) else None
        found += _list(inner.get("Dimensions")) if isinstance(inner, dict) else []
    dims: dict[str, str] = {}
    for d in found:
        if isinstance(d, dict):
            name, value = d.get("name") or d.get("Name"), d.get("value") or d.get("Value")
            if name and value:
                dims.setdefault(str(name), str(value))
    return dims


def _list(value: Any) -> list[Any]:
    """A list the alarm should hold there; anything else (an object, a number) holds nothing for us."""
    return value if isinstance(value, list) else []


def _arn_region(arn: Any) -> str | None:
    parts = str(arn or "").split(":")
    return parts[3] if len(parts) > 4 and parts[0] == "arn" else None


def _aws_service(resource: str | None, region: str | None, settings: Settings) -> tuple[str | None, str | None]:
    """The service a resource belongs to (a cluster's `cloudwatch.resources`), and the AWS cluster of the region."""
    aws = [c for c in settings.clusters if c.cloud == "aws" and (region is None or c.region == region)]
    for cluster in aws:
        cloudwatch = cluster.source_config("cloudwatch")
        for service, names in (cloudwatch.resources if cloudwatch else {}).items():
            if resource in names:
                return service, cluster.name
    return resource, aws[0].name if len(aws) == 1 else None


async def receive(hooks: Webhooks, request: Request) -> dict[str, Any]:
    """SNS signs the message: its signature, topic and age are checked instead of a token."""
    message = await run_in_threadpool(hooks.parse, await hooks.body(request))
    header = request.headers.get("x-amz-sns-message-type")
    if not isinstance(message, dict) or header != message.get("Type"):
        raise Refused(400, "x-amz-sns-message-type must name the message's Type (is this from SNS?)")
    await run_in_threadpool(hooks.sns.verify, message)
    if message["Type"] == "SubscriptionConfirmation":
        await run_in_threadpool(hooks.sns.confirm, message)
        log.warning("confirmed the SNS subscription to %s", message["TopicArn"])
        return {"confirmed": message["TopicArn"]}
    if message["Type"] == "UnsubscribeConfirmation":
        log.warning("SNS says %s unsubscribed this endpoint", message["TopicArn"])
        return {"unsubscribed": message["TopicArn"]}
    alert = from_cloudwatch(str(message.get("Message", "")), hooks.bot.settings)
    return await run_in_threadpool(hooks.store, [alert], message)


SOURCE = AlertSource("cloudwatch", "/webhooks/cloudwatch", "a CloudWatch alarm notification", receive)
