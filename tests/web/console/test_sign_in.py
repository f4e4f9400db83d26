"""Signing in to the AR console: its own cookie and session, lock-out, TOTP, admin and agent."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import select, update

from core import ar_users
from core.models import ARRole, ARUser, AuditEvent, WebSession, utcnow
from tests.web.conftest import CSRF, https_client, open_portal
from tests.web.console.conftest import PASSWORD, sign_in


def _audit(db, action: str) -> list[AuditEvent]:
    with db.admin_session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_it_signs_in_and_shows_the_request_log(db, client, team):
    response = sign_in(client, "ada@supplier.example", next="/ar/requests")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/ar/requests")
    cookie = client.get_cookie("ardesk_ar", path="/ar")
    assert cookie is not None and cookie.http_only and cookie.secure
    page = client.get("/ar/requests")
    assert page.status_code == 200
    assert "Ada Admin" in page.text
    (event,) = _audit(db, "ar.sign_in")
    assert event.actor == "ar:ada@supplier.example"


def test_it_sends_a_signed_out_request_to_the_sign_in_page(client, team):
    response = client.get("/ar/requests?status=answered")
    assert response.status_code == 303
    assert "/ar/sign-in?next=" in response.headers["Location"]


def test_it_refuses_a_wrong_password_and_audits_why(db, client, team):
    response = sign_in(client, "ada@supplier.example", "not the password at all")
    assert response.status_code == 401
    assert "Wrong email, password or code" in response.text
    assert client.get("/ar/requests").status_code == 303
    (event,) = _audit(db, "ar.sign_in_failed")
    assert event.detail["reason"] == "bad_password"
    assert "not the password" not in str(event.detail)


def test_an_unknown_email_reads_like_a_wrong_password(db, client, team):
    response = sign_in(client, "nobody@supplier.example")
    assert response.status_code == 401
    assert "Wrong email, password or code" in response.text
    # The append-only trail keeps no address that names nobody on the AR team.
    (event,) = _audit(db, "ar.sign_in_failed")
    assert event.actor == "ar:unknown"
    assert "nobody@" not in f"{event.actor} {event.target} {event.detail}"


def test_it_locks_out_after_repeated_failures_even_with_the_right_password(db, client, team):
    attempts = db.settings.ar_sign_in_attempts
    for _ in range(attempts):
        assert sign_in(client, "gus@supplier.example", "wrong password!!").status_code == 401
    refused = sign_in(client, "gus@supplier.example")
    assert refused.status_code == 401
    assert "Wrong email, password or code" in refused.text and "locked" not in refused.text
    assert [e.detail["reason"] for e in _audit(db, "ar.sign_in_failed")][-2:] == ["locked"] * 2
    # After the lock-out time, the right password works again.
    with db.admin_session() as s:
        s.execute(
            update(ARUser)
            .where(ARUser.id == team.agent)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
    assert sign_in(client, "gus@supplier.example").status_code == 303


def _disable_and_lock(db, team) -> None:
    """Gus disabled, Ada locked out (as after too many failures)."""
    with db.admin_session() as s:
        s.execute(update(ARUser).where(ARUser.id == team.agent).values(active=False))
        s.execute(
            update(ARUser)
            .where(ARUser.id == team.admin)
            .values(locked_until=utcnow() + timedelta(minutes=10))
        )


def _as_read(response, email: str) -> tuple[int, str]:
    """What the person reads: the status and the page, less the form's fresh CSRF token and the
    address they typed (shown back to them)."""
    page = CSRF.sub("csrf", response.text).replace(email, "EMAIL")
    return response.status_code, page


def test_an_unknown_disabled_or_locked_address_reads_exactly_like_a_wrong_password(db, app, team):
    with db.admin_session() as s:
        ar_users.add(s, "ivy@supplier.example", "Ivy Active", ARRole.agent, PASSWORD)
    _disable_and_lock(db, team)
    attempts = {
        "wrong password": ("ivy@supplier.example", "not the password at all"),
        "unknown": ("nobody@supplier.example", PASSWORD),
        "disabled, right password": ("gus@supplier.example", PASSWORD),
        "locked, right password": ("ada@supplier.example", PASSWORD),
        "locked, wrong password": ("ada@supplier.example", "not the password at all"),
    }
    read = {}
    for name, (email, password) in attempts.items():
        read[name] = _as_read(sign_in(https_client(app), email, password), email)
    assert read["wrong password"][0] == 401
    assert "Wrong email, password or code" in read["wrong password"][1]
    assert {name: answer == read["wrong password"] for name, answer in read.items()} == {
        name: True for name in attempts
    }
    reasons = [e.detail["reason"] for e in _audit(db, "ar.sign_in_failed")]
    assert reasons == ["bad_password", "unknown_user", "inactive", "locked", "locked"]


def test_a_disabled_or_locked_address_costs_one_password_hash_like_any_other(
    db, app, team, monkeypatch
):
    _disable_and_lock(db, team)
    verified: list[str] = []
    verify = ar_users._verify

    def counting(password_hash: str, password: str) -> bool:
        verified.append(password_hash)
        return verify(password_hash, password)

    monkeypatch.setattr(ar_users, "_verify", counting)
    for email in ("nobody@supplier.example", "gus@supplier.example", "ada@supplier.example"):
        verified.clear()
        assert sign_in(https_client(app), email).status_code == 401
        # One argon2 verification, with the same parameters as a real password's.
        (hashed,) = verified
        assert hashed.startswith("$argon2id$") and not ar_users._hasher.check_needs_rehash(hashed)


def test_it_asks_a_totp_user_for_the_current_code_and_never_accepts_it_twice(db, client, team):
    with db.admin_session() as s:
        user = s.get(ARUser, team.admin)
        ar_users.enrol_totp(user)
        secret = user.totp_secret
    assert sign_in(client, "ada@supplier.example").status_code == 401  # no code
    assert sign_in(client, "ada@supplier.example", code="000000").status_code in (401, 303)
    code = pyotp.TOTP(secret).now()
    assert sign_in(client, "ada@supplier.example", code=code).status_code == 303
    client.post("/ar/sign-out", data={"csrf_token": _token(client)})
    assert sign_in(client, "ada@supplier.example", code=code).status_code == 401  # replayed


def _token(client) -> str:
    from tests.web.conftest import csrf_token

    return csrf_token(client.get("/ar/requests").text)


def test_required_totp_refuses_a_user_without_it(db, app, client, team):
    app.extensions["ardesk.settings"] = db.settings.replace(ar_require_totp=True)
    response = sign_in(client, "gus@supplier.example")
    assert response.status_code == 401
    assert "Two-factor sign-in is required" in response.text


def test_it_refuses_a_sign_in_without_the_csrf_token(client, team):
    response = client.post(
        "/ar/sign-in", data={"email": "ada@supplier.example", "password": "x" * 20}
    )
    assert response.status_code == 400


def test_sign_out_ends_every_copy_of_the_cookie(db, app, admin):
    stolen = admin.get_cookie("ardesk_ar", path="/ar").value
    admin.post("/ar/sign-out", data={"csrf_token": _token(admin)})
    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    other.set_cookie("ardesk_ar", stolen, path="/ar")
    assert other.get("/ar/requests").status_code == 303
    assert _audit(db, "ar.sign_out")


def test_an_idle_session_ends(db, admin):
    with db.admin_session() as s:
        s.execute(
            update(WebSession).values(
                last_seen_at=utcnow() - db.settings.ar_session_idle - timedelta(minutes=1)
            )
        )
    assert admin.get("/ar/requests").status_code == 303
    with db.admin_session() as s:
        assert s.scalar(select(WebSession.ended_reason)) == "idle"


def test_a_customer_session_never_reaches_the_console(app, client, world, team):
    open_portal(app, client, world.alice_contact)
    assert client.get("/invoices").status_code == 200
    response = client.get("/ar/requests")
    assert response.status_code == 303
    assert "/ar/sign-in" in response.headers["Location"]


def test_an_ar_session_never_acts_as_a_customer(admin):
    assert admin.get("/ar/requests").status_code == 200
    assert admin.get("/invoices").status_code != 200


def test_an_agent_is_refused_on_admin_pages(agent):
    assert agent.get("/ar/requests").status_code == 200
    assert agent.get("/ar/users").status_code == 403


def test_an_admin_disables_an_agent_whose_session_ends_at_once(db, app, admin, team):
    gus = app.test_client()
    gus.environ_base["wsgi.url_scheme"] = "https"
    assert sign_in(gus, "gus@supplier.example").status_code == 303
    page = admin.get("/ar/users")
    assert "gus@supplier.example" in page.text
    response = admin.post(f"/ar/users/{team.agent}/disable", data={"csrf_token": _token(admin)})
    assert response.status_code == 303
    assert gus.get("/ar/requests").status_code == 303
    assert sign_in(gus, "gus@supplier.example").status_code == 401
    (event,) = _audit(db, "ar_user.disable")
    assert event.actor == "ar:ada@supplier.example"
