"""Amazon SNS over HTTPS: verify each message's signature, confirm subscriptions, refuse everything else.

The signing certificate comes only from `https://sns.<region>.amazonaws.com/…` (fetched once, then cached)
or from `webhooks.sns_certificates`, certificates pinned in the settings for a SigningCertURL: hosts that
cannot reach SNS, and the tests, which sign with a key of their own. A pinned URL must still be an SNS URL.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # cryptography and requests load on first use: the settings import this module's URL rule
    from cryptography import x509

SNS_HOST = re.compile(r"^sns\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com$")
MAX_AGE = timedelta(hours=1)  # SNS retries an HTTP endpoint for minutes by default, not hours
TYPES = ("Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation")
# The fields signed, in order, by message type (AWS: "Verifying the signatures of Amazon SNS messages").
SIGNED = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
    "UnsubscribeConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
}
HASHES = {"1": "SHA1", "2": "SHA256"}  # SignatureVersion -> the digest signed with RSA PKCS#1 v1.5


class SnsRefused(Exception):
    """Why a message is not accepted (it becomes a 403 with this text)."""


def is_sns_url(url: Any) -> bool:
    """`https://sns.<region>.amazonaws.com/...`: no other scheme, host, port or credentials."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return (
        parts.scheme == "https"
        and parts.port is None
        and parts.username is None
        and bool(SNS_HOST.match(parts.hostname or ""))
        and parts.netloc == parts.hostname
    )


class FetchFailed(Exception):
    """The certificate or the confirmation URL could not be fetched."""


def _fetch(url: str) -> bytes:
    import requests

    try:
        response = requests.get(url, timeout=10, allow_redirects=False)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise FetchFailed(str(exc)) from None
    return response.content


class SnsVerifier:
    def __init__(
        self,
        topics: list[str],
        pinned: dict[str, Path] | None = None,
        fetch: Callable[[str], bytes] = _fetch,
    ) -> None:
        self.topics = set(topics)
        self.fetch = fetch
        self._certs: dict[str, x509.Certificate] = {}
        self._lock = threading.Lock()
        for url, path in (pinned or {}).items():
            if not is_sns_url(url):
                raise ValueError(f"webhooks.sns_certificates: {url} is not an https://sns.<region>.amazonaws.com/ URL")
            self._certs[url] = _certificate(path.read_bytes())

    def verify(self, message: Any, now: datetime | None = None) -> dict[str, Any]:
        """The message if SNS signed it for one of our topics, recently; else SnsRefused says why."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding, rsa

        if not isinstance(message, dict):
            raise SnsRefused("not an SNS message (expected a JSON object)")
        kind = message.get("Type")
        if kind not in TYPES:
            raise SnsRefused(f"Type: expected one of {', '.join(TYPES)}, got {kind!r}")
        signed = [message.get(k) for k in SIGNED[kind] if message.get(k) is not None]
        if not all(isinstance(v, str) for v in [*signed, message.get("Signature"), message.get("SigningCertURL")]):
            raise SnsRefused("the signed fields, Signature and SigningCertURL must be strings")
        if message.get("TopicArn") not in self.topics:
            raise SnsRefused(f"TopicArn {message.get('TopicArn')!r} is not in webhooks.sns_topics")
        version = str(message.get("SignatureVersion"))
        if version not in HASHES:
            raise SnsRefused(f"SignatureVersion: expected 1 or 2, got {message.get('SignatureVersion')!r}")
        url = message.get("SigningCertURL")
        if not is_sns_url(url):
            raise SnsRefused(f"SigningCertURL {url!r} is not an https://sns.<region>.amazonaws.com/ URL")
        try:
            signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
        except ValueError:
            raise SnsRefused("Signature: not base64") from None
        certificate = self._certificate(str(url))
        moment = now or datetime.now(UTC)
        if not certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc:
            raise SnsRefused(f"the signing certificate from {url} is not valid now (expired or not yet valid)")
        public_key = certificate.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise SnsRefused("the signing certificate does not hold an RSA key")
        try:
            digest = getattr(hashes, HASHES[version])()
            public_key.verify(signature, string_to_sign(message), padding.PKCS1v15(), digest)
        except InvalidSignature:
            raise SnsRefused("the signature does not match the message") from None
        sent = _sent_at(message.get("Timestamp"))
        if abs(moment - sent) > MAX_AGE:
            raise SnsRefused(f"Timestamp {message.get('Timestamp')} is more than an hour away: a replay?")
        return message

    def _certificate(self, url: str) -> x509.Certificate:
        with self._lock:
            cached = self._certs.get(url)
        if cached is not None:
            return cached
        try:
            cert = _certificate(self.fetch(url))
        except (FetchFailed, ValueError) as exc:
            raise SnsRefused(f"cannot get the signing certificate from {url}: {exc}") from None
        with self._lock:
            self._certs[url] = cert
        return cert

    def confirm(self, message: dict[str, Any]) -> None:
        """Visit a verified SubscriptionConfirmation's SubscribeURL, which must be SNS's own."""
        url = message.get("SubscribeURL")
        if not is_sns_url(url):
            raise SnsRefused(f"SubscribeURL {url!r} is not an https://sns.<region>.amazonaws.com/ URL")
        try:
            self.fetch(str(url))
        except FetchFailed as exc:
            raise SnsRefused(f"confirming the subscription failed: {exc}") from None


def _certificate(pem: bytes) -> x509.Certificate:
    from cryptography import x509  # loaded by the first certificate, not with the web process

    return x509.load_pem_x509_certificate(pem)


def string_to_sign(message: dict[str, Any]) -> bytes:
    """`name\\nvalue\\n` for each signed field present, in AWS's order."""
    fields = SIGNED[str(message["Type"])]
    return "".join(f"{k}\n{message[k]}\n" for k in fields if message.get(k) is not None).encode()


def _sent_at(value: Any) -> datetime:
    try:
        sent = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise SnsRefused(f"Timestamp: {value!r} is not an ISO 8601 time") from None
    return sent if sent.tzinfo else sent.replace(tzinfo=UTC)
