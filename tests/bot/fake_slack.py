"""A local Slack Web API: the methods ardesk calls, answering in Slack's wire format and refusing
what Slack refuses (a wrong token, a channel the bot is not in, an ephemeral message for someone
outside the channel, malformed blocks). It records every accepted post."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
BOT_USER = "UARDESKBOT"
TEAM = "T0SUPPLIER"


@dataclass
class Post:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.time)  # when it arrived (for bench/chat.py)

    @property
    def text(self) -> str:
        return self.args.get("text", "")

    @property
    def buttons(self) -> list[str]:
        urls = []
        for block in self.args.get("blocks", []):
            accessory = block.get("accessory") or {}
            urls += [accessory["url"]] if "url" in accessory else []
            urls += [e["url"] for e in block.get("elements", []) if "url" in e]
        return urls


@dataclass
class FakeSlack:
    users: dict[str, str] = field(default_factory=dict)  # user id → email
    unconfirmed: set[str] = field(default_factory=set)  # users whose email Slack has not confirmed
    members: dict[str, set[str]] = field(default_factory=dict)  # channel → user ids
    posts: list[Post] = field(default_factory=list)
    refuse_next: list[int] = field(default_factory=list)  # HTTP statuses for the next posts
    socket_url: str | None = None  # what apps.connections.open hands out (Socket Mode)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def __enter__(self) -> FakeSlack:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def call(self, method: str, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "auth.test":
            return 200, {"ok": True, "user_id": BOT_USER, "bot_id": "BARDESK", "team_id": TEAM}
        if method == "users.info":
            email = self.users.get(args.get("user", ""))
            if email is None:
                return 200, {"ok": False, "error": "user_not_found"}
            user = {
                "id": args["user"],
                "team_id": TEAM,
                "deleted": False,
                "is_bot": False,
                "is_email_confirmed": args["user"] not in self.unconfirmed,
                "profile": {"email": email},
            }
            return 200, {"ok": True, "user": user}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            with self.lock:
                if self.refuse_next:
                    return self.refuse_next.pop(0), {"ok": False, "error": "ratelimited"}
            channel = args.get("channel", "")
            if channel not in self.members:
                return 200, {"ok": False, "error": "channel_not_found"}
            if method == "chat.postEphemeral" and args.get("user") not in self.members[channel]:
                return 200, {"ok": False, "error": "user_not_in_channel"}
            blocks = args.get("blocks") or []
            if len(blocks) > 50 or any("type" not in b for b in blocks):
                return 200, {"ok": False, "error": "invalid_blocks"}
            with self.lock:
                self.posts.append(Post(method, args))
            return 200, {"ok": True, "channel": channel, "ts": f"{len(self.posts)}.000100"}
        return 404, {"ok": False, "error": "unknown_method"}


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.endswith("/apps.connections.open"):  # the app-level token only
                if (
                    self.headers.get("Authorization") != f"Bearer {APP_TOKEN}"
                    or not fake.socket_url
                ):
                    self._answer(200, {"ok": False, "error": "invalid_auth"})
                else:
                    self._answer(200, {"ok": True, "url": fake.socket_url})
                return
            if self.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
                self._answer(200, {"ok": False, "error": "invalid_auth"})
                return
            if "json" in (self.headers.get("Content-Type") or ""):
                args = json.loads(body or b"{}")
            else:
                args = dict(parse_qsl(body.decode()))
            status, answer = fake.call(self.path.removeprefix("/api/"), args)
            self._answer(status, answer)

        def _answer(self, status: int, answer: dict[str, Any]) -> None:
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
