"""Following a link: the GET changes nothing, the POST opens a scoped session, refusals help."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from bot.login_links import send_login_links
from core import links, sessions
from core.models import (
    AccessLink,
    AuditEvent,
    LinkScope,
    LoginRequest,
    OutboundMessage,
    WebSession,
    utcnow,
)
from tests.support.tokens import tampered
from tests.web.conftest import csrf_token, follow, https_client, issue_link, portal_settings
from web import create_app


def _audit(app, action: str) -> list[AuditEvent]:
    with app.extensions["ardesk.db"].admin_session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _uses(app, link_id: str) -> int:
    with app.extensions["ardesk.db"].admin_session() as s:
        return s.get(AccessLink, link_id).uses


def test_it_shows_an_interstitial_that_changes_nothing(app, client, world):
    link = issue_link(app, world.alice_contact, LinkScope.invoice, {"invoice_ids": [1]})
    for _ in range(3):  # a mail scanner prefetching, then the person
        page = client.get(f"/l/{link.token}", headers={"User-Agent": "scanner/1.0"})
        assert page.status_code == 200
        assert "Continue" in page.text
        assert "A-100" not in page.text  # nothing about the account before the POST
    assert _uses(app, link.id) == 0
    landing = _audit(app, "link.landing")
    assert len(landing) == 3 and landing[0].user_agent == "scanner/1.0"
    assert landing[0].link_id == link.id and landing[0].contact_id == world.alice_contact


def test_it_opens_the_invoice_a_link_names_and_nothing_else(app, client, world):
    invoice_id = world.invoices["A-100"]
    link = issue_link(app, world.alice_contact, LinkScope.invoice, {"invoice_ids": [invoice_id]})
    opened = follow(client, link.token)
    assert opened.status_code == 303
    assert opened.headers["Location"] == f"/invoices/{invoice_id}"
    page = client.get(opened.headers["Location"])
    assert page.status_code == 200
    assert "A-100" in page.text and "1,234.56" in page.text
    assert "Show me all my invoices" in page.text
    # The other invoice of the same account is outside this link's scope.
    assert client.get(f"/invoices/{world.invoices['A-101']}").status_code == 404
    assert client.get("/invoices").status_code == 404
    assert client.get("/payments").status_code == 404
    assert _uses(app, link.id) == 1
    (event,) = _audit(app, "link.open")
    assert (event.account_id, event.contact_id, event.link_id) == (
        world.alice,
        world.alice_contact,
        link.id,
    )
    assert event.ip and event.user_agent is not None


def test_it_sets_a_safe_session_cookie(app, client, world):
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    opened = follow(client, link.token)
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_it_refuses_a_tampered_link_without_saying_whose_it_was(app, client, world):
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    page = client.get(f"/l/{tampered(link.token)}")
    assert page.status_code == 404
    assert "This link no longer works" in page.text
    assert "Alice" not in page.text
    (event,) = _audit(app, "link.refused")
    assert event.detail["reason"] == "tampered" and event.account_id is None


def test_it_refuses_an_expired_link_and_sends_a_fresh_one_to_the_contact_on_file(
    app, client, world
):
    link = issue_link(app, world.alice_contact, LinkScope.portal, ttl=timedelta(seconds=1))
    with app.extensions["ardesk.db"].admin_session() as s:
        s.get(AccessLink, link.id).expires_at = links.utcnow() - timedelta(minutes=1)
    page = client.get(f"/l/{link.token}")
    assert page.status_code == 410
    assert "Send me a new link" in page.text
    sent = client.post(f"/l/{link.token}/fresh", data={"csrf_token": csrf_token(page.text)})
    assert sent.status_code == 200
    with app.extensions["ardesk.db"].admin_session() as s:
        (outbound,) = s.scalars(select(OutboundMessage)).all()
        assert outbound.recipient == "ap@alice.example"
        fresh = s.scalars(select(AccessLink).where(AccessLink.id != link.id)).one()
        assert fresh.scope == LinkScope.portal and fresh.contact_id == world.alice_contact


def test_it_refuses_a_replayed_link_beyond_its_uses(app, client, world):
    link = issue_link(app, world.alice_contact, LinkScope.portal, max_uses=1)
    assert follow(client, link.token).status_code == 303
    replay = https_client(app)
    page = replay.get(f"/l/{link.token}")
    assert page.status_code == 410
    token = csrf_token(page.text)
    assert replay.post(f"/l/{link.token}", data={"csrf_token": token}).status_code == 410
    assert _uses(app, link.id) == 1


def test_it_ends_the_session_when_ar_revokes_the_link(app, client, world):
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    follow(client, link.token)
    assert client.get("/invoices").status_code == 200
    with app.extensions["ardesk.db"].admin_session() as s:
        links.revoke(s, [s.get(AccessLink, link.id)], by="ar:test")
    page = client.get("/invoices")
    assert page.status_code == 401
    assert "Your session has ended" in page.text


def _age_sessions(app, **changes: timedelta) -> None:
    """Move the open sessions' times back, as if that much time had passed."""
    with app.extensions["ardesk.db"].admin_session() as s:
        for row in s.scalars(select(WebSession)):
            for name, delta in changes.items():
                setattr(row, name, getattr(row, name) - delta)


