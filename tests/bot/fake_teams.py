"""Microsoft's side of Teams, on loopback: the Entra ID token endpoint the bot gets its own token
from, and the Bot Connector at the activities' serviceUrl, both over HTTPS with a certificate the
test makes (MSAL and the SDK's host validator accept nothing else). Both refuse what Microsoft
refuses: a wrong client secret, a missing or unknown bearer token, an unknown conversation."""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ISSUED_TOKEN = "connector-token-0123456789"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost and its key, written as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Sent:
    conversation: str
    activity: dict[str, Any]
    reply_to: str | None = None
    at: float = field(default_factory=time.time)  # when it arrived (for bench/chat.py)

    @property
    def buttons(self) -> list[str]:
        urls = []
        for attachment in self.activity.get("attachments") or []:
            content = attachment.get("content") or {}
            urls += [a["url"] for a in content.get("actions", []) if a.get("url")]
            for item in content.get("body", []):
                urls += [a["url"] for a in item.get("actions", []) if a.get("url")]
        return urls


@dataclass
class FakeMicrosoft:
    client_id: str
    client_secret: str
    tmp: Path
    members: dict[str, dict[str, str]] = field(default_factory=dict)  # Teams user id → profile
    conversations: set[str] = field(default_factory=set)
    sent: list[Sent] = field(default_factory=list)
    token_requests: int = 0

    def __post_init__(self) -> None:
        self.cert, key = self_signed(self.tmp)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.login = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.connector = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        for server in (self.login, self.connector):  # both https, as Microsoft's are
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self.threads = [
            threading.Thread(target=s.serve_forever, daemon=True)
            for s in (self.login, self.connector)
        ]

    @property
    def authority(self) -> str:
        # An AD FS-style authority: MSAL then reads its OpenID configuration from this host
        # instead of asking login.microsoftonline.com whether the host is known.
        return f"https://127.0.0.1:{self.login.server_address[1]}/adfs"

    @property
    def service_url(self) -> str:
        # By name: the SDK's host validator refuses every IP address of the loopback network.
        return f"https://localhost:{self.connector.server_address[1]}/teams/"

    def __enter__(self) -> FakeMicrosoft:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        for server in (self.login, self.connector):
            server.shutdown()
            server.server_close()

    def handle(self, method: str, path: str, body: bytes, auth: str | None) -> tuple[int, Any]:
        if path == "/adfs/.well-known/openid-configuration":
            return 200, {
                "issuer": self.authority,
                "authorization_endpoint": f"{self.authority}/oauth2/authorize",
                "token_endpoint": f"{self.authority}/oauth2/token",
            }
        if path == "/adfs/oauth2/token" and method == "POST":
            form = dict(parse_qsl(body.decode()))
            if (form.get("client_id"), form.get("client_secret")) != (
                self.client_id,
                self.client_secret,
            ):
                return 401, {"error": "invalid_client"}
            self.token_requests += 1
            return 200, {"access_token": ISSUED_TOKEN, "token_type": "Bearer", "expires_in": 3600}
        if auth != f"Bearer {ISSUED_TOKEN}":
            return 401, {"message": "Authorization has been denied for this request."}
        if path == "/teams/v3/conversations" and method == "POST":
            request = json.loads(body)
            conversation = f"a:1on1-{request['members'][0]['id']}"
            self.conversations.add(conversation)
            return 201, {"id": conversation}
        match = re.fullmatch(r"/teams/v3/conversations/([^/]+)/members/([^/]+)", path)
        if match and method == "GET":
            profile = self.members.get(match.group(2))
            return (200, profile) if profile else (404, {"error": {"code": "MemberNotFound"}})
        match = re.fullmatch(r"/teams/v3/conversations/([^/]+)/activities(?:/([^/]+))?", path)
        if match and method == "POST":
            if match.group(1) not in self.conversations:
                return 404, {"error": {"code": "ConversationNotFound"}}
            self.sent.append(Sent(match.group(1), json.loads(body), match.group(2)))
            return 201, {"id": f"reply-{len(self.sent)}"}
        return 404, {"error": {"code": "NotFound"}}


def _handler(fake: FakeMicrosoft) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args) -> None:
            pass

        def _serve(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = self.path.split("?")[0]
            from urllib.parse import unquote

            status, answer = fake.handle(
                method, unquote(path), body, self.headers.get("Authorization")
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler
