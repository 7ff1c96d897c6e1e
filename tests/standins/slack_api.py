"""A local stand-in for the Slack Web API: records every call and refuses what Slack would refuse.

It checks the bearer token, the method's required arguments and the body encoding; it serves the
external file upload flow (files.getUploadURLExternal → POST to the upload URL → files.completeUploadExternal)
and `response_url` posts. A test may make a method hang to catch the bot mid-job.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from tests.standins._http import LoopbackStandIn, QuietHandler, send_json

REQUIRED = {
    "chat.postMessage": ("channel",),
    "chat.update": ("channel", "ts"),
    "chat.postEphemeral": ("channel", "user"),
    "usergroups.users.list": ("usergroup",),
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
    "auth.test": (),
    "conversations.history": ("channel",),
    "conversations.replies": ("channel", "ts"),
    "reactions.add": ("channel", "timestamp", "name"),
    "views.open": ("trigger_id", "view"),
}
BOT_USER, BOT_ID = "U0CLOUDDOC", "B0CLOUDDOC"


def _blocks_ok(blocks: Any) -> bool:
    """Block Kit's limits Slack enforces: at most 50 blocks, a section's text 3,000 characters, an actions block
    25 elements, a button's text 75 characters."""
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if blocks is None:
        return True
    if not isinstance(blocks, list) or len(blocks) > 50:
        return False
    for block in blocks:
        if block.get("type") == "section" and len((block.get("text") or {}).get("text", "")) > 3000:
            return False
        if block.get("type") == "actions":
            elements = block.get("elements") or []
            if len(elements) > 25 or any(len(e.get("text", {}).get("text", "")) > 75 for e in elements):
                return False
    return True


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.time)


