"""A real SMTP server on loopback that captures what it receives, for tests.

It is aiosmtpd on 127.0.0.1 on a free port. ``fail_next(code, times)`` makes the next deliveries
get that reply (421, 450, 550 …) instead of being accepted. Optional TLS: ``tls_context`` offers
STARTTLS, ``implicit_tls`` serves TLS from the first byte (smtps); ``credentials`` requires AUTH.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

_REPLIES = {
    421: "421 4.3.0 Service not available, closing channel",
    450: "450 4.2.1 Mailbox busy, try again later",
    451: "451 4.3.0 Local error in processing",
    452: "452 4.3.1 Insufficient system storage",
    550: "550 5.1.1 Mailbox unavailable",
    552: "552 5.3.4 Message too big",
    554: "554 5.7.1 Transaction failed",
}


@dataclass(frozen=True)
class Captured:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes  # exactly the bytes received after DATA
    message: EmailMessage
    received_at: float = field(default_factory=time.time)  # for latency figures


class _Handler:
    def __init__(self, server: SmtpTestServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, _server: Any, _session: Session, envelope: Envelope, address: str, _options: Any
    ) -> str:
        failure = self.server._take_failure("rcpt")
        if failure is not None:
            return failure
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, _server: Any, _session: Session, envelope: Envelope) -> str:
        failure = self.server._take_failure("data")
        if failure is not None:
            return failure
        data = envelope.original_content or b""
        message = BytesParser(policy=policy.default).parsebytes(data)
        assert isinstance(message, EmailMessage)
        self.server._capture(
            Captured(envelope.mail_from or "", tuple(envelope.rcpt_tos), data, message)
        )
        return "250 2.0.0 Message accepted"


class _LoopbackController(Controller):
    """Serves on a socket bound to port 0, so two test runs never fight over a port."""

    def __init__(self, handler: Any, sock: socket.socket, **kwargs: Any) -> None:
        self._sock = sock
        super().__init__(handler, hostname="127.0.0.1", port=sock.getsockname()[1], **kwargs)

    def _create_server(self) -> Awaitable[Any]:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class SmtpTestServer:
    def __init__(
        self,
        *,
        tls_context: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.messages: list[Captured] = []
        self._failures: list[tuple[str, str]] = []  # (stage, reply), in order
        self._lock = threading.Lock()
        self._tls_context = tls_context
        self._implicit_tls = implicit_tls
        self._credentials = credentials
        self._controller: _LoopbackController | None = None
        self.host = "127.0.0.1"
        self.port = 0

    def start(self) -> SmtpTestServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        kwargs: dict[str, Any] = {"server_hostname": "localhost"}
        if self._implicit_tls:
            kwargs["ssl_context"] = self._tls_context
        elif self._tls_context is not None:
            kwargs["tls_context"] = self._tls_context
        if self._credentials is not None:
            kwargs["authenticator"] = self._authenticate
            # Over implicit TLS the whole session is encrypted; aiosmtpd only knows about STARTTLS.
            kwargs["auth_require_tls"] = self._tls_context is not None and not self._implicit_tls
        self._controller = _LoopbackController(_Handler(self), sock, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._implicit_tls:
            return f"smtps://{self.host}:{self.port}"
        if self._tls_context is not None:
            return f"smtp+starttls://{self.host}:{self.port}"
        return f"smtp://{self.host}:{self.port}"

    def fail_next(
        self, code: int, times: int = 1, reply: str | None = None, *, stage: str = "data"
    ) -> None:
        """Answer the next ``times`` deliveries with ``code`` instead of accepting them, after
        the message (``stage="data"``) or at the recipient (``stage="rcpt"``)."""
        if stage not in ("data", "rcpt"):
            raise ValueError("stage is 'data' or 'rcpt'")
        text = reply or _REPLIES.get(code) or f"{code} {code // 100}.0.0 Refused by the test"
        with self._lock:
            self._failures += [(stage, text)] * times

    def stop_failing(self) -> None:
        """Accept again: drop the refusals not yet given."""
        with self._lock:
            self._failures.clear()

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self._failures.clear()

    def _take_failure(self, stage: str) -> str | None:
        with self._lock:
            if self._failures and self._failures[0][0] == stage:
                return self._failures.pop(0)[1]
            return None

    def _capture(self, captured: Captured) -> None:
        with self._lock:
            self.messages.append(captured)

    def _authenticate(
        self, _server: Any, _session: Session, _envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if mechanism not in ("LOGIN", "PLAIN") or not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        expected = self._credentials or ("", "")
        given = (data.login.decode(), data.password.decode())
        return AuthResult(success=given == expected, handled=False)
