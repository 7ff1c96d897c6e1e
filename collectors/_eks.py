"""EKS credentials from AWS ones: the bearer token `aws eks get-token` makes, and the cluster's endpoint and CA.

The token is a presigned STS `GetCallerIdentity` URL whose signature covers the `x-k8s-aws-id` header naming
the cluster; the API server runs it against STS to learn who is calling. It is valid for 15 minutes from
its signing; like `aws eks get-token`, a token is used for 14 and then made again. Endpoint and CA come
from `eks:DescribeCluster`. The role needs that action, and an EKS access entry with a read-only access
policy (AmazonEKSViewPolicy).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from kernel import aws

K8S_AWS_ID = "x-k8s-aws-id"
TOKEN_PREFIX = "k8s-aws-v1."
TOKEN_SECONDS = 14 * 60  # the API server accepts 15 minutes from the signing


@dataclass(frozen=True, slots=True)
class EksTarget:
    """`clusters[].kubernetes.eks`: which cluster, in which region, as which role."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    name: str
    region: str | None = None  # default: the cluster's region
    role_arn: str | None = None  # assume this role first; default: the bot's own AWS credentials
    endpoint_url: str | None = None  # the AWS API endpoint for STS and EKS (a VPC endpoint, or the tests' moto)


def token(session: Any, cluster: str, region: str, endpoint_url: str | None = None) -> str:
    """A bearer token for `cluster`, as `aws eks get-token` builds it."""
    sts = session.client("sts", region_name=region, endpoint_url=endpoint_url)

    def take_cluster(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if K8S_AWS_ID in params:
            context[K8S_AWS_ID] = params.pop(K8S_AWS_ID)

    def sign_cluster(request: Any, **_: Any) -> None:
        if K8S_AWS_ID in request.context:
            request.headers[K8S_AWS_ID] = request.context[K8S_AWS_ID]

    sts.meta.events.register("provide-client-params.sts.GetCallerIdentity", take_cluster)
    sts.meta.events.register("before-sign.sts.GetCallerIdentity", sign_cluster)
    url = sts.generate_presigned_url(
        "get_caller_identity", Params={K8S_AWS_ID: cluster}, ExpiresIn=60, HttpMethod="GET"
    )
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


def describe(session: Any, cluster: str, region: str, endpoint_url: str | None = None) -> tuple[str, bytes]:
    """The cluster's API endpoint and its CA certificate (PEM)."""
    found = session.client("eks", region_name=region, endpoint_url=endpoint_url).describe_cluster(name=cluster)
    info = found["cluster"]
    return str(info["endpoint"]), base64.b64decode(info["certificateAuthority"]["data"])


class EksAuth:
    """The token for one cluster, made again before it runs out; safe to share between threads."""

    def __init__(self, target: EksTarget, region: str, clock: Callable[[], float] = time.time) -> None:
        self.target, self.region, self.clock = target, target.region or region, clock
        self._token, self._made = "", 0.0
        self._lock = threading.Lock()

    @property
    def label(self) -> str:
        return f"eks:{self.target.name}"

    def _session(self) -> Any:
        return aws.session(self.region, self.target.role_arn, self.target.endpoint_url)

    def bearer(self) -> str:
        with self._lock:
            if not self._token or self.clock() - self._made >= TOKEN_SECONDS:
                self._token = token(self._session(), self.target.name, self.region, self.target.endpoint_url)
                self._made = self.clock()
            return self._token

    def endpoint(self) -> tuple[str, bytes]:
        """The API server's URL and its CA certificate (PEM)."""
        return describe(self._session(), self.target.name, self.region, self.target.endpoint_url)
