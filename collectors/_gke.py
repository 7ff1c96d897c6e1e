"""GKE credentials from the service account: its OAuth access token from the metadata server (what
gke-gcloud-auth-plugin hands kubectl), and the cluster's endpoint and CA from the Container API.

The account needs `roles/container.viewer` (read-only on the cluster's objects and on the cluster itself).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from collectors._google import METADATA_URL, MetadataToken

CONTAINER_URL = "https://container.googleapis.com"


@dataclass(frozen=True, slots=True)
class GkeTarget:
    """`clusters[].kubernetes.gke`: which cluster, and where to ask (overridable for tests)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    project: str
    location: str  # a region or a zone
    name: str
    metadata_url: str = METADATA_URL
    container_url: str = CONTAINER_URL


class GkeAuth:
    """The service account's access token (fetched again before it runs out) and the cluster's endpoint."""

    def __init__(self, target: GkeTarget, clock: Callable[[], float] = time.time, timeout: float = 10.0) -> None:
        self.target, self.timeout = target, timeout
        self.bearer = MetadataToken(target.metadata_url, clock, timeout)

    @property
    def label(self) -> str:
        return f"gke:{self.target.project}/{self.target.location}/{self.target.name}"

    def endpoint(self) -> tuple[str, bytes]:
        """The API server's URL and its CA certificate (PEM)."""
        import requests

        t = self.target
        url = f"{t.container_url.rstrip('/')}/v1/projects/{t.project}/locations/{t.location}/clusters/{t.name}"
        response = requests.get(url, headers={"Authorization": f"Bearer {self.bearer()}"}, timeout=self.timeout)
        response.raise_for_status()
        cluster = response.json()
        return f"https://{cluster['endpoint']}", base64.b64decode(cluster["masterAuth"]["clusterCaCertificate"])
