"""The service account's OAuth access token from the metadata server (GCE, GKE, Cloud Run), kept fresh.

What gke-gcloud-auth-plugin gives kubectl and what Google's REST APIs take as `Authorization: Bearer`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

METADATA_URL = "http://metadata.google.internal"
TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token"
EARLY = 60.0  # seconds before its expiry a token is fetched again


class MetadataToken:
    """Thread-safe; a token is fetched again a minute before the metadata server said it expires."""

    def __init__(self, metadata_url: str = METADATA_URL, clock: Callable[[], float] = time.time, timeout: float = 10.0):
        self.metadata_url, self.clock, self.timeout = metadata_url.rstrip("/"), clock, timeout
        self._token, self._expires = "", 0.0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        import requests

        with self._lock:
            if not self._token or self.clock() >= self._expires - EARLY:
                response = requests.get(
                    f"{self.metadata_url}{TOKEN_PATH}", headers={"Metadata-Flavor": "Google"}, timeout=self.timeout
                )
                response.raise_for_status()
                doc = response.json()
                self._token, self._expires = str(doc["access_token"]), self.clock() + float(doc["expires_in"])
            return self._token
