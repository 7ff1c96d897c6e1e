"""What every REST source shares: an answer that is not 200 becomes an ApiError naming the API and its status,
a body that is not a JSON object is refused, and only what a retry can change (429, 5xx, a dropped or slow
connection) is retried, three times with back-off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kernel import CloudDoctorError
from kernel.resilience import retry


class ApiError(CloudDoctorError):
    def __init__(self, api: str, status: int, text: str) -> None:
        self.status = status
        super().__init__(f"{api} answered {status}: {text[:200]}")


def retryable(exc: Exception) -> bool:
    import requests

    if isinstance(exc, ApiError):
        return exc.status == 429 or exc.status >= 500
    return isinstance(exc, requests.ConnectionError | requests.Timeout)


def json_object(api: str, response: Any, what: str) -> dict[str, Any]:
    """The body of a 200 answer as a JSON object, else ApiError (`what` names the body expected)."""
    if response.status_code != 200:
        raise ApiError(api, response.status_code, response.text)
    body = response.json()
    if not isinstance(body, dict):
        raise ApiError(api, 200, f"the answer is not {what}")
    return body


def retried(call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return retry(call, retryable, attempts=3, base_delay=0.2)
