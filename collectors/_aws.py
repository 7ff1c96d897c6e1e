"""AWS sessions for collectors: the default credential chain, or a role assumed through STS and refreshed."""

from __future__ import annotations

from typing import Any


def session(region: str, role_arn: str | None = None, endpoint_url: str | None = None) -> Any:
    """A boto3 session; with `role_arn`, its credentials come from AssumeRole and refresh before expiry."""
    import boto3

    base = boto3.Session(region_name=region)
    if not role_arn:
        return base
    from botocore.credentials import RefreshableCredentials
    from botocore.session import get_session

    sts = base.client("sts", endpoint_url=endpoint_url)

    def refresh() -> dict[str, str]:
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="cloud-doctor")["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    botocore_session = get_session()
    botocore_session._credentials = RefreshableCredentials.create_from_metadata(  # noqa: SLF001 - documented recipe
        metadata=refresh(), refresh_using=refresh, method="sts-assume-role"
    )
    botocore_session.set_config_variable("region", region)
    return boto3.Session(botocore_session=botocore_session)
