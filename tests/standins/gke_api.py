"""A stand-in for the Container API's `projects.locations.clusters.get`: the bearer token must be one the
metadata stand-in issued (401 UNAUTHENTICATED otherwise, as Google APIs answer), the path must be the
v1 resource name, and an unknown cluster is 404 NOT_FOUND."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

from tests.standins._http import LoopbackStandIn, QuietHandler, google_error, send_json

_PATH = re.compile(r"/v1/projects/([^/]+)/locations/([^/]+)/clusters/([^/]+)")


class ContainerApiStandIn(LoopbackStandIn):
    def __init__(self, clusters: dict[tuple[str, str, str], tuple[str, bytes]], valid: Callable[[str], bool]) -> None:
        """`clusters`: (project, location, name) -> (endpoint IP, CA PEM); `valid(token)`: issued by metadata."""
        self.clusters, self.valid = clusters, valid
        self.requests: list[str] = []
        self.serve()

    def _handler(self) -> type[QuietHandler]:
        standin = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                standin.requests.append(self.path)
                bearer = str(self.headers.get("Authorization", "")).removeprefix("Bearer ")
                if not standin.valid(bearer):
                    return send_json(self, 401, google_error(401, "UNAUTHENTICATED",
                                                       "Request had invalid authentication credentials."))  # fmt: skip
                m = _PATH.fullmatch(self.path.split("?")[0])
                if not m:
                    return send_json(self, 404, google_error(404, "NOT_FOUND", "Requested entity was not found."))
                found = standin.clusters.get((m.group(1), m.group(2), m.group(3)))
                if found is None:
                    return send_json(self, 404, google_error(404, "NOT_FOUND", f"Not found: {self.path}."))
                endpoint, ca = found
                return send_json(self, 200, {
                    "name": m.group(3), "location": m.group(2), "endpoint": endpoint, "status": "RUNNING",
                    "masterAuth": {"clusterCaCertificate": base64.b64encode(ca).decode()},
                })  # fmt: skip

        return Handler
