"""The loopback HTTP server every stand-in runs on, the base they share, and the JSON replies they send."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


class QuietHandler(BaseHTTPRequestHandler):
    """A stand-in's request handler: no access log on the tests' stderr."""

    def log_message(self, *args: Any) -> None:
        return


class LoopbackServer:
    """Serves a handler class on 127.0.0.1 and a free port, in a daemon thread, until closed."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


class LoopbackStandIn:
    """A stand-in served on loopback: a subclass sets up its state, calls `serve()`, and builds its handler class."""

    url: str

    def serve(self) -> None:
        self._http = LoopbackServer(self._handler())
        self.url = self._http.url

    def close(self) -> None:
        self._http.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError


def send_json(
    handler: BaseHTTPRequestHandler, status: int, doc: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    payload = json.dumps(doc).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def send_text(
    handler: BaseHTTPRequestHandler, status: int, text: str, headers: dict[str, str] | None = None,
    content_type: str = "text/plain; charset=utf-8",
) -> None:  # fmt: skip
    """A plain-text answer, as Loki, Tempo and the metadata server give their errors."""
    payload = text.encode()
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def query_of(path: str) -> tuple[str, dict[str, str]]:
    """A request path and its query parameters (the first value of each)."""
    url = urlparse(path)
    return url.path, {k: v[0] for k, v in parse_qs(url.query).items()}


def google_error(code: int, status: str, message: str) -> dict[str, Any]:
    """The error body every Google REST API answers with (`{"error": {code, message, status}}`)."""
    return {"error": {"code": code, "message": message, "status": status}}
