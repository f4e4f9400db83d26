"""The forms' CSRF token is signed once per session secret (``web.csrf_tokens``): every page of
a session carries the same working token, another session never gets it, and a forged one is
still refused."""

from __future__ import annotations

import itertools

from tests.support.tokens import tampered
from tests.web.conftest import csrf_token, https_client, open_portal


def test_a_sessions_pages_carry_one_token_that_works_and_no_other_session_gets(app, world):
    first, second = https_client(app), https_client(app)
    open_portal(app, first, world.alice_contact)
    open_portal(app, second, world.alice_contact)  # the same contact, another browser
    tokens = [csrf_token(first.get(path).text) for path in ("/invoices", "/payments", "/invoices")]
    other = csrf_token(second.get("/invoices").text)
    assert len(set(tokens)) == 1
    assert other != tokens[0]
    # One session's token is no good in another's form, and a made-up one is no good at all.
    assert second.post("/logout", data={"csrf_token": tokens[0]}).status_code == 400
    assert first.post("/logout", data={"csrf_token": tampered(tokens[0])}).status_code == 400
    assert first.post("/logout", data={"csrf_token": tokens[0]}).status_code == 200  # signed out
    assert second.post("/logout", data={"csrf_token": other}).status_code == 200  # signed out


def test_a_session_keeps_its_first_token_on_later_pages_in_later_seconds(app, world, monkeypatch):
    """A token carries the second it was signed in: signed again a second later, the session's
    secret would make another token. Every CSRF signing here falls in a second of its own."""
    import time

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    seconds = itertools.count(int(time.time()))

    class Ticking(TimestampSigner):
        def get_timestamp(self) -> int:
            return next(seconds)

    class Serializer(URLSafeTimedSerializer):
        default_signer = Ticking

    monkeypatch.setattr("flask_wtf.csrf.URLSafeTimedSerializer", Serializer)
    client = https_client(app)
    open_portal(app, client, world.alice_contact)
    tokens = [csrf_token(client.get(path).text) for path in ("/invoices", "/payments", "/invoices")]
    assert len(set(tokens)) == 1
    assert client.post("/logout", data={"csrf_token": tokens[0]}).status_code == 200


def test_a_new_key_signs_new_tokens(app, world, db):
    from tests.web.conftest import portal_settings
    from web import create_app

    client = https_client(app)
    open_portal(app, client, world.alice_contact)
    before = csrf_token(client.get("/invoices").text)
    rotated = create_app(
        portal_settings(
            db.settings,
            secret_key="a-new-secret-key-that-is-long-enough-0123456789",
            secret_key_fallbacks=(db.settings.secret_key,),
        )
    )
    try:
        moved = https_client(rotated)  # the same browser, after the key's rotation
        moved.set_cookie("ardesk_session", client.get_cookie("ardesk_session").value)
        page = moved.get("/invoices")
        assert page.status_code == 200
        after = csrf_token(page.text)
        assert after != before
        assert moved.post("/logout", data={"csrf_token": after}).status_code == 200  # signed out
    finally:
        rotated.extensions["ardesk.db"].dispose()
