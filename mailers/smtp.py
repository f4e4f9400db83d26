"""Sending stored email over SMTP, with failures sorted into "try again" and "give up".

``ARDESK_SMTP_URL`` takes three forms: ``smtp://host:25`` (plain), ``smtp+starttls://user:pass@
host:587`` and ``smtps://user:pass@host:465`` (TLS from the first byte). The password may be
URL-encoded in the URL or come from ``ARDESK_SMTP_PASSWORD``. The worker owns the retry schedule;
``next_attempt_delay`` is a backoff it may use.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from types import TracebackType
from urllib.parse import unquote, urlsplit

from core.config import ConfigError, Settings

log = logging.getLogger(__name__)

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
DEFAULT_TIMEOUT = 30.0
MAX_REASON = 200


class DeliveryError(Exception):
    """A delivery that did not happen. ``code`` is the SMTP reply code when the server gave one;
    ``reason`` is short and never contains the message."""

    permanent = False

    def __init__(self, code: int | None, reason: str) -> None:
        self.code = code
        self.reason = _short(reason)
        super().__init__(f"{code} {self.reason}" if code else self.reason)


class TransientDeliveryError(DeliveryError):
    """Try again later: a 4xx reply, a refused or dropped connection, a timeout, bad settings."""


class PermanentDeliveryError(DeliveryError):
    """The server refused the message for good (5xx): retrying will not help."""

    permanent = True


def _short(text: str) -> str:
    return " ".join(str(text).split())[:MAX_REASON]


@dataclass(frozen=True)
class SmtpConfig:
    scheme: str
    host: str
    port: int
    envelope_sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    local_hostname: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        url = settings.smtp_url
        if not url:
            raise ConfigError("ARDESK_SMTP_URL is not set (e.g. smtp+starttls://user@host:587)")
        config = parse_smtp_url(
            url,
            envelope_sender=settings.sender_address,
            password=settings.smtp_password,
            timeout=settings.smtp_timeout,
        )
        if settings.is_production and config.scheme == "smtp" and not _loopback(config.host):
            # Replies carry signed links: as with IMAP, no plain text across a network.
            raise ConfigError(
                "ARDESK_SMTP_URL must use TLS (smtp+starttls:// or smtps://) in production; "
                "plain smtp:// is allowed only to a relay on this machine (127.0.0.1, ::1)"
            )
        return config


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def parse_smtp_url(
    url: str,
    *,
    envelope_sender: str,
    password: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> SmtpConfig:
    """Parse an SMTP URL; ``password`` (from ARDESK_SMTP_PASSWORD) wins over one in the URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ConfigError(
            f"ARDESK_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://, not {scheme!r}"
        )
    try:
        port = parts.port or SCHEMES[scheme]
    except ValueError:
        raise ConfigError("ARDESK_SMTP_URL has a port that is not a number") from None
    if not parts.hostname:
        raise ConfigError("ARDESK_SMTP_URL names no host")
    username = unquote(parts.username) if parts.username else None
    secret = (
        password if password is not None else (unquote(parts.password) if parts.password else None)
    )
    if secret and not username:
        raise ConfigError("ARDESK_SMTP_URL has a password but no user name")
    if username and scheme == "smtp":
        # Credentials over a plain connection would cross the network readable.
        raise ConfigError("ARDESK_SMTP_URL: log in only over smtp+starttls:// or smtps://")
    return SmtpConfig(
        scheme=scheme,
        host=parts.hostname,
        port=port,
        envelope_sender=envelope_sender,
        username=username,
        password=secret,
        timeout=timeout,
    )


def _as_crlf(payload: bytes) -> bytes:
    # SMTP requires CRLF; a bare LF (say, in an attached original) is refused by hardened servers.
    return re.sub(rb"\r?\n", b"\r\n", payload)


