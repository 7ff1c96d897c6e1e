"""Local stand-ins for Vertex AI `generateContent` and Bedrock `Converse`: the real wire formats, strict checks.

Each records what the client sent and answers from a script the test sets: `answer(request) -> (status,
body, headers)`. They refuse what the real services would: a wrong path, a missing or wrong token
(Vertex) or a request that is not SigV4-signed for bedrock (Bedrock), a body without the required fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

from tests.standins._http import LoopbackStandIn, QuietHandler, send_json

Answer = Callable[[dict[str, Any]], tuple[int, dict[str, Any], dict[str, str]]]


class _StandIn(LoopbackStandIn):
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer: Answer = lambda request: (500, {"message": "no script"}, {})
        self.serve()

    def check(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str | None:
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._send(400, {"message": "body is not JSON"}, {})
                headers = {k.lower(): v for k, v in self.headers.items()}
                problem = standin.check(self.path, headers, body)
                if problem:
                    status = 401 if "auth" in problem else 404 if "path" in problem else 400
                    return self._send(status, {"message": problem}, {"x-amzn-ErrorType": "ValidationException"})
                request = {"path": self.path, "headers": headers, "body": body, "raw": raw.decode()}
                standin.requests.append(request)
                self._send(*standin.answer(request))

            def _send(self, status: int, doc: dict[str, Any], headers: dict[str, str]) -> None:
                send_json(self, status, doc, headers)

        return Handler


class VertexStandIn(_StandIn):
    """`POST /v1beta1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent`."""

    def __init__(self, token: str, project: str, location: str) -> None:
        self.token, self.project, self.location = token, project, location
        super().__init__()

    def check(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str | None:
        route = (
            rf"^/v1(beta1)?/projects/{self.project}/locations/{self.location}/publishers/google/models/[\w.-]+"
            r":generateContent$"
        )
        if not re.match(route, path):
            return f"no such path {path}"
        if headers.get("authorization") != f"Bearer {self.token}":
            return "auth: missing or wrong bearer token"
        if not isinstance(body.get("contents"), list) or not body["contents"]:
            return "contents is required"
        return None

    @staticmethod
    def reply(
        answer: dict[str, Any] | str, prompt: int = 1200, output: int = 180
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        text = answer if isinstance(answer, str) else json.dumps(answer)
        return (
            200,
            {
                "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}],
                "usageMetadata": {
                    "promptTokenCount": prompt,
                    "candidatesTokenCount": output,
                    "totalTokenCount": prompt + output,
                },
                "modelVersion": "gemini-2.5-flash",
            },
            {},
        )

    @staticmethod
    def error(status: int, reason: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        return status, {"error": {"code": status, "message": reason, "status": reason}}, {}


class BedrockStandIn(_StandIn):
    """`POST /model/{modelId}/converse`, SigV4-signed for the bedrock service."""

    def __init__(self, region: str) -> None:
        self.region = region
        super().__init__()

    def check(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str | None:
        match = re.match(r"^/model/([^/]+)/converse$", path)
        if not match:
            return f"no such path {path}"
        auth = headers.get("authorization", "")
        scope = (
            rf"^AWS4-HMAC-SHA256 Credential=\w+/\d{{8}}/{self.region}/bedrock/aws4_request, SignedHeaders=.+, "
            r"Signature=[0-9a-f]{64}$"
        )
        if not re.match(scope, auth) or "x-amz-date" not in headers:
            return "auth: request is not SigV4-signed for bedrock in this region"
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return "messages is required"
        if unquote(match.group(1)) == "":
            return "modelId is required"
        return None

    @staticmethod
    def tool_reply(
        files: dict[str, str], rationale: str = "raise the limit", tokens: tuple[int, int] = (2100, 640), call: int = 1
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        tool = {
            "toolUseId": f"tooluse_{call}",
            "name": "propose_patch",
            "input": {"files": [{"path": p, "content": c} for p, c in files.items()], "rationale": rationale},
        }
        return (
            200,
            {
                "output": {"message": {"role": "assistant", "content": [{"toolUse": tool}]}},
                "stopReason": "tool_use",
                "usage": {"inputTokens": tokens[0], "outputTokens": tokens[1], "totalTokens": sum(tokens)},
                "metrics": {"latencyMs": 900},
            },
            {},
        )

    @staticmethod
    def error(status: int, code: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        return status, {"message": code}, {"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/"}