class SlackStandIn(LoopbackStandIn):
    def __init__(self, token: str, groups: dict[str, list[str]] | None = None) -> None:
        self.token = token
        self.groups = groups or {}
        self.calls: list[Call] = []
        self.uploads: dict[str, bytes] = {}
        self.upload_names: dict[str, str] = {}
        self.hang: Callable[[str, dict[str, Any]], float] = lambda method, args: 0.0
        # Seconds to wait *after* a call took effect, before answering: the caller dies with it in flight.
        self.hang_after: Callable[[str, dict[str, Any]], float] = lambda method, args: 0.0
        # An outage: (status, body, headers) to answer instead of serving the call, as Slack does when it is
        # down (500/503), rate limits (429 with Retry-After) or refuses with {"ok": false, "error": ...}.
        self.outage: Callable[[str, dict[str, Any]], tuple[int, dict[str, Any], dict[str, str]] | None] = (
            lambda method, args: None
        )
        self.refused: list[Call] = []
        self.triggers_used: set[str] = set()
        self._ts = 1_700_000_000.000100
        self._lock = threading.Lock()
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.serve()

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out; calls so far: {[c.method for c in self.calls]}")

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        missing = [k for k in REQUIRED[method] if not args.get(k)]
        if missing:
            return {"ok": False, "error": f"missing_argument:{missing[0]}"}
        if method in ("chat.postMessage", "chat.update") and not (args.get("text") or args.get("blocks")):
            return {"ok": False, "error": "no_text"}
        if method in ("chat.postMessage", "chat.update") and not _blocks_ok(args.get("blocks")):
            return {"ok": False, "error": "invalid_blocks"}
        if "channel" in args and str(args["channel"])[:1] not in "CGD":
            return {"ok": False, "error": "channel_not_found"}
        with self._lock:
            if method == "chat.postMessage":
                thread = args.get("thread_ts")
                if thread and (args["channel"], thread) not in self._messages:
                    return {"ok": False, "error": "thread_not_found"}
                self._ts = max(self._ts + 0.000001, time.time())  # as Slack's: the post's time, unique per channel
                ts = f"{self._ts:.6f}"
                if isinstance(args.get("metadata"), str):
                    args["metadata"] = json.loads(args["metadata"])
                meta = args.get("metadata")
                if meta is not None and not (
                    isinstance(meta, dict) and isinstance(meta.get("event_type"), str)
                    and isinstance(meta.get("event_payload"), dict)
                ):  # fmt: skip
                    return {"ok": False, "error": "invalid_metadata_format"}
                self._messages[(args["channel"], ts)] = args | {"bot_id": BOT_ID, "user": BOT_USER}
                return {"ok": True, "channel": args["channel"], "ts": ts, "message": {"text": args.get("text")}}
            if method == "auth.test":
                return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "cloud-doctor",
                        "team_id": "T0001", "user_id": BOT_USER, "bot_id": BOT_ID}  # fmt: skip
            if method == "reactions.add":
                message = self._messages.get((args["channel"], args["timestamp"]))
                if message is None:
                    return {"ok": False, "error": "message_not_found"}
                reactions = message.setdefault("reactions", [])
                if args["name"] in reactions:
                    return {"ok": False, "error": "already_reacted"}
                reactions.append(args["name"])
                return {"ok": True}
            if method == "views.open":
                return self._open_view(args)
            if method == "conversations.history":
                return self._history(args)
            if method == "conversations.replies":
                return self._replies(args)
            if method == "chat.update":
                if (args["channel"], args["ts"]) not in self._messages:
                    return {"ok": False, "error": "message_not_found"}
                self._messages[(args["channel"], args["ts"])] = args | {"bot_id": BOT_ID, "user": BOT_USER}
                return {"ok": True, "channel": args["channel"], "ts": args["ts"]}
            if method == "usergroups.users.list":
                return {"ok": True, "users": self.groups.get(args["usergroup"], [])}
            if method == "files.getUploadURLExternal":
                file_id = f"F{len(self.uploads) + 1:08d}"
                self.uploads[file_id] = b""
                self.upload_names[file_id] = str(args["filename"])
                return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
            if method == "files.completeUploadExternal":
                files = json.loads(args["files"]) if isinstance(args["files"], str) else args["files"]
                if any(f.get("id") not in self.uploads or not self.uploads[f["id"]] for f in files):
                    return {"ok": False, "error": "file_not_found"}
                channel, thread = args.get("channel_id"), args.get("thread_ts")
                if thread and (channel, thread) not in self._messages:
                    return {"ok": False, "error": "thread_not_found"}
                if channel:  # shared: the file appears as a message (in the thread, when one is named)
                    self._ts = max(self._ts + 0.000001, time.time())
                    shared = [{"id": f["id"], "name": self.upload_names[f["id"]], "title": f.get("title", "")}
                              for f in files]  # fmt: skip
                    self._messages[(channel, f"{self._ts:.6f}")] = {
                        "files": shared,
                        "thread_ts": thread,
                        "text": "",
                        "bot_id": BOT_ID,
                        "user": BOT_USER,
                    }
                return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        return {"ok": True, "message_ts": f"{self._ts:.6f}"}

    def person_posts(self, channel: str, text: str, user: str, thread_ts: str | None = None) -> str:
        """A message a person posted (the tests then send its event): the thread holds it as Slack would."""
        with self._lock:
            self._ts = max(self._ts + 0.000001, time.time())
            ts = f"{self._ts:.6f}"
            self._messages[(channel, ts)] = {"text": text, "user": user} | (
                {"thread_ts": thread_ts} if thread_ts else {}
            )
        return ts

    def _open_view(self, args: dict[str, Any]) -> dict[str, Any]:
        """views.open: a modal as Slack checks it (a title of 24 characters at most, at most 100 blocks, a
        trigger used once)."""
        view = json.loads(args["view"]) if isinstance(args["view"], str) else args["view"]
        if not isinstance(view, dict) or view.get("type") != "modal":
            return {"ok": False, "error": "invalid_arguments"}
        title = (view.get("title") or {}).get("text", "")
        if not title or len(title) > 24 or len(view.get("blocks") or []) > 100:
            return {"ok": False, "error": "invalid_arguments"}
        if len(view.get("private_metadata") or "") > 3000:
            return {"ok": False, "error": "invalid_arguments"}
        if args["trigger_id"] in self.triggers_used:
            return {"ok": False, "error": "expired_trigger_id"}
        self.triggers_used.add(args["trigger_id"])
        return {"ok": True, "view": view | {"id": f"V{len(self.triggers_used):08d}"}}

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent, then its replies oldest first, with the files shared in them."""
        channel, parent = args["channel"], args["ts"]
        if (channel, parent) not in self._messages:
            return {"ok": False, "error": "thread_not_found"}
        found = sorted(
            (
                (ts, m)
                for (c, ts), m in self._messages.items()
                if c == channel and (ts == parent or m.get("thread_ts") == parent)
            ),
            key=lambda item: float(item[0]),
        )
        with_metadata = str(args.get("include_all_metadata")).lower() in ("true", "1")
        messages = [
            {"type": "message", "ts": ts, "text": m.get("text", "")}
            | ({"files": m["files"]} if m.get("files") else {})
            | {k: m[k] for k in ("user", "bot_id", "thread_ts") if m.get(k)}
            | ({"metadata": m["metadata"]} if with_metadata and m.get("metadata") else {})
            for ts, m in found
        ]
        return {"ok": True, "messages": messages, "has_more": False, "response_metadata": {"next_cursor": ""}}

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Top-level messages of a channel since `oldest`, newest first; metadata only when asked for."""
        oldest = float(args.get("oldest") or 0)
        found = sorted(
            ((ts, m) for (channel, ts), m in self._messages.items()
             if channel == args["channel"] and float(ts) >= oldest and not m.get("thread_ts")),
            key=lambda item: -float(item[0]),
        )  # fmt: skip
        with_metadata = str(args.get("include_all_metadata")).lower() in ("true", "1")
        messages = [
            {"type": "message", "ts": ts, "text": m.get("text", "")}
            | ({"metadata": m["metadata"]} if with_metadata and m.get("metadata") else {})
            for ts, m in found[: int(args.get("limit") or 100)]
        ]
        return {"ok": True, "messages": messages, "has_more": False, "response_metadata": {"next_cursor": ""}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(QuietHandler):
            def _reply(self, status: int, doc: dict[str, Any]) -> None:
                send_json(self, status, doc)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/upload/"):
                    file_id = self.path.rsplit("/", 1)[1]
                    if file_id not in standin.uploads:
                        return self._reply(404, {"ok": False})
                    standin.uploads[file_id] = body
                    standin.calls.append(Call("upload", {"file_id": file_id, "bytes": len(body)}))
                    return self._reply(200, {"ok": True})
                if self.path.startswith("/response/"):
                    standin.calls.append(Call("response_url", json.loads(body or b"{}")))
                    return self._reply(200, {"ok": True})
                method = self.path.removeprefix("/api/")
                if method not in REQUIRED:
                    return self._reply(404, {"ok": False, "error": "unknown_method"})
                if self.headers.get("Authorization") != f"Bearer {standin.token}":
                    return self._reply(200, {"ok": False, "error": "invalid_auth"})
                kind = self.headers.get("Content-Type", "")
                if kind.startswith("application/json"):
                    args = json.loads(body)
                elif kind.startswith("application/x-www-form-urlencoded"):
                    args = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    if isinstance(args.get("blocks"), str):
                        args["blocks"] = json.loads(args["blocks"])
                else:
                    return self._reply(200, {"ok": False, "error": "invalid_form_data"})
                delay = standin.hang(method, args)
                if delay:
                    time.sleep(delay)
                down = standin.outage(method, args)
                if down is not None:
                    standin.refused.append(Call(method, args))
                    status, doc, headers = down
                    return send_json(self, status, doc, headers)
                standin.calls.append(Call(method, args))
                answer = standin._answer(method, args)
                later = standin.hang_after(method, args)
                if later:
                    time.sleep(later)
                return self._reply(200, answer)

        return Handler
