"""What an EKS API server does with a bearer token: decode the presigned STS URL, refuse what EKS refuses,
check its SigV4 signature, then run it against STS (here moto's server) and accept the identity it returns.

Refused as aws-iam-authenticator refuses: not `k8s-aws-v1.`, not an STS GetCallerIdentity URL, the
`x-k8s-aws-id` header not signed or naming another cluster, older than 15 minutes, a signature that does
not match (the stand-in knows the secret of the keys moto accepts), or STS refusing it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qsl, quote, urlsplit

import requests

PREFIX = "k8s-aws-v1."
EMPTY_BODY = hashlib.sha256(b"").hexdigest()  # a GET's payload hash: only S3 presigns UNSIGNED-PAYLOAD


class EksTokenVerifier:
    def __init__(self, cluster: str, sts_url: str, secrets: dict[str, str]) -> None:
        self.cluster, self.sts_url, self.secrets = cluster, sts_url.rstrip("/"), secrets
        self.refusals: list[str] = []

    def __call__(self, bearer: str) -> bool:
        reason = self.refusal(bearer)
        if reason:
            self.refusals.append(reason)
        return reason is None

    def refusal(self, bearer: str) -> str | None:
        if not bearer.startswith(PREFIX):
            return "not a k8s-aws-v1 token"
        body = bearer[len(PREFIX) :]
        try:
            url = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return "not base64url"
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if query.get("Action") != "GetCallerIdentity" or query.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
            return "not a presigned GetCallerIdentity"
        signed = query.get("X-Amz-SignedHeaders", "").split(";")
        if "x-k8s-aws-id" not in signed:
            return "x-k8s-aws-id is not signed"
        stamp = dt.datetime.strptime(query.get("X-Amz-Date", ""), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        if dt.datetime.now(dt.UTC) - stamp > dt.timedelta(minutes=15):
            return "expired"
        if not self._signature_matches(parts.netloc, parts.path or "/", query, signed):
            return "signature does not match"
        # moto's server picks the service from an Authorization header and does not read query-string
        # signatures (checked above), so the same credential and signature travel as a header too.
        routed = (f"AWS4-HMAC-SHA256 Credential={query['X-Amz-Credential']}, "
                  f"SignedHeaders={query['X-Amz-SignedHeaders']}, Signature={query['X-Amz-Signature']}")  # fmt: skip
        answer = requests.get(f"{self.sts_url}{parts.path or '/'}?{parts.query}",
                              headers={"x-k8s-aws-id": self.cluster, "Authorization": routed}, timeout=5)  # fmt: skip
        if answer.status_code != 200 or "GetCallerIdentityResult" not in answer.text:
            return f"STS refused it ({answer.status_code})"
        return None

    def _signature_matches(self, host: str, path: str, query: dict[str, str], signed: list[str]) -> bool:
        key_id, date, region, service, _ = query["X-Amz-Credential"].split("/")
        secret = self.secrets.get(key_id)
        if secret is None:
            return False
        headers = {"host": host, "x-k8s-aws-id": self.cluster}
        canonical_query = "&".join(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
            for k, v in sorted(query.items())
            if k != "X-Amz-Signature"
        )
        canonical = "\n".join([
            "GET", quote(path, safe="/-_.~"), canonical_query,
            "".join(f"{h}:{headers.get(h, '')}\n" for h in signed), ";".join(signed), EMPTY_BODY,
        ])  # fmt: skip
        scope = f"{date}/{region}/{service}/aws4_request"
        to_sign = "\n".join(
            ["AWS4-HMAC-SHA256", query["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()]
        )
        key = f"AWS4{secret}".encode()
        for part in (date, region, service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, query.get("X-Amz-Signature", ""))
