"""A stand-in for the GitHub REST endpoints a pull request needs, as strict as the real API: `POST
/repos/{owner}/{repo}/pulls` (a bearer or `token` credential, else 401 "Bad credentials"; `title`, `head` and
`base` required, else 422 missing_field; a head branch the repository does not have, 422 invalid; a second pull
request for the same head, 422 "A pull request already exists"), `GET .../pulls?head=owner:branch&state=all`,
and `POST /app/installations/{id}/access_tokens` for a GitHub App (an RS256 JWT the App's public key verifies,
issued by the App, not expired). Every answer carries the rate-limit headers; when the budget is spent, 403
"API rate limit exceeded" with `x-ratelimit-remaining: 0`. The branches are read from a real (bare) git repository."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.standins._http import LoopbackStandIn, QuietHandler, query_of

DOCS = "https://docs.github.com/rest"


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class GitHubStandIn(LoopbackStandIn):
    def __init__(self, repo: str, bare: Path, token: str, budget: int = 5000, app: tuple[int, Any] | None = None):
        self.repo, self.bare, self.token, self.budget = repo, bare, token, budget
        self.app = app  # (app id, the App's RSA public key)
        self.installation_tokens: list[str] = []
        self.pulls: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.serve()

    def branch_sha(self, branch: str) -> str | None:
        found = subprocess.run(["git", "--git-dir", str(self.bare), "rev-parse", "--verify", "--quiet",
                                f"refs/heads/{branch}"], capture_output=True, text=True)  # fmt: skip
        return found.stdout.strip() or None

    def _jwt_ok(self, bearer: str) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        if self.app is None or bearer.count(".") != 2:
            return False
        header, claims, signature = bearer.split(".")
        try:
            self.app[1].verify(_unb64(signature), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            return False
        doc, head = json.loads(_unb64(claims)), json.loads(_unb64(header))
        now = time.time()
        return (head.get("alg") == "RS256" and doc.get("iss") == str(self.app[0]) and doc["iat"] <= now < doc["exp"]
                and doc["exp"] - doc["iat"] <= 600)  # fmt: skip

    def _handler(self) -> type[QuietHandler]:
        standin = self

        class Handler(QuietHandler):
            def _reply(self, status: int, doc: Any) -> None:
                body = json.dumps(doc).encode()
                standin.budget -= 1
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                remaining = str(max(standin.budget, 0))
                limits = (("x-ratelimit-limit", "5000"), ("x-ratelimit-remaining", remaining),
                          ("x-ratelimit-reset", str(int(time.time()) + 3600)), ("x-ratelimit-used", "1"),
                          ("x-ratelimit-resource", "core"))  # fmt: skip
                for key, value in limits:
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def _authorized(self) -> bool:
                header = str(self.headers.get("Authorization", ""))
                given = header.removeprefix("Bearer ").removeprefix("token ")
                return given in (standin.token, *standin.installation_tokens)

            def _route(self, method: str) -> None:
                path, query = query_of(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                standin.requests.append({"method": method, "path": path, "headers": dict(self.headers), "body": raw})
                if standin.budget <= 0:
                    return self._reply(403, {"message": "API rate limit exceeded for installation ID 4242.",
                                             "documentation_url": f"{DOCS}/rate-limit"})  # fmt: skip
                if re.fullmatch(r"/app/installations/(\d+)/access_tokens", path):
                    bearer = str(self.headers.get("Authorization", "")).removeprefix("Bearer ")
                    if method != "POST" or not standin._jwt_ok(bearer):
                        return self._reply(401, {"message": "A JSON web token could not be decoded",
                                                 "documentation_url": DOCS})  # fmt: skip
                    token = f"ghs_{len(standin.installation_tokens):04d}installation"
                    standin.installation_tokens.append(token)
                    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
                    return self._reply(201, {"token": token, "expires_at": expires, "repository_selection": "selected"})
                if path != f"/repos/{standin.repo}/pulls":
                    return self._reply(404, {"message": "Not Found", "documentation_url": DOCS})
                if not self._authorized():
                    return self._reply(401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"})
                if method == "GET":  # `head` filters only as `owner:branch`; a bare branch matches nothing
                    owner, _, head = query.get("head", "").rpartition(":")
                    if "head" in query and owner != standin.repo.split("/")[0]:
                        return self._reply(200, [])
                    return self._reply(200, [p for p in standin.pulls if not head or p["head"]["ref"] == head])
                try:
                    doc = json.loads(raw)
                except ValueError:
                    return self._reply(400, {"message": "Problems parsing JSON", "documentation_url": DOCS})
                for field in ("title", "head", "base"):
                    if not doc.get(field):
                        return self._reply(422, {"message": "Validation Failed", "documentation_url": DOCS, "errors": [
                            {"resource": "PullRequest", "field": field, "code": "missing_field"}]})  # fmt: skip
                head_sha, base_sha = standin.branch_sha(doc["head"]), standin.branch_sha(doc["base"])
                if head_sha is None or base_sha is None:
                    field = "head" if head_sha is None else "base"
                    return self._reply(422, {"message": "Validation Failed", "documentation_url": DOCS, "errors": [
                        {"resource": "PullRequest", "field": field, "code": "invalid"}]})  # fmt: skip
                owner = standin.repo.split("/")[0]
                if any(p["head"]["ref"] == doc["head"] and p["state"] == "open" for p in standin.pulls):
                    return self._reply(422, {"message": "Validation Failed", "documentation_url": DOCS, "errors": [
                        {"resource": "PullRequest", "code": "custom",
                         "message": f"A pull request already exists for {owner}:{doc['head']}."}]})  # fmt: skip
                number = len(standin.pulls) + 1
                pull = {"id": 1000 + number, "number": number, "state": "open", "title": doc["title"],
                        "body": doc.get("body", ""), "html_url": f"https://github.com/{standin.repo}/pull/{number}",
                        "head": {"ref": doc["head"], "sha": head_sha}, "base": {"ref": doc["base"], "sha": base_sha},
                        "user": {"login": "cloud-doctor[bot]"}}  # fmt: skip
                standin.pulls.append(pull)
                return self._reply(201, pull)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self._route("GET")

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self._route("POST")

        return Handler
