"""Webhook bodies as Alertmanager (v4), Grafana and SNS send them, and an SNS signer with a local key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from bot.alerts.sns import string_to_sign

TOPIC = "arn:aws:sns:us-east-1:123456789012:cloud-doctor-alarms"
CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem"


def iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def alert(
    name: str, labels: dict[str, str], status: str = "firing", starts: dt.datetime | None = None, **extra: Any
) -> dict[str, Any]:
    starts = starts or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)
    ends = iso(starts + dt.timedelta(minutes=12)) if status == "resolved" else "0001-01-01T00:00:00Z"
    return {
        "status": status,
        "labels": {"alertname": name, **labels},
        "annotations": {"summary": f"{name} on {labels.get('service', '?')}"},
        "startsAt": iso(starts),
        "endsAt": ends,
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up",
        "fingerprint": uuid.uuid4().hex[:16],
        **extra,
    }


def alertmanager(*alerts: dict[str, Any], status: str | None = None) -> dict[str, Any]:
    return {
        "version": "4",
        "groupKey": '{}:{alertname="' + alerts[0]["labels"]["alertname"] + '"}',
        "truncatedAlerts": 0,
        "status": status or alerts[0]["status"],
        "receiver": "cloud-doctor",
        "groupLabels": {"alertname": alerts[0]["labels"]["alertname"]},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts),
    }


def grafana(*alerts: dict[str, Any]) -> dict[str, Any]:
    for a in alerts:
        a.setdefault("values", {"B": 22.0, "C": 1})
        a.setdefault("valueString", "[ var='B' labels={} value=22 ]")
        a.setdefault("dashboardURL", "")
        a.setdefault("panelURL", "")
        a.setdefault("silenceURL", "")
    return {
        "receiver": "cloud-doctor",
        "status": alerts[0]["status"],
        "orgId": 1,
        "alerts": list(alerts),
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://grafana:3000/",
        "version": "1",
        "groupKey": "{}/{}:{}",
        "truncatedAlerts": 0,
        "title": "[FIRING:1] Grafana alert",
        "state": "alerting",
        "message": "**Firing**",
    }


def alarm(name: str, dimensions: dict[str, str], state: str = "ALARM", at: dt.datetime | None = None) -> str:
    """A CloudWatch alarm state change as SNS delivers it in `Message` (dimensions in lower case, as sent)."""
    at = at or dt.datetime.now(dt.UTC)
    return json.dumps(
        {
            "AlarmName": name,
            "AlarmDescription": None,
            "AWSAccountId": "123456789012",
            "NewStateValue": state,
            "NewStateReason": "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).",
            "StateChangeTime": at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000",
            "Region": "US East (N. Virginia)",
            "AlarmArn": f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}",
            "OldStateValue": "OK" if state == "ALARM" else "ALARM",
            "Trigger": {
                "MetricName": "Errors",
                "Namespace": "AWS/Lambda",
                "Statistic": "SUM",
                "Dimensions": [{"value": v, "name": k} for k, v in dimensions.items()],
                "Period": 60,
                "EvaluationPeriods": 1,
                "ComparisonOperator": "GreaterThanThreshold",
                "Threshold": 5.0,
            },
        }
    )


class SnsSigner:
    """Signs SNS messages the way SNS does, with a key generated here; its certificate is pinned to CERT_URL."""

    def __init__(self, directory: Path) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        self.pem = cert.public_bytes(serialization.Encoding.PEM)
        self.path = directory / "sns-test-cert.pem"
        self.path.write_bytes(self.pem)

    def sign(self, message: dict[str, Any], version: str = "2") -> dict[str, Any]:
        message = {**message, "SignatureVersion": version, "SigningCertURL": message.get("SigningCertURL", CERT_URL)}
        digest = hashes.SHA256() if version == "2" else hashes.SHA1()
        signature = self.key.sign(string_to_sign(message), padding.PKCS1v15(), digest)
        return {**message, "Signature": base64.b64encode(signature).decode()}

    def notification(self, body: str, version: str = "2", **overrides: Any) -> dict[str, Any]:
        message = {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": TOPIC,
            "Subject": 'ALARM: "checkout-errors" in US East (N. Virginia)',
            "Message": body,
            "Timestamp": iso(dt.datetime.now(dt.UTC)),
            "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
            **overrides,
        }
        return self.sign(message, version)

    def confirmation(self, subscribe_url: str) -> dict[str, Any]:
        message = {
            "Type": "SubscriptionConfirmation",
            "MessageId": str(uuid.uuid4()),
            "Token": "2336412f37fb687f5d51e6e2425c464de",
            "TopicArn": TOPIC,
            "Message": f"You have chosen to subscribe to the topic {TOPIC}.",
            "SubscribeURL": subscribe_url,
            "Timestamp": iso(dt.datetime.now(dt.UTC)),
        }
        return self.sign(message, "1")
