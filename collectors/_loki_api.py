"""The Loki HTTP API, `GET /loki/api/v1/query_range`: one page of a query, with the tenant header."""

from __future__ import annotations

from typing import Any

import requests

from collectors._rest import json_object, retried


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
        body = json_object("Loki", response, "a query_range body")
        if body.get("data", {}).get("resultType") != "streams":
            raise ValueError("Loki's answer is not a query_range streams body")
        return body

    return retried(call)
