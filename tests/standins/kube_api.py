"""A local stand-in for the Kubernetes API server's list endpoints (no cluster can run here).

It serves `GET /api/v1/namespaces/{ns}/{resource}`, `/apis/{group}/{version}/namespaces/{ns}/{resource}`
and cluster-scoped `/api/v1/nodes` as `<Kind>List` bodies whose items carry no kind (as the real
server answers), checks the bearer token (401 Status otherwise) and answers 404 for unknown paths.
"""

from __future__ import annotations

import re
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlparse

from tests.standins._http import LoopbackServer, send_json

RESOURCES = {
    "events": "Event",
    "pods": "Pod",
    "services": "Service",
    "endpoints": "Endpoints",
    "resourcequotas": "ResourceQuota",
    "deployments": "Deployment",
    "replicasets": "ReplicaSet",
    "horizontalpodautoscalers": "HorizontalPodAutoscaler",
    "nodes": "Node",
}


class KubeApiStandIn:
    def __init__(self, token: str, objects: list[dict[str, Any]]) -> None:
        self.token, self.objects = token, objects
        self.requests: list[str] = []
        self.hang_seconds = 0.0
        self._http = LoopbackServer(self._handler())
        self.url = self._http.url

    def close(self) -> None:
        self._http.close()

    def list(self, namespace: str | None, resource: str) -> dict[str, Any]:
        kind = RESOURCES[resource]
        items = [
            {k: v for k, v in o.items() if k not in ("kind", "apiVersion")}
            for o in self.objects
            if o["kind"] == kind and (namespace is None or o["metadata"].get("namespace") == namespace)
        ]
        return {"kind": f"{kind}List", "apiVersion": "v1", "metadata": {"resourceVersion": "81211"}, "items": items}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = urlparse(self.path).path
                standin.requests.append(path)
                if standin.hang_seconds:
                    time.sleep(standin.hang_seconds)
                if self.headers.get("Authorization") != f"Bearer {standin.token}":
                    return send_json(
                        self,
                        401,
                        {
                            "kind": "Status",
                            "apiVersion": "v1",
                            "status": "Failure",
                            "message": "Unauthorized",
                            "reason": "Unauthorized",
                            "code": 401,
                        },
                    )
                m = re.fullmatch(r"/(?:api/v1|apis/[a-z.]+/v\d+)(?:/namespaces/([^/]+))?/([a-z]+)", path)
                if not m or m.group(2) not in RESOURCES or (m.group(2) == "nodes") != (m.group(1) is None):
                    return send_json(
                        self,
                        404,
                        {
                            "kind": "Status",
                            "status": "Failure",
                            "reason": "NotFound",
                            "code": 404,
                            "message": "the server could not find the resource",
                        },
                    )
                send_json(self, 200, standin.list(m.group(1), m.group(2)))

        return Handler