def _saved_cookie(client) -> str:
    return client.get_cookie("ardesk_session").value


def test_it_ends_an_idle_session_after_thirty_minutes(app, client, world):
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    follow(client, link.token)
    _age_sessions(app, last_seen_at=timedelta(minutes=29))
    assert client.get("/invoices").status_code == 200  # and the visit counts as activity
    _age_sessions(app, last_seen_at=timedelta(minutes=29))
    assert client.get("/invoices").status_code == 200
    _age_sessions(app, last_seen_at=timedelta(minutes=31))
    assert client.get("/invoices").status_code == 401


def test_a_session_ends_when_its_link_expires(app, client, world):
    invoice_id = world.invoices["A-100"]
    link = issue_link(app, world.alice_contact, LinkScope.invoice, {"invoice_ids": [invoice_id]})
    follow(client, link.token)
    assert client.get(f"/invoices/{invoice_id}/pdf").status_code == 200
    with app.extensions["ardesk.db"].admin_session() as s:
        s.get(AccessLink, link.id).expires_at = utcnow() - timedelta(seconds=1)
    assert client.get(f"/invoices/{invoice_id}/pdf").status_code == 401
    assert client.get(f"/invoices/{invoice_id}").status_code == 401


def test_a_cookie_saved_before_sign_out_opens_nothing_after_it(app, client, world):
    invoice_id = world.invoices["A-100"]
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    follow(client, link.token)
    saved = _saved_cookie(client)
    page = client.get("/invoices")
    signed_out = client.post("/logout", data={"csrf_token": csrf_token(page.text)})
    assert signed_out.status_code == 200
    thief = app.test_client()
    thief.set_cookie("ardesk_session", saved)
    assert thief.get(f"/invoices/{invoice_id}/pdf").status_code == 401
    assert thief.get("/invoices").status_code == 401


def test_ending_every_session_of_an_account_ends_them_at_once(app, client, world):
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    follow(client, link.token)
    other = app.test_client()
    follow(other, issue_link(app, world.alice_contact, LinkScope.portal).token)
    assert client.get("/invoices").status_code == other.get("/invoices").status_code == 200
    with app.extensions["ardesk.db"].admin_session() as s:
        assert sessions.end_all(s, "account_revoked", account_id=world.alice) == 2
    assert client.get("/invoices").status_code == other.get("/invoices").status_code == 401


def test_a_session_cookie_holds_no_identity_of_its_own(app, client, world):
    """The cookie names a session; a forged one naming another contact opens nothing."""
    follow(client, issue_link(app, world.alice_contact, LinkScope.portal).token)
    with client.session_transaction() as cookie_session:
        data = dict(cookie_session["visitor"])
        assert set(data) == {"s", "a"}
        cookie_session["visitor"] = {**data, "a": world.bob}
    assert client.get("/invoices").status_code == 401


