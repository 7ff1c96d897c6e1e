"""The Loki HTTP API, `GET /loki/api/v1/query_range`: one page of a query, with the tenant header."""

from __future__ import annotations

from typing import Any

import requests

from kernel.resilience import retry


class LokiError(Exception):
    def __init__(self, status: int, text: str) -> None:
        self.status = status
        super().__init__(f"Loki answered {status}: {text[:200]}")


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, LokiError):
        return exc.status == 429 or exc.status >= 500
    return isinstance(exc, requests.ConnectionError | requests.Timeout)


def query_range(
    client: requests.Session,
    url: str,
    query: str,
    start_ns: int,
    end_ns: int,
    limit: int,
    direction: str = "forward",
    timeout: float = 15.0,
) -> dict[str, Any]:
    """The exact JSON body Loki returned for one page."""

    def call() -> dict[str, Any]:
        response = client.get(
            f"{url}/loki/api/v1/query_range",
            params={
                "query": query,
                "start": str(start_ns),
                "end": str(end_ns),
                "limit": str(limit),
                "direction": direction,
            },
            timeout=timeout,
        )
        if response.status_code != 200:
            raise LokiError(response.status_code, response.text)
        body = response.json()
        if not isinstance(body, dict) or body.get("data", {}).get("resultType") != "streams":
            raise ValueError("Loki's answer is not a query_range streams body")
        return body

    return retry(call, _retryable, attempts=3, base_delay=0.2)
