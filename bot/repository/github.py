"""GitHub's REST API, the few calls a pull request needs, over requests (already a dependency; PyGithub would
bring a second HTTP stack and a JWT library for four endpoints).

Credentials: a GitHub App installation token (preferred: minted for this installation only, expiring within the
hour, and the pull request shows the App as its author, not a person) from the App's JWT, signed here with
`cryptography` (RS256); or a fine-grained token from the environment.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from kernel import CloudDoctorError

API_VERSION = "2022-11-28"


class GitHubError(CloudDoctorError):
    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        self.status, self.retry_after = status, retry_after
        super().__init__(f"GitHub answered {status}: {message[:300]}")

    @property
    def transient(self) -> bool:
        """Worth trying again later: GitHub's 5xx, a rate limit (403/429 with its headers), a timeout."""
        return self.status >= 500 or self.status == 429 or self.retry_after is not None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def app_jwt(app_id: int, private_key_pem: str, now: float | None = None) -> str:
    """The App's JWT as GitHub asks for it: RS256, issued a minute in the past (clock drift), ten minutes long."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    issued = int(now if now is not None else time.time()) - 60
    header = _b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    claims = _b64url(json.dumps({"iat": issued, "exp": issued + 600, "iss": str(app_id)}).encode())
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CloudDoctorError("the GitHub App's private key must be an RSA key (the .pem GitHub gives)")
    signature = key.sign(f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{claims}.{_b64url(signature)}"


class Credentials:
    """A bearer token for the API and for git over HTTPS: the App installation's (renewed five minutes before it
    expires), else the token in the environment variable the settings name."""

    def __init__(self, api_url: str, app_id: int | None, installation_id: int | None, private_key_env: str | None,
                 token_env: str | None) -> None:  # fmt: skip
        self.api_url, self.app_id, self.installation_id = api_url.rstrip("/"), app_id, installation_id
        self.private_key_env, self.token_env = private_key_env, token_env
        self._token, self._expires = "", 0.0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        if self.app_id is None:
            token = os.environ.get(self.token_env or "", "")
            if not token:
                raise CloudDoctorError(f"no GitHub credentials: set {self.token_env} or configure a GitHub App")
            return token
        with self._lock:
            if time.time() < self._expires - 300:
                return self._token
            pem = os.environ.get(self.private_key_env or "", "")
            if not pem or self.installation_id is None:
                raise CloudDoctorError(
                    f"GitHub App {self.app_id}: set installation_id and the private key in {self.private_key_env}"
                )
            import requests

            try:
                response = requests.post(
                    f"{self.api_url}/app/installations/{self.installation_id}/access_tokens",
                    headers={"Authorization": f"Bearer {app_jwt(self.app_id, pem)}", **_HEADERS}, timeout=15,
                )  # fmt: skip
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise GitHubError(599, f"GitHub did not answer ({type(exc).__name__})") from None
            body = _checked(response)
            self._token = str(body["token"])
            expires = str(body.get("expires_at", "")).replace("Z", "+00:00")
            self._expires = datetime.fromisoformat(expires).timestamp() if expires else time.time() + 3000
            return self._token


_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}


def _checked(response: Any) -> dict[str, Any]:
    if response.status_code in (200, 201):
        body = response.json()
        return body if isinstance(body, dict) else {"items": body}
    try:
        doc = response.json()
    except ValueError:
        doc = {"message": response.text}
    message = str(doc.get("message", "")) if isinstance(doc, dict) else str(doc)
    errors = doc.get("errors") if isinstance(doc, dict) else None
    if errors:
        message += ": " + "; ".join(str(e.get("message") or e.get("code", e)) for e in errors if isinstance(e, dict))
    raise GitHubError(response.status_code, message, _retry_after(response.headers))


def _retry_after(headers: Any) -> float | None:
    """Seconds GitHub asks to wait: `Retry-After` (seconds or an HTTP date), or until the rate limit resets."""
    value = str(headers.get("retry-after") or "")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                return 60.0
    if headers.get("x-ratelimit-remaining") == "0":
        try:
            return max(0.0, float(headers.get("x-ratelimit-reset", "")) - time.time())
        except ValueError:
            return 60.0
    return None


class GitHub:
    def __init__(self, api_url: str, repo: str, credentials: Credentials, timeout: float = 15.0) -> None:
        self.api_url, self.repo, self.credentials, self.timeout = api_url.rstrip("/"), repo, credentials, timeout

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        import requests

        try:
            response = requests.request(
                method, f"{self.api_url}/repos/{self.repo}{path}", timeout=self.timeout,
                headers={"Authorization": f"Bearer {self.credentials()}", **_HEADERS}, **kwargs,
            )  # fmt: skip
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise GitHubError(599, f"GitHub did not answer ({type(exc).__name__})") from exc
        return _checked(response)

    def open_pull(self, title: str, head: str, base: str, body: str) -> tuple[dict[str, Any], bool]:
        """The pull request for `head`, and whether this call opened it: one that exists is found, not doubled
        (GitHub answers 422 "A pull request already exists")."""
        try:
            doc = {"title": title, "head": head, "base": base, "body": body, "maintainer_can_modify": False}
            return self._call("POST", "/pulls", json=doc), True
        except GitHubError as exc:
            if exc.status != 422 or "already exists" not in str(exc):
                raise
        found = self.find_pull(head)
        if found is None:
            raise GitHubError(422, f"GitHub says a pull request exists for {head} but lists none")
        return found, False

    def find_pull(self, head: str) -> dict[str, Any] | None:
        """The pull request from branch `head` (open or not), if GitHub has one."""
        owner = self.repo.split("/")[0]
        found = self._call("GET", "/pulls", params={"head": f"{owner}:{head}", "state": "all"}).get("items") or []
        return found[0] if found else None
