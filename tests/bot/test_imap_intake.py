"""IMAP intake against a real Dovecot: position tracking, processed folder, reconnecting."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from bot.channels.email.imap import ImapIntake, imap_config
from core.config import ConfigError
from core.models import InboundMessage, MailboxState
from tests.bot.conftest import eml
from tests.bot.support import with_headers
from tests.bot.test_email_end_to_end import dovecot, mailbox  # noqa: F401  (fixtures)
from tests.support.dovecot import PASSWORD


def _settings(db, **extra):
    db.settings = db.settings.replace(**{name.lower(): value for name, value in extra.items()})
    return db


@pytest.fixture
def imap_db(world, mailbox):  # noqa: F811
    return _settings(world, IMAP_URL=mailbox.url, IMAP_PASSWORD=PASSWORD)


def _stored(db) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(InboundMessage))


def _request(i: int) -> bytes:
    return with_headers(eml("apple_balance_fr.eml"), Message_Id=f"<imap-{i}@brookfield.example>")


def test_it_neither_skips_nor_repeats_across_restarts(imap_db, mailbox):  # noqa: F811
    mailbox.append(_request(1))
    mailbox.append(_request(2))
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 2
    mailbox.append(_request(3))
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 1  # a new process, same place
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 0
    assert _stored(imap_db) == 3


def test_it_rescans_when_uidvalidity_changes_and_keeps_one_copy(imap_db, mailbox):  # noqa: F811
    mailbox.append(_request(1))
    ImapIntake(imap_db, imap_db.settings).poll_once()
    with imap_db.admin_session() as s:
        state = s.scalar(select(MailboxState))
        state.uidvalidity += 1  # as after the server renumbered the folder
        state.last_uid = 99
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 0  # read again, recognised
    assert _stored(imap_db) == 1
    client = mailbox.client()
    client.select_folder("INBOX")
    [uid] = client.search(["ALL"])
    client.logout()
    with imap_db.admin_session() as s:
        assert s.scalar(select(MailboxState.last_uid)) == uid


def test_a_message_stored_unread_is_not_stored_again_on_a_rescan(imap_db, mailbox, monkeypatch):  # noqa: F811
    import bot.channels.email.intake as intake

    real_store, refusals = intake.store, []

    def refuses_the_message_as_read_once(db, inbound):
        if not refusals:  # as the database refuses a value read from a message
            refusals.append(inbound.dedupe_key)
            raise ValueError("refused")
        return real_store(db, inbound)

    monkeypatch.setattr(intake, "store", refuses_the_message_as_read_once)
    mailbox.append(_request(1))
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 1  # stored unread
    with imap_db.admin_session() as s:
        [stored] = s.scalars(select(InboundMessage))
        assert stored.sender == ""  # stored unread: its bytes only
        assert stored.dedupe_key == refusals[0] == "<imap-1@brookfield.example>"
        s.scalar(select(MailboxState)).uidvalidity += 1  # the server renumbered the folder
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 0  # read again, recognised
    assert _stored(imap_db) == 1


def test_a_message_over_the_size_limit_is_read_up_to_it_and_answered(imap_db, mailbox):  # noqa: F811
    from email import message_from_bytes, policy

    from bot.process import process
    from bot.store import claim_one

    limit = 64 * 1024
    _settings(imap_db, IMAP_MAX_BYTES=limit)
    request = message_from_bytes(_request(1), policy=policy.default)
    request.add_attachment(b"\x00" * 300_000, "application", "octet-stream", filename="scan.bin")
    big = request.as_bytes(policy=policy.default.clone(linesep="\r\n"))
    assert len(big) > 6 * limit
    mailbox.append(big)
    mailbox.append(_request(2))
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 2
    with imap_db.admin_session() as s:
        rows = list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))
        assert rows[0].raw == big[:limit]  # the first part of it, as it came
        unix = rows[1].raw.replace(b"\r\n", b"\n")  # the server stores lines with CRLF
        assert unix == _request(2).replace(b"\r\n", b"\n")  # a small one whole
        ids = [row.id for row in rows]
    for message_id in ids:  # the text comes before the attachment: both are answered
        assert claim_one(imap_db, message_id)
        assert process(imap_db, imap_db.settings, message_id)["action"] == "reply"
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 0


def test_one_fetch_holds_no_more_than_its_byte_budget(imap_db, mailbox, monkeypatch):  # noqa: F811
    import bot.channels.email.imap as imap

    budget = 2 * len(_request(1)) + 100  # two messages of this size, not three
    monkeypatch.setattr(imap, "FETCH_BATCH_BYTES", budget)
    for i in range(1, 6):
        mailbox.append(_request(i))
    intake = ImapIntake(imap_db, imap_db.settings)
    client = intake.connect()
    bodies = []
    fetch = client.fetch

    def recording(uids, items):
        answer = fetch(uids, items)
        if any(item.startswith("BODY.PEEK[]") for item in items):
            bodies.append(
                sum(
                    len(v) for d in answer.values() for k, v in d.items() if k.startswith(b"BODY[]")
                )
            )
        return answer

    client.fetch = recording
    try:
        assert intake.fetch_new(client) == 5
    finally:
        client.logout()
    assert len(bodies) == 3 and all(size <= budget for size in bodies)
    with imap_db.admin_session() as s:
        stored = [
            r.dedupe_key for r in s.scalars(select(InboundMessage).order_by(InboundMessage.id))
        ]
    assert stored == [f"<imap-{i}@brookfield.example>" for i in range(1, 6)]  # in order


def test_it_moves_stored_mail_to_the_processed_folder(imap_db, mailbox):  # noqa: F811
    client = mailbox.client()
    if not client.folder_exists("ardesk-done"):
        client.create_folder("ardesk-done")
    client.logout()
    _settings(imap_db, IMAP_PROCESSED_FOLDER="ardesk-done")
    mailbox.append(_request(1))
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 1
    client = mailbox.client()
    try:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        assert client.select_folder("ardesk-done")[b"EXISTS"] >= 1
    finally:
        client.logout()


def test_it_reconnects_when_the_server_drops_the_connection(imap_db, mailbox):  # noqa: F811
    intake = ImapIntake(imap_db, imap_db.settings)
    thread = threading.Thread(target=intake.run, daemon=True)
    thread.start()
    try:
        mailbox.append(_request(1))
        deadline = time.monotonic() + 20
        while _stored(imap_db) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _stored(imap_db) == 1
        # Kick every IMAP session off the server, as a restart or a network blip would.
        import subprocess

        subprocess.run(
            ["doveadm", "-c", str(mailbox.config_path), "kick", "ar"],
            capture_output=True,
            check=False,
        )
        mailbox.append(_request(2))
        deadline = time.monotonic() + 30
        while _stored(imap_db) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _stored(imap_db) == 2
    finally:
        intake.stop()
        thread.join(timeout=15)
    # What the worker's heartbeat reports: it fetched, and a drop is a connection failure.
    assert intake.health.imap_fetched_at is not None
    assert intake.health.imap_failure in (None, "connection")


def test_a_message_that_breaks_the_parser_does_not_stall_the_mailbox(imap_db, mailbox):  # noqa: F811
    from bot.process import process
    from bot.store import claim_one

    # A From header the standard library's fallback address parser recursed on, once per "(".
    bomb = (
        b"From: hannah.wright@bluewater-supplies.com " + b"(" * 1000 + b"\r\n"
        b"To: ar@supplier.example\r\nSubject: Copy of invoice\r\n"
        b"Message-ID: <bomb@bluewater-supplies.example>\r\n\r\nPlease send invoice 1.\r\n"
    )  # fmt: skip
    mailbox.append(bomb)
    mailbox.append(_request(1))
    assert ImapIntake(imap_db, imap_db.settings).poll_once() == 2
    with imap_db.admin_session() as s:
        ids = list(s.scalars(select(InboundMessage.id).order_by(InboundMessage.id)))
    decisions = []
    for message_id in ids:
        assert claim_one(imap_db, message_id)
        decisions.append(process(imap_db, imap_db.settings, message_id))
    unread, answered = decisions
    assert unread is not None and "From" in unread["parse_problem"]  # decided, and why it is odd
    assert answered["action"] == "reply" and not answered["parse_problem"]


def test_it_refuses_bad_or_insecure_mailbox_settings(world):
    # A URL intake cannot use is refused when the settings load (tests/core/test_config_values.py).
    for url, message in [
        ("http://x@host/INBOX", "ARDESK_IMAP_URL: must start with imaps://"),
        ("imaps://host/INBOX", "ARDESK_IMAP_URL: names no user"),
    ]:
        with pytest.raises(ConfigError, match=message):
            _settings(world, IMAP_URL=url, IMAP_PASSWORD="")
    _settings(world, IMAP_URL="imaps://ar@host/INBOX", IMAP_PASSWORD="")
    with pytest.raises(ConfigError, match="ARDESK_IMAP_PASSWORD"):
        imap_config(world.settings)
    production = world.settings.replace(
        env="production", imap_url="imap://ar@h/INBOX", imap_password="p"
    )
    with pytest.raises(ConfigError, match="TLS"):
        imap_config(production)
    ok = imap_config(production.replace(imap_url="imaps://ar%40corp@mail.example:1993/AR%20Inbox"))
    assert (ok.user, ok.host, ok.port, ok.folder, ok.tls) == (
        "ar@corp",
        "mail.example",
        1993,
        "AR Inbox",
        "ssl",
    )


class IdentityProvider:
    """A local OAuth2 provider speaking the token endpoint's wire format (RFC 6749) and a
    token-info endpoint for Dovecot, standing in for Microsoft's or Google's."""

    def __init__(self) -> None:
        import json
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs

        provider = self
        self.grants: list[dict[str, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # the token endpoint
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                grant = {k: v[0] for k, v in form.items()}
                provider.grants.append(grant)
                if grant.get("refresh_token") == "good-refresh" and grant["client_secret"] == "s":
                    self._reply(
                        200,
                        {"access_token": "good-token", "token_type": "Bearer", "expires_in": 3600},
                    )
                else:
                    self._reply(400, {"error": "invalid_grant"})

            def do_GET(self) -> None:  # token info, for Dovecot
                if self.path.endswith("=good-token"):
                    self._reply(200, {"email": "ar", "active": True})
                else:
                    self._reply(401, {"error": "invalid_token"})

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture(scope="module")
def oauth_imap():
    from tests.support.dovecot import DovecotServer, find_dovecot
    from tests.support.services import missing

    binary = find_dovecot()
    if binary is None:
        missing("Dovecot", "apt-get install dovecot-imapd")
    provider = IdentityProvider()
    server = DovecotServer(binary, oauth2_tokeninfo_url=f"{provider.base}/tokeninfo?access_token=")
    server.start()
    yield server, provider
    server.stop()
    provider.server.shutdown()


def _with_oauth(world, oauth_imap, *, client_secret: str):
    from bot.channels.email import oauth2

    server, provider = oauth_imap
    oauth2._cache.clear()  # each test fetches its own token
    _settings(
        world,
        IMAP_URL=server.url,
        IMAP_PASSWORD="",
        IMAP_OAUTH2_TOKEN_URL=f"{provider.base}/token",
        IMAP_OAUTH2_CLIENT_ID="ardesk",
        IMAP_OAUTH2_CLIENT_SECRET=client_secret,
        IMAP_OAUTH2_REFRESH_TOKEN="good-refresh",
    )
    return server, provider


def test_it_logs_in_with_xoauth2_using_a_refreshed_token(world, oauth_imap):
    server, provider = _with_oauth(world, oauth_imap, client_secret="s")
    before = len(provider.grants)
    server.append(_request(1))
    assert ImapIntake(world, world.settings).poll_once() >= 1
    assert ImapIntake(world, world.settings).poll_once() == 0
    assert len(provider.grants) == before + 1  # the token is reused until it nears expiry
    assert provider.grants[-1]["grant_type"] == "refresh_token"


def test_it_says_what_the_token_endpoint_refused(world, oauth_imap):
    _with_oauth(world, oauth_imap, client_secret="wrong")
    from bot.channels.email.oauth2 import OAuth2Error

    with pytest.raises(OAuth2Error, match=r"HTTP 400 \(invalid_grant\)") as error:
        ImapIntake(world, world.settings).poll_once()
    assert "wrong" not in str(error.value)


def _first_failure(db) -> ImapIntake:
    """Run intake until its first failure; the intake, with its health, for the heartbeat."""
    intake = ImapIntake(db, db.settings)
    thread = threading.Thread(target=intake.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while intake.health.imap_failed_at is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        intake.stop()
        thread.join(timeout=15)
    return intake


def test_a_refused_token_is_reported_as_an_oauth2_failure(world, oauth_imap):
    _with_oauth(world, oauth_imap, client_secret="wrong")
    health = _first_failure(world).health
    # The worker's heartbeat, `ardesk status` and /readyz say "oauth2", never the answer's text.
    assert (health.imap_failure, health.imap_fetched_at) == ("oauth2", None)


def test_a_wrong_password_is_reported_as_a_login_failure(world, mailbox):  # noqa: F811
    _settings(world, IMAP_URL=mailbox.url, IMAP_PASSWORD="not-the-password")
    assert _first_failure(world).health.imap_failure == "login"