class SmtpTransport:
    """Delivers stored messages; keeps one connection open across sends when used with ``with``.

    ``ssl_context`` defaults to the system's verified one; tests pass one trusting their own
    certificate.
    """

    def __init__(self, config: SmtpConfig, ssl_context: ssl.SSLContext | None = None) -> None:
        self.config = config
        self.ssl_context = ssl_context or ssl.create_default_context()
        self._connection: smtplib.SMTP | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, ssl_context: ssl.SSLContext | None = None
    ) -> SmtpTransport:
        return cls(SmtpConfig.from_settings(settings), ssl_context)

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()

    def send(self, payload: bytes, recipient: str) -> None:
        """Deliver ``payload`` (RFC 5322 bytes) to ``recipient``, or raise a DeliveryError."""
        try:
            connection = self._connect()
            options = (
                ["BODY=8BITMIME"] if _is_8bit(payload) and connection.has_extn("8bitmime") else []
            )
            connection.sendmail(
                self.config.envelope_sender, [recipient], _as_crlf(payload), options
            )
        except smtplib.SMTPRecipientsRefused as exc:
            self._drop()
            code, reply = next(iter(exc.recipients.values()))
            raise classify(code, reply) from None
        except smtplib.SMTPAuthenticationError as exc:
            self._drop()
            # Wrong credentials are a setting to fix, not a message to give up on.
            raise TransientDeliveryError(exc.smtp_code, "authentication failed") from None
        except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as exc:
            self._drop()
            # The server turned the connection away before any message: not this message's fault.
            raise TransientDeliveryError(exc.smtp_code, _reply_text(exc.smtp_error)) from None
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise classify(exc.smtp_code, exc.smtp_error) from None
        except smtplib.SMTPNotSupportedError as exc:
            self._drop()
            raise TransientDeliveryError(None, f"server does not support {exc}") from None
        except smtplib.SMTPServerDisconnected:
            self._drop()
            raise TransientDeliveryError(None, "server closed the connection") from None
        except TimeoutError:
            self._drop()
            raise TransientDeliveryError(None, "timed out") from None
        except ssl.SSLError as exc:
            self._drop()
            raise TransientDeliveryError(None, f"TLS failed: {exc.reason or exc}") from None
        except OSError as exc:
            # Refused, reset, unreachable, name not found: the network, not the message.
            self._drop()
            raise TransientDeliveryError(None, exc.strerror or type(exc).__name__) from None
        # Addresses and contents stay out of the log; the outbox row records who got what.
        log.debug("delivered one message via %s:%s", self.config.host, self.config.port)

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _connect(self) -> smtplib.SMTP:
        if self._connection is not None:
            try:
                if self._connection.noop()[0] == 250:
                    return self._connection
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()
        config = self.config
        if config.scheme == "smtps":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host,
                config.port,
                local_hostname=config.local_hostname,
                timeout=config.timeout,
                context=self.ssl_context,
            )
        else:
            connection = smtplib.SMTP(
                config.host,
                config.port,
                local_hostname=config.local_hostname,
                timeout=config.timeout,
            )
        try:
            connection.ehlo()
            if config.scheme == "smtp+starttls":
                connection.starttls(context=self.ssl_context)
                connection.ehlo()
            if config.username:
                connection.login(config.username, config.password or "")
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection


def _is_8bit(payload: bytes) -> bool:
    return any(byte > 127 for byte in payload)


def _reply_text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def classify(code: int, reply: bytes | str) -> DeliveryError:
    """4xx (and anything unexpected) → transient; 5xx → permanent."""
    text = _reply_text(reply)
    if 500 <= code <= 599:
        return PermanentDeliveryError(code, text)
    return TransientDeliveryError(code if code > 0 else None, text)


def send(settings: Settings, payload: bytes, recipient: str) -> None:
    """Deliver one message on a connection of its own (the worker keeps an SmtpTransport)."""
    with SmtpTransport(SmtpConfig.from_settings(settings)) as transport:
        transport.send(payload, recipient)


# The worker's retry schedule may use this: 1, 2, 4, 8 … minutes, never more than 4 hours apart.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=4)


def next_attempt_delay(
    attempts: int,
    *,
    base: timedelta = BACKOFF_BASE,
    cap: timedelta = BACKOFF_CAP,
    jitter: float = 0.0,
    rng: random.Random | None = None,
) -> timedelta:
    """How long to wait after ``attempts`` failed attempts (1 → ``base``), doubling up to ``cap``.

    ``jitter`` (0 to 1) spreads each delay by up to that fraction either way, so many messages
    that failed together do not retry together; pass a seeded ``rng`` for repeatable delays.
    """
    if attempts < 1:
        return timedelta(0)
    if not 0.0 <= jitter <= 1.0:
        raise ValueError("jitter is a fraction between 0 and 1")
    delay = min(base * (2 ** min(attempts - 1, 32)), cap)
    if jitter:
        spread = (rng or random).uniform(-jitter, jitter)
        delay = delay * (1 + spread)
    return delay
