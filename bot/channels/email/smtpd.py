"""SMTP intake (aiosmtpd) for operators who forward or route mail to ardesk.

A message is accepted (250) only after it is stored; when storing fails the sender gets a 451
and retries, so nothing is lost between the mail server and the inbox table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.channels.email.intake import store_email
from core import metrics
from core.config import ConfigError, Settings
from core.db import Database
from core.heartbeats import IntakeHealth

log = logging.getLogger(__name__)


class IntakeHandler:
    def __init__(
        self,
        db: Database,
        on_stored: Callable[[], None] = lambda: None,
        health: IntakeHealth | None = None,
    ) -> None:
        self.db = db
        self.on_stored = on_stored
        self.health = health or IntakeHealth()  # smtpd's heartbeat reports it

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            # The database call is short; a thread would only add a hop for SQLite's sake.
            _, created = store_email(self.db, raw)
        except Exception as error:  # the sending server keeps the message and retries
            log.error("could not store an SMTP message: %s", type(error).__name__)
            metrics.smtp_intake_failed()

            self.health.smtp_failed()
            return "451 4.3.0 Temporary failure storing the message, try again later"
        if created:
            self.on_stored()
        return "250 2.0.0 Message stored"


def intake_address(settings: Settings) -> tuple[str, int]:
    value = settings.smtp_intake
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"ARDESK_SMTP_INTAKE must be HOST:PORT, not {value!r}")
    return host.strip("[]"), int(port)


def make_controller(
    db: Database,
    settings: Settings,
    *,
    on_stored: Callable[[], None] = lambda: None,
    host: str | None = None,
    port: int | None = None,
    health: IntakeHealth | None = None,
) -> Controller:
    default_host, default_port = intake_address(settings)
    max_bytes = settings.smtp_intake_max_bytes
    return Controller(
        IntakeHandler(db, on_stored, health),
        hostname=host or default_host,
        port=port if port is not None else default_port,
        data_size_limit=max_bytes,
        decode_data=False,
        server_hostname="ardesk",
    )
