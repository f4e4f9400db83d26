"""IMAP intake with imapclient: IDLE where the server has it, polling otherwise.

The position in each mailbox is (UIDVALIDITY, last UID stored), kept in the database and
advanced in the same transaction that stores a message, so a restart neither skips nor repeats
one. A message is flagged \\Seen (or moved to a folder) only after it is stored. When the server
drops the connection, intake reconnects with backoff.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from imapclient import IMAPClient

from bot import failpoints
from bot.channels.email.intake import store_email
from bot.channels.email.oauth2 import access_token
from core import metrics
from core.config import ConfigError, Settings
from core.db import Database
from core.heartbeats import IntakeHealth, failure_kind
from core.models import MailboxState

log = logging.getLogger(__name__)

# Servers drop IDLE after about 30 minutes. Renewing every 10 s also bounds the wait for a
# message whose arrival was announced during one of our own commands (and so not again in IDLE).
IDLE_RENEW = 10
# Messages fetched in one command: at most this many, and at most this many bytes together.
FETCH_BATCH = 50
FETCH_BATCH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    user: str
    folder: str
    tls: str  # "ssl", "starttls" or "none"
    password: str | None
    oauth2: bool
    processed_folder: str | None
    poll_interval: float
    max_bytes: int  # of one message: a larger one is read up to here

    @property
    def mailbox_key(self) -> str:
        return f"{self.user}@{self.host}/{self.folder}"


def _batches(sizes: dict[int, int], max_bytes: int) -> list[list[int]]:
    """The UIDs of ``sizes`` in order, in groups to fetch together: ``FETCH_BATCH`` messages and
    ``FETCH_BATCH_BYTES`` at most, each message counted at what intake reads of it."""
    batches: list[list[int]] = []
    held = 0
    for uid, size in sizes.items():
        read = min(size, max_bytes)
        if not batches or len(batches[-1]) == FETCH_BATCH or held + read > FETCH_BATCH_BYTES:
            batches.append([])
            held = 0
        batches[-1].append(uid)
        held += read
    return batches


def imap_config(settings: Settings) -> ImapConfig:
    """From ``ARDESK_IMAP_URL`` (``imaps://user@host/INBOX``, ``imap+starttls://…``, ``imap://…``)."""
    url = settings.imap_url
    if not url:
        raise ConfigError("ARDESK_IMAP_URL is not set (e.g. imaps://ar@mail.example.com/INBOX)")
    parts = urlsplit(url)
    schemes = {"imaps": ("ssl", 993), "imap+starttls": ("starttls", 143), "imap": ("none", 143)}
    if parts.scheme not in schemes or not parts.hostname or not parts.username:
        raise ConfigError("ARDESK_IMAP_URL must look like imaps://user@host/INBOX")
    tls, default_port = schemes[parts.scheme]
    if tls == "none" and settings.is_production:
        raise ConfigError(
            "ARDESK_IMAP_URL must use TLS (imaps:// or imap+starttls://) in production"
        )
    oauth2 = bool(settings.imap_oauth2_token_url or settings.imap_oauth2_token)
    password = settings.imap_password or (unquote(parts.password) if parts.password else None)
    if not password and not oauth2:
        raise ConfigError("set ARDESK_IMAP_PASSWORD or the ARDESK_IMAP_OAUTH2_* variables")
    return ImapConfig(
        host=parts.hostname,
        port=parts.port or default_port,
        user=unquote(parts.username),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        tls=tls,
        password=password,
        oauth2=oauth2,
        processed_folder=settings.imap_processed_folder,
        poll_interval=settings.imap_poll_interval,
        max_bytes=settings.imap_max_bytes,
    )


class ImapIntake:
    """Fetches new mail into the inbox table; ``on_stored`` wakes the pipeline."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        on_stored: Callable[[], None] = lambda: None,
        ssl_context: ssl.SSLContext | None = None,
        health: IntakeHealth | None = None,
    ) -> None:
        self.db = db
        self.health = health or IntakeHealth()  # the worker's heartbeat reports it
        self.settings = settings
        self.config = imap_config(settings)
        self.on_stored = on_stored
        self.ssl_context = ssl_context or ssl.create_default_context(
            cafile=str(settings.imap_ca_file) if settings.imap_ca_file else None
        )
        self.stopping = threading.Event()
        self.last_fetch_size = 0

    # -- connection -------------------------------------------------------------------------

    def connect(self) -> IMAPClient:
        cfg = self.config
        try:
            client = IMAPClient(
                cfg.host, port=cfg.port, ssl=cfg.tls == "ssl", ssl_context=self.ssl_context,
                timeout=60,
            )  # fmt: skip
            if cfg.tls == "starttls":
                client.starttls(self.ssl_context)
        except ssl.SSLCertVerificationError as error:
            raise ConfigError(
                f"IMAP {cfg.host}: its certificate is not trusted ({error.verify_message}); "
                "if a private CA signed it, set ARDESK_IMAP_CA_FILE to that CA's certificate"
            ) from None
        if cfg.oauth2:
            client.oauth2_login(cfg.user, access_token(self.settings))
        else:
            client.login(cfg.user, cfg.password)
        client.select_folder(cfg.folder)
        return client

    # -- one pass ---------------------------------------------------------------------------

    def fetch_new(self, client: IMAPClient) -> int:
        """Store every message past the last UID; returns how many were new."""
        cfg = self.config
        status = client.folder_status(cfg.folder, ["UIDVALIDITY"])
        uidvalidity = int(status[b"UIDVALIDITY"])
        last_uid = self._position(uidvalidity)
        uids = [uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid]
        self.last_fetch_size = len(uids)
        stored = 0
        sizes = self._sizes(client, sorted(uids))
        for batch in _batches(sizes, self.config.max_bytes):
            fetched = self._fetch(client, batch, sizes)
            for uid in batch:
                if uid not in fetched:  # expunged meanwhile
                    continue
                raw, received_at = fetched[uid]
                _, created = store_email(self.db, raw, received_at)
                failpoints.reach("after_fetch")
                self._advance(uidvalidity, uid)
                stored += created
                self._mark_processed(client, uid)
            if stored:
                self.on_stored()
        metrics.imap_fetched()

        self.health.imap_fetched()
        return stored

    def _sizes(self, client: IMAPClient, uids: list[int]) -> dict[int, int]:
        """Each message's size in bytes, in UID order (one that was expunged meanwhile has
        none)."""
        sizes = {}
        for start in range(0, len(uids), FETCH_BATCH):
            chunk = uids[start : start + FETCH_BATCH]
            found = client.fetch(chunk, ["RFC822.SIZE"])
            sizes.update(
                (uid, int(found[uid].get(b"RFC822.SIZE") or 0)) for uid in chunk if uid in found
            )
        return sizes

    def _fetch(
        self, client: IMAPClient, batch: list[int], sizes: dict[int, int]
    ) -> dict[int, tuple[bytes, datetime | None]]:
        """Each message of ``batch`` (its first ``max_bytes`` at most) and its arrival time; a
        message cut there is logged, and stored as far as it was read."""
        limit = self.config.max_bytes
        # BODY.PEEK[] is the whole message, as RFC822 is, without flagging it \Seen before it
        # is stored; with <0.limit> the server sends at most that much of it.
        fetched = client.fetch(batch, [f"BODY.PEEK[]<0.{limit}>", "INTERNALDATE"])
        messages = {}
        for uid, data in fetched.items():
            raw = next((v for k, v in data.items() if k.startswith(b"BODY[]")), None)
            if raw is None:
                continue
            if sizes[uid] > limit:
                log.warning(
                    "IMAP message %s is %s bytes: read the first %s", uid, sizes[uid], limit
                )
            received = data.get(b"INTERNALDATE")
            messages[uid] = (raw, _aware(received) if isinstance(received, datetime) else None)
        return messages

    def _position(self, uidvalidity: int) -> int:
        with self.db.admin_session() as session:
            state = session.get(MailboxState, self.config.mailbox_key)
            if state is None:
                session.add(
                    MailboxState(
                        mailbox=self.config.mailbox_key, uidvalidity=uidvalidity, last_uid=0
                    )
                )
                return 0
            if state.uidvalidity != uidvalidity:
                # The server renumbered the folder: read it again; stored copies are deduplicated.
                log.warning("UIDVALIDITY of %s changed: rescanning", self.config.mailbox_key)
                state.uidvalidity, state.last_uid = uidvalidity, 0
            return state.last_uid

    def _advance(self, uidvalidity: int, uid: int) -> None:
        with self.db.admin_session() as session:
            state = session.get(MailboxState, self.config.mailbox_key)
            if state.uidvalidity == uidvalidity and uid > state.last_uid:
                state.last_uid = uid

    def _mark_processed(self, client: IMAPClient, uid: int) -> None:
        if self.config.processed_folder:
            if client.has_capability("MOVE"):
                client.move([uid], self.config.processed_folder)
            else:
                client.copy([uid], self.config.processed_folder)
                client.delete_messages([uid])
                client.uid_expunge([uid]) if client.has_capability("UIDPLUS") else client.expunge()
        else:
            client.add_flags([uid], [b"\\Seen"])

    # -- the loop ---------------------------------------------------------------------------

    def wait_for_mail(self, client: IMAPClient) -> None:
        if client.has_capability("IDLE"):
            client.idle()
            try:
                deadline = time.monotonic() + IDLE_RENEW
                while not self.stopping.is_set() and time.monotonic() < deadline:
                    if client.idle_check(timeout=1):
                        break
            finally:
                client.idle_done()
        else:
            self.stopping.wait(self.config.poll_interval)

    def poll_once(self) -> int:
        """Connect, store what is new, disconnect (for `ardesk worker --once`)."""
        client = self.connect()
        try:
            return self.fetch_new(client)
        finally:
            _logout(client)

    def run(self) -> None:
        """Until stopped: connect, fetch, wait (IDLE or poll); reconnect with backoff on failure."""
        backoff = 1.0
        while not self.stopping.is_set():
            try:
                client = self.connect()
                backoff = 1.0
                try:
                    while not self.stopping.is_set():
                        self.fetch_new(client)
                        # While mail keeps coming, fetch again at once: what arrived during
                        # this pass was announced to its commands, and IDLE would not say it again.
                        if not self.last_fetch_size and not _announced(client):
                            self.wait_for_mail(client)
                finally:
                    _logout(client)
            except Exception as error:  # intake never dies: it logs, waits and tries again
                metrics.imap_failed(failure_kind(error))
                self.health.imap_failed(error)
                log.warning(
                    "IMAP %s: %s; reconnecting in %.0f s",
                    self.config.host,
                    error if isinstance(error, ConfigError) else type(error).__name__,
                    backoff,
                )
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, 300)

    def stop(self) -> None:
        self.stopping.set()


def _announced(client: IMAPClient) -> bool:
    """Whether the server announced new mail (EXISTS) in answer to one of our own commands since
    we last looked: IDLE would not announce it again. imaplib keeps such untagged responses."""
    untagged = client._imap.untagged_responses
    return bool(untagged.pop("EXISTS", None)) | bool(untagged.pop("RECENT", None))


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _logout(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):  # the connection is going away either way
        client.logout()
