"""A local stand-in for the GCE / Cloud Run metadata server's identity and access-token endpoints.

It refuses what the real one refuses: no `Metadata-Flavor: Google` header (403), an `X-Forwarded-For`
header (403: the request came through a proxy), no audience (400). It issues a JWT shaped like Google's
ID token for a service account (`aud` the audience asked for, `azp` and `sub` the account's unique ID),
unsigned here: only AWS STS reads it, and the tests' STS is moto.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.standins._http import LoopbackStandIn, QuietHandler, send_text

IDENTITY_PATH = "/computeMetadata/v1/instance/service-accounts/default/identity"
TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token"


def _b64(doc: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()


class MetadataServer(LoopbackStandIn):
    def __init__(
        self, unique_id: str = "104857390123456789012", email: str = "cloud-doctor@proj.iam.gserviceaccount.com"
    ):
        self.unique_id, self.email = unique_id, email
        self.issued: list[dict[str, Any]] = []  # the claims of every token handed out
        self.tokens: list[str] = []  # and the tokens themselves
        self.access_tokens: list[str] = []  # OAuth access tokens handed out (`token`), newest last
        self.expires_in = 3599
        self._lock = threading.Lock()
        self.serve()

    def _handler(self) -> type[QuietHandler]:
        standin = self

        class Handler(QuietHandler):
            def _text(self, status: int, text: str) -> None:
                kind = "text/html" if status == 200 else "text/plain"
                send_text(self, status, text, {"Metadata-Flavor": "Google"}, content_type=kind)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlsplit(self.path)
                if url.path not in (IDENTITY_PATH, TOKEN_PATH):
                    return self._text(404, "not found")
                if self.headers.get("Metadata-Flavor") != "Google" or self.headers.get("X-Forwarded-For"):
                    return self._text(403, "Missing Metadata-Flavor:Google header or request was proxied.")
                if url.path == TOKEN_PATH:  # {"access_token", "expires_in", "token_type"} as the real one answers
                    with standin._lock:
                        token = f"ya29.c.test-{len(standin.access_tokens) + 1}"
                        standin.access_tokens.append(token)
                    body = json.dumps({"access_token": token, "expires_in": standin.expires_in, "token_type": "Bearer"})
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Metadata-Flavor", "Google")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body.encode())
                    return None
                query = parse_qs(url.query)
                audience = (query.get("audience") or [""])[0]
                if not audience:
                    return self._text(400, "non-empty audience parameter required")
                now = int(time.time())
                claims = {
                    "aud": audience, "azp": standin.unique_id, "sub": standin.unique_id, "iss": "https://accounts.google.com",
                    "iat": now, "exp": now + 3600,
                }  # fmt: skip
                if (query.get("format") or [""])[0] == "full":
                    claims |= {"email": standin.email, "email_verified": True}
                token = ".".join((_b64({"alg": "RS256", "kid": "test", "typ": "JWT"}), _b64(claims), "c2lnbmF0dXJl"))
                with standin._lock:
                    standin.issued.append(claims)
                    standin.tokens.append(token)
                return self._text(200, token)

        return Handler
