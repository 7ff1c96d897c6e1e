"""Run `cloud-doctor serve` for real (uvicorn on loopback) against the Slack stand-in."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import yaml

from tests.conftest import ROOT
from tests.servers.postgres import free_port
from tests.standins.slack_api import SlackStandIn

TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret"


def sign(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=out,
            )
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def command(
        self,
        text: str,
        command: str = "/analyze-logs",
        user: str = "U0AUTHOR",
        channel: str = "C0INCIDENT",
        trigger: str = "13345224609.738474920.8088930838d88f008e0",
        retry: int | None = None,
        timestamp: int | None = None,
        secret: str = SECRET,
    ) -> httpx.Response:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": "T0001",
                "team_domain": "acme",
                "channel_id": channel,
                "channel_name": "incidents",
                "user_id": user,
                "user_name": "jane",
                "command": command,
                "text": text,
                "api_app_id": "A0CLOUDDOC",
                "is_enterprise_install": "false",
                "response_url": f"{self.slack_url}/response/{trigger}",
                "trigger_id": trigger,
            }
        ).encode()
        headers = sign(body, timestamp, secret)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return httpx.post(f"{self.url}/slack/events", content=body, headers=headers, timeout=10)

    def action(
        self, action_id: str, job_id: str, user: str, message: dict[str, Any] | None = None, channel: str = "C0INCIDENT"
    ) -> httpx.Response:
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user, "team_id": "T0001"},
            "api_app_id": "A0CLOUDDOC",
            "team": {"id": "T0001", "domain": "acme"},
            "channel": {"id": channel, "name": "incidents"},
            "trigger_id": f"trig-{action_id}-{user}",
            "response_url": f"{self.slack_url}/response/{action_id}-{user}",
            "container": {"type": "message"},
            "message": message or {"ts": "1.0", "blocks": []},
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": f"job:{job_id}",
                    "value": job_id,
                    "type": "button",
                    "action_ts": str(time.time()),
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return httpx.post(f"{self.url}/slack/events", content=body, headers=sign(body), timeout=10)

    def event(self, event: dict[str, Any], event_id: str, retry: int | None = None) -> httpx.Response:
        """An Events API callback, as Slack sends it (JSON, signed); `retry` as Slack's X-Slack-Retry-Num."""
        envelope = {
            "token": "legacy", "team_id": "T0001", "api_app_id": "A0CLOUDDOC", "event": event,
            "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0001", "user_id": "U0CLOUDDOC", "is_bot": True}],
        }  # fmt: skip
        body = json.dumps(envelope).encode()
        headers = sign(body) | {"Content-Type": "application/json"}
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return httpx.post(f"{self.url}/slack/events", content=body, headers=headers, timeout=10)

    def view_submission(self, view: dict[str, Any], user: str, values: dict[str, Any]) -> httpx.Response:
        """A modal's submission: the view Slack opened, with the state the person left in it."""
        payload = {
            "type": "view_submission", "team": {"id": "T0001", "domain": "acme"},
            "user": {"id": user, "username": user, "team_id": "T0001"}, "api_app_id": "A0CLOUDDOC",
            "trigger_id": f"trig-view-{user}", "view": view | {"id": "V0000001", "state": {"values": values}},
        }  # fmt: skip
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return httpx.post(f"{self.url}/slack/events", content=body, headers=sign(body), timeout=10)

    slack_url = ""


@pytest.fixture
def slack():
    standin = SlackStandIn(TOKEN, groups={"S0REVIEWERS": ["U0GROUPREVIEWER"]})
    yield standin
    standin.close()


@pytest.fixture
def make_server(tmp_path: Path, slack: SlackStandIn, store_url: str):
    servers: list[Server] = []

    def make(
        lease_seconds: int = 60,
        extra: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        **slack_access: Any,
    ) -> Server:
        config = tmp_path / "cloud-doctor.yaml"
        access = {"reviewers": ["U0REVIEWER"], "reviewer_groups": ["S0REVIEWERS"], **slack_access}
        config.write_text(
            yaml.safe_dump(
                {"slack": access, "jobs": {"lease_seconds": lease_seconds, "poll_seconds": 0.2}, **(extra or {})}
            )
        )
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLOUD_DOCTOR_"))}
        environment |= (env or {}) | {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{slack.url}/api/",
            "CLOUD_DOCTOR_STORE": store_url,
            "CLOUD_DOCTOR_CONFIG": str(config),
        }
        server = Server(environment, tmp_path / "server.log")
        server.slack_url = slack.url
        servers.append(server)
        return server.start()

    yield make
    for server in servers:
        server.stop()
