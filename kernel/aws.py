"""AWS sessions: the default credential chain, keyless credentials from a Google identity, a role assumed on top.

On Cloud Run there are no AWS keys: `use_web_identity` makes every session take its credentials from
`AssumeRoleWithWebIdentity` with a Google ID token for the service account (from the metadata server),
refreshed by botocore before they expire. CloudWatch, Amazon Managed Prometheus and Bedrock all get
their sessions here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

METADATA_URL = "http://metadata.google.internal"
IDENTITY_PATH = "/computeMetadata/v1/instance/service-accounts/default/identity"


@dataclass(frozen=True, slots=True)
class WebIdentity:
    """Keyless AWS access from GCP: which role, for which token audience, and where to ask."""

    role_arn: str
    audience: str  # the ID token's `aud`; the role's trust policy pins it (accounts.google.com:oaud)
    metadata_url: str = METADATA_URL
    sts_region: str = "us-east-1"
    sts_endpoint_url: str | None = None
    session_name: str = "cloud-doctor"
    duration_seconds: int = 3600


_identity: WebIdentity | None = None
_credentials: Any = None
_lock = threading.Lock()


def use_web_identity(identity: WebIdentity | None) -> None:
    """From now on every session in this process uses this identity (None: boto3's default chain)."""
    global _identity, _credentials
    with _lock:
        if identity != _identity:
            _identity, _credentials = identity, None


def google_id_token(metadata_url: str, audience: str, timeout: float = 5.0) -> str:
    """A Google-signed ID token for this instance's service account, from the metadata server."""
    import requests

    query = urlencode({"audience": audience, "format": "full"})
    response = requests.get(
        f"{metadata_url.rstrip('/')}{IDENTITY_PATH}?{query}", headers={"Metadata-Flavor": "Google"}, timeout=timeout
    )
    response.raise_for_status()
    return response.text.strip()


def web_identity_credentials(identity: WebIdentity, time_fetcher: Callable[[], datetime] | None = None) -> Any:
    """Credentials fetched on first use and again before they expire (botocore refreshes within 15 minutes
    of expiry, and must within 10): each time a fresh ID token, then AssumeRoleWithWebIdentity."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.credentials import DeferredRefreshableCredentials

    # The call is authenticated by the token itself: an unsigned client, so no other credentials are looked up.
    sts = boto3.client(
        "sts",
        region_name=identity.sts_region,
        endpoint_url=identity.sts_endpoint_url,
        config=Config(signature_version=UNSIGNED),
    )

    def refresh() -> dict[str, str]:
        token = google_id_token(identity.metadata_url, identity.audience)
        creds = sts.assume_role_with_web_identity(
            RoleArn=identity.role_arn,
            RoleSessionName=identity.session_name,
            WebIdentityToken=token,
            DurationSeconds=identity.duration_seconds,
        )["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    kwargs = {"time_fetcher": time_fetcher} if time_fetcher else {}
    return DeferredRefreshableCredentials(refresh_using=refresh, method="assume-role-with-web-identity", **kwargs)


def session(region: str, role_arn: str | None = None, endpoint_url: str | None = None) -> Any:
    """A boto3 session: the web identity's credentials when one is in use, else the default chain; with
    `role_arn`, a role assumed on top of those through STS AssumeRole, refreshed before expiry too."""
    import boto3
    from botocore.session import get_session

    global _credentials
    base = boto3.Session(region_name=region)
    if _identity is not None:
        with _lock:
            if _credentials is None:  # one set of credentials for the process, refreshed in place
                _credentials = web_identity_credentials(_identity)
            shared = _credentials
        base = _session_with(get_session(), shared, region)
    if not role_arn:
        return base
    from botocore.credentials import RefreshableCredentials

    sts = base.client("sts", endpoint_url=endpoint_url)

    def refresh() -> dict[str, str]:
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="cloud-doctor")["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    assumed = RefreshableCredentials.create_from_metadata(
        metadata=refresh(), refresh_using=refresh, method="sts-assume-role"
    )
    return _session_with(get_session(), assumed, region)


def _session_with(botocore_session: Any, credentials: Any, region: str) -> Any:
    import boto3

    botocore_session._credentials = credentials  # noqa: SLF001 - botocore's documented recipe for custom credentials
    botocore_session.set_config_variable("region", region)
    return boto3.Session(botocore_session=botocore_session)
