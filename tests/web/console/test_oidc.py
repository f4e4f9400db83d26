"""Signing in to the console through an identity provider the test starts (a real HTTP server
that signs real ID tokens): only existing, active AR users, matched by a verified email."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from core import ar_users
from core.models import ARUser, AuditEvent
from core.oidc import redirect_uri
from tests.support.oidc_provider import TAMPERING, OIDCProvider
from tests.web.conftest import csrf_token, https_client, portal_settings
from web import create_app


@pytest.fixture
def provider(db) -> Iterator[OIDCProvider]:
    server = OIDCProvider(redirect_uris=[redirect_uri(db.settings)]).start()
    yield server
    server.stop()


def _app(db, provider: OIDCProvider, **changes) -> Flask:
    configured = {
        "ar_oidc_issuer": provider.issuer,
        "ar_oidc_client_id": provider.client_id,
        "ar_oidc_client_secret": provider.client_secret,
    }
    settings = portal_settings(db.settings).replace(**{**configured, **changes})
    return create_app(settings)


@pytest.fixture
def oidc_app(db, provider, team) -> Iterator[Flask]:
    app = _app(db, provider)
    yield app
    app.extensions["ardesk.db"].dispose()


def _through_provider(client, next_page: str = "/ar/queue"):
    """Leave for the provider, let it authenticate ``provider.person``, come back; returns the
    console's answer to the callback (or the provider's refusal)."""
    leaving = client.get(f"/ar/sign-in/oidc?next={next_page}")
    assert leaving.status_code == 303
    assert "code_challenge_method=S256" in leaving.location and "nonce=" in leaving.location
    at_provider = httpx.get(leaving.location, follow_redirects=False)
    if at_provider.status_code != 302:
        return at_provider
    back = urlsplit(at_provider.headers["location"])
    return client.get(f"{back.path}?{back.query}")


def _last_sign_in(db) -> AuditEvent:
    with db.admin_session() as s:
        return s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(("ar.sign_in", "ar.sign_in_failed")))
            .order_by(AuditEvent.id.desc())
        ).first()


def test_an_existing_user_signs_in_through_the_provider(db, oidc_app):
    client = https_client(oidc_app)
    assert "Sign in with your company account" in client.get("/ar/sign-in").text
    done = _through_provider(client)
    assert done.status_code == 200
    assert 'http-equiv="refresh" content="0;url=/ar/queue"' in done.text
    assert client.get("/ar/queue").status_code == 200
    event = _last_sign_in(db)
    assert event.action == "ar.sign_in" and event.detail == {"method": "oidc"}
    assert event.actor == "ar:ada@supplier.example"


@pytest.mark.parametrize(
    ("email", "verified", "reason"),
    [
        ("nobody@supplier.example", True, "unknown_user"),
        ("ada@supplier.example", False, "email_unverified"),
    ],
)
def test_an_unknown_or_unverified_email_is_refused(db, oidc_app, provider, email, verified, reason):
    provider.person.email, provider.person.email_verified = email, verified
    client = https_client(oidc_app)
    assert _through_provider(client).status_code == 401
    assert client.get("/ar/queue").status_code == 303  # still signed out
    assert _last_sign_in(db).detail == {"reason": reason, "method": "oidc"}
    with db.admin_session() as s:  # nobody was created
        assert s.scalar(select(ARUser).where(ARUser.email == "nobody@supplier.example")) is None


@pytest.mark.parametrize("tamper", TAMPERING)
def test_a_tampered_or_misaddressed_id_token_is_refused(db, oidc_app, provider, tamper):
    provider.tamper = tamper
    client = https_client(oidc_app)
    assert _through_provider(client).status_code == 401
    assert client.get("/ar/queue").status_code == 303
    assert _last_sign_in(db).detail == {"reason": "token_refused", "method": "oidc"}


def test_a_disabled_user_is_refused(db, oidc_app):
    with db.admin_session() as s:
        ar_users.get(s, "ada@supplier.example").active = False
    client = https_client(oidc_app)
    assert _through_provider(client).status_code == 401
    assert _last_sign_in(db).detail == {"reason": "inactive", "method": "oidc"}


def test_a_callback_replayed_is_refused_by_the_provider(oidc_app, provider):
    client = https_client(oidc_app)
    leaving = client.get("/ar/sign-in/oidc")
    carried = client.get_cookie("ardesk_ar_oidc", path="/ar/oidc").value
    back = urlsplit(httpx.get(leaving.location, follow_redirects=False).headers["location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 200
    other = https_client(oidc_app)  # an attacker holding the same callback and cookie
    other.set_cookie("ardesk_ar_oidc", carried, path="/ar/oidc")
    assert other.get(f"{back.path}?{back.query}").status_code == 401
    assert provider.refused == ["code already used"]
    assert other.get("/ar/queue").status_code == 303


def test_a_callback_without_the_browser_that_left_is_refused(oidc_app, provider):
    leaving = https_client(oidc_app).get("/ar/sign-in/oidc")
    back = urlsplit(httpx.get(leaving.location, follow_redirects=False).headers["location"])
    stranger = https_client(oidc_app)
    assert stranger.get(f"{back.path}?{back.query}").status_code == 401
    assert provider.refused == []  # the code was never even redeemed


def test_a_wrong_client_secret_or_redirect_uri_is_refused_by_the_provider(db, provider, team):
    app = _app(db, provider, ar_oidc_client_secret="not-the-secret")
    assert _through_provider(https_client(app)).status_code == 401
    assert provider.refused == ["client authentication failed"]
    provider.redirect_uris.clear()
    assert _through_provider(https_client(app)).status_code == 400  # the provider's own page
    assert provider.refused[-1] == "redirect_uri not registered"
    app.extensions["ardesk.db"].dispose()


def test_totp_still_applies_after_the_provider(db, oidc_app, provider):
    with db.admin_session() as s:
        secret = ar_users.get(s, "ada@supplier.example")
        ar_users.enrol_totp(secret)
        totp = pyotp.TOTP(secret.totp_secret)
    client = https_client(oidc_app)
    asked = _through_provider(client)
    assert asked.status_code == 200 and "Two-factor sign-in" in asked.text
    assert client.get("/ar/queue").status_code == 303  # not yet
    token = csrf_token(asked.text)
    assert (
        client.post("/ar/oidc/code", data={"csrf_token": token, "code": "000000"}).status_code
        == 401
    )
    asked = _through_provider(client)
    done = client.post("/ar/oidc/code", data={"csrf_token": csrf_token(asked.text),
                                              "code": totp.now()})  # fmt: skip
    assert done.status_code == 200 and client.get("/ar/queue").status_code == 200


def test_when_totp_is_required_a_user_without_it_is_refused(db, provider, team):
    app = _app(db, provider, ar_require_totp=True)
    assert _through_provider(https_client(app)).status_code == 401
    assert _last_sign_in(db).detail == {"reason": "totp_required", "method": "oidc"}
    app.extensions["ardesk.db"].dispose()


def test_without_a_provider_configured_there_is_no_such_sign_in(client, team):
    assert client.get("/ar/sign-in/oidc").status_code == 404
    assert "company account" not in client.get("/ar/sign-in").text
