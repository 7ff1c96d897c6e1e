"""Keyless AWS from GCP: a Google ID token from the metadata server, AssumeRoleWithWebIdentity at moto's STS,
credentials refreshed before they expire, and used by every AWS client of the process when configured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from kernel import aws as _aws
from kernel.aws import WebIdentity, session, use_web_identity, web_identity_credentials
from tests.standins.gce_metadata import MetadataServer

ROLE = "arn:aws:iam::123456789012:role/cloud-doctor"


@pytest.fixture
def metadata() -> Iterator[MetadataServer]:
    server = MetadataServer()
    yield server
    server.close()


@pytest.fixture
def identity(metadata: MetadataServer, moto_url: str) -> Iterator[WebIdentity]:
    yield WebIdentity(ROLE, "cloud-doctor", metadata_url=metadata.url, sts_endpoint_url=moto_url)
    use_web_identity(None)  # the process-wide choice must not leak into other tests


@pytest.fixture
def sent_to_sts() -> Iterator[list[dict[str, Any]]]:
    """The parameters of every AssumeRoleWithWebIdentity call (moto takes any token: the test checks which)."""
    calls: list[dict[str, Any]] = []
    boto3.setup_default_session()
    boto3.DEFAULT_SESSION.events.register(  # type: ignore[union-attr]
        "provide-client-params.sts.AssumeRoleWithWebIdentity", lambda params, **_: calls.append(dict(params))
    )
    yield calls
    boto3.DEFAULT_SESSION = None


def test_credentials_come_from_the_google_identity_and_refresh_before_expiry(
    identity: WebIdentity, metadata: MetadataServer, moto_url: str, sent_to_sts: list[dict[str, Any]]
) -> None:
    clock = [datetime.now(UTC)]
    credentials = web_identity_credentials(identity, time_fetcher=lambda: clock[0])
    assert metadata.issued == []  # nothing is fetched until first use: cold start stays short
    first = credentials.get_frozen_credentials()
    [claims] = metadata.issued
    assert claims["aud"] == "cloud-doctor" and claims["sub"] == metadata.unique_id
    [call] = sent_to_sts  # the token the metadata server issued, for our role, for an hour
    assert call == {"RoleArn": ROLE, "RoleSessionName": "cloud-doctor", "WebIdentityToken": metadata.tokens[0],
                    "DurationSeconds": 3600}  # fmt: skip
    # The credentials are the role's: STS says who they are.
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=moto_url, aws_access_key_id=first.access_key,
                       aws_secret_access_key=first.secret_key, aws_session_token=first.token)  # fmt: skip
    assert sts.get_caller_identity()["Arn"] == "arn:aws:sts::123456789012:assumed-role/cloud-doctor/cloud-doctor"
    # Half an hour on: still valid for 30 minutes, nothing is fetched.
    clock[0] += timedelta(minutes=30)
    assert credentials.get_frozen_credentials().access_key == first.access_key
    assert len(metadata.issued) == 1
    # 55 minutes on: 5 minutes left, inside botocore's mandatory refresh: a new token, new credentials.
    clock[0] += timedelta(minutes=25)
    second = credentials.get_frozen_credentials()
    assert len(metadata.issued) == 2 and second.access_key != first.access_key
    assert [c["WebIdentityToken"] for c in sent_to_sts] == metadata.tokens  # each refresh with a fresh token


def test_configured_identity_is_what_every_aws_client_uses(identity: WebIdentity, metadata: MetadataServer) -> None:
    from bot.settings import Settings, use_cloud_identity
    from prescribers.bedrock import BedrockPrescriber

    settings = Settings(aws={"web_identity_role_arn": ROLE, "metadata_url": identity.metadata_url,
                             "sts_endpoint_url": identity.sts_endpoint_url})  # fmt: skip
    use_cloud_identity(settings)
    logs = session("ap-northeast-2").client("logs")
    key = logs._request_signer._credentials.get_frozen_credentials().access_key  # noqa: SLF001
    bedrock = BedrockPrescriber(region="us-east-1", model_id="m")._client()
    assert bedrock._request_signer._credentials.get_frozen_credentials().access_key == key  # noqa: SLF001
    assert len(metadata.issued) == 1  # one set of credentials for the whole process
    use_cloud_identity(Settings())
    assert _aws._identity is None


def test_metadata_server_refusals_surface_as_errors(identity: WebIdentity) -> None:
    import requests

    with pytest.raises(requests.HTTPError, match="400"):
        _aws.google_id_token(identity.metadata_url, "")
