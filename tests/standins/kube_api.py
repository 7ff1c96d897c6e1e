"""A local stand-in for the Kubernetes API server's list endpoints (no cluster can run here).

It serves `GET /api/v1/namespaces/{ns}/{resource}`, `/apis/{group}/{version}/namespaces/{ns}/{resource}`
and cluster-scoped `/api/v1/nodes` as `<Kind>List` bodies whose items carry no kind (as the real
server answers), in pages when asked (`limit`, an opaque `continue` token; a token it did not issue is
a 400), checks the bearer token (401 Status otherwise) and answers 404 for unknown paths.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.standins._http import LoopbackStandIn, QuietHandler, send_json

RESOURCES = {
    "events": "Event",
    "pods": "Pod",
    "services": "Service",
    "endpoints": "Endpoints",
    "resourcequotas": "ResourceQuota",
    "deployments": "Deployment",
    "replicasets": "ReplicaSet",
    "statefulsets": "StatefulSet",
    "jobs": "Job",
    "horizontalpodautoscalers": "HorizontalPodAutoscaler",
    "nodes": "Node",
}


class KubeApiStandIn(LoopbackStandIn):
    def __init__(
        self,
        token: str,
        objects: list[dict[str, Any]],
        authorize: Callable[[str], bool] | None = None,
        cert_manager: bool = False,
    ) -> None:
        """`authorize(bearer)`, when given, decides instead of comparing with `token` (an EKS API server);
        `cert_manager` installs its CRD (else `/apis/cert-manager.io/v1/.../certificates` is a 404)."""
        self.token, self.objects = token, objects
        self.resources = {**RESOURCES, **({"certificates": "Certificate"} if cert_manager else {})}
        self.authorize = authorize or (lambda bearer: bearer == token)
        self.bearers: list[str] = []
        self.requests: list[str] = []
        self.queries: list[dict[str, list[str]]] = []
        self.hang_seconds = 0.0
        self.serve()

    def list(self, namespace: str | None, resource: str, limit: int = 0, offset: int = 0) -> dict[str, Any]:
        kind = self.resources[resource]
        items = [
            {k: v for k, v in o.items() if k not in ("kind", "apiVersion")}
            for o in self.objects
            if o["kind"] == kind and (namespace is None or o["metadata"].get("namespace") == namespace)
        ]
        metadata: dict[str, Any] = {"resourceVersion": "81211"}
        if limit and offset + limit < len(items):
            metadata["continue"] = base64.urlsafe_b64encode(f"81211:{offset + limit}".encode()).decode()
            metadata["remainingItemCount"] = len(items) - offset - limit
        end = offset + limit if limit else len(items)
        return {"kind": f"{kind}List", "apiVersion": "v1", "metadata": metadata, "items": items[offset:end]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                path, query = url.path, parse_qs(url.query)
                standin.requests.append(path)
                standin.queries.append(query)
                if standin.hang_seconds:
                    time.sleep(standin.hang_seconds)
                bearer = str(self.headers.get("Authorization", "")).removeprefix("Bearer ")
                standin.bearers.append(bearer)
                if not standin.authorize(bearer):
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
                m = re.fullmatch(r"/(?:api/v1|apis/[a-z.-]+/v\d+)(?:/namespaces/([^/]+))?/([a-z]+)", path)
                if not m or m.group(2) not in standin.resources or (m.group(2) == "nodes") != (m.group(1) is None):
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
                try:
                    limit = int(query.get("limit", ["0"])[0])
                    token = query.get("continue", [""])[0]
                    offset = int(base64.urlsafe_b64decode(token).decode().split(":")[1]) if token else 0
                except (ValueError, IndexError, UnicodeDecodeError):
                    return send_json(
                        self,
                        400,
                        {"kind": "Status", "status": "Failure", "reason": "BadRequest", "code": 400,
                         "message": "continue key is not valid"},
                    )  # fmt: skip
                send_json(self, 200, standin.list(m.group(1), m.group(2), limit, offset))

        return Handler