def test_it_refuses_a_post_without_a_csrf_token(app, client, world):
    link = issue_link(app, world.alice_contact, LinkScope.portal)
    client.get(f"/l/{link.token}")
    refused = client.post(f"/l/{link.token}")
    assert refused.status_code == 400
    assert "This form has expired" in refused.text
    assert _uses(app, link.id) == 0


def test_login_reads_the_same_for_known_and_unknown_addresses(app, client, world):
    form = client.get("/login")
    known = client.post(
        "/login", data={"email": "AP@alice.example", "csrf_token": csrf_token(form.text)}
    )
    unknown = client.post(
        "/login", data={"email": "nobody@else.example", "csrf_token": csrf_token(form.text)}
    )
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    db = app.extensions["ardesk.db"]
    with db.admin_session() as s:
        # The request only queued both addresses: no lookup, no link, no email yet, for either.
        assert s.scalar(select(func.count()).select_from(OutboundMessage)) == 0
        assert s.scalar(select(func.count()).select_from(AccessLink)) == 0
        assert sorted(s.scalars(select(LoginRequest.address))) == [
            "ap@alice.example",
            "nobody@else.example",
        ]
    settings = app.extensions["ardesk.settings"]
    assert send_login_links(db, settings, app.extensions["ardesk.signer"]) == 2
    with db.admin_session() as s:
        assert [m.recipient for m in s.scalars(select(OutboundMessage))] == ["ap@alice.example"]
        assert s.scalar(select(func.count()).select_from(LoginRequest)) == 0
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "login.request")).all()
    assert sorted(str(e.detail) for e in events) == sorted(
        [str({"sent": True}), str({"matched": False})]
    )
    assert all("nobody" not in str(e.detail) and e.ip for e in events)


def test_it_sends_security_headers(app, client, world):
    page = client.get("/login")
    headers = page.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert "<script>" not in page.text


def test_a_rotated_secret_key_keeps_links_and_sessions_it_signed(app, client, world, db):
    old_key = app.extensions["ardesk.settings"].secret_key
    link = issue_link(app, world.alice_contact, LinkScope.portal)  # signed with the old key
    opened = https_client(app)
    follow(opened, link.token)
    cookie = _saved_cookie(opened)
    new_key = "n" * 48
    rotated = create_app(portal_settings(db.settings, secret_key=new_key,
                                         secret_key_fallbacks=(old_key,)))  # fmt: skip
    browser = https_client(rotated)
    browser.set_cookie("ardesk_session", cookie)
    assert browser.get("/invoices").status_code == 200  # the session goes on
    assert follow(https_client(rotated), link.token).status_code == 303  # so does the link
    fresh = issue_link(rotated, world.alice_contact, LinkScope.portal)
    # New links are signed with the new key alone: dropping the old one ends only old links.
    retired = create_app(portal_settings(db.settings, secret_key=new_key))
    assert follow(https_client(retired), fresh.token).status_code == 303
    assert https_client(retired).get(f"/l/{link.token}").status_code == 404
    for application in (rotated, retired):
        application.extensions["ardesk.db"].dispose()


def test_a_cookie_past_the_session_lifetime_opens_nothing_though_it_opened_before(
    app, client, world, monkeypatch
):
    """A verified cookie is kept (``web.sessions``); its age is still checked on every request."""
    import web.sessions

    follow(client, issue_link(app, world.alice_contact, LinkScope.portal).token)
    assert client.get("/invoices").status_code == 200
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 2
    monkeypatch.setattr(web.sessions, "time", SimpleNamespace(time=lambda: later))
    assert client.get("/invoices").status_code == 401
    monkeypatch.undo()
    assert client.get("/invoices").status_code == 200  # the same cookie, in its lifetime


def test_a_cookie_with_a_changed_character_opens_nothing_though_the_original_did(
    app, client, world
):
    follow(client, issue_link(app, world.alice_contact, LinkScope.portal).token)
    assert client.get("/invoices").status_code == 200
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name).value
    client.set_cookie(name, tampered(cookie))
    assert client.get("/invoices").status_code == 401
    client.set_cookie(name, cookie)
    assert client.get("/invoices").status_code == 200
