"""Signing in to the console through the company's identity provider (``core.oidc``).

Only where configured (``ARDESK_AR_OIDC_*``); local accounts work beside it. The provider
vouches for an email; the console signs in the existing, active AR user with that email — only
when the provider says it verified it — and never creates one. A user who enrolled TOTP still
types a code (and when TOTP is required for everyone, a user without one is refused), as at the
local sign-in. Every outcome is audited as local sign-ins are (``method="oidc"``).

Between leaving for the provider and coming back the browser carries ``state``, ``nonce`` and
the PKCE verifier in a signed, short-lived cookie of its own (path ``/ar/oidc``, SameSite=Lax:
the provider's redirect back is a cross-site navigation). It is deleted on return, so a
callback is usable once.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core import ar_users
from core.ar_users import SignIn
from core.models import ARUser
from core.oidc import OIDCError, Pending, discover, finish, start
from web.console import PUBLIC, blueprint, staff
from web.console.account import MESSAGES, WRONG, _next_page
from web.extensions import app_settings

COOKIE = "ardesk_ar_oidc"
COOKIE_PATH = "/ar/oidc"
SALT = "ardesk.ar-oidc"
FLOW_SECONDS = 600  # to sign in at the provider
CODE_SECONDS = 300  # to type the TOTP code afterwards
REFUSED = "ar.sign_in_failed"

PUBLIC.update({"console.oidc_start", "console.oidc_callback", "console.oidc_code"})


def _serializer() -> URLSafeTimedSerializer:
    config = current_app.config
    keys = [*config.get("SECRET_KEY_FALLBACKS", []), config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=SALT)


def _settings():
    settings = app_settings()
    if not settings.ar_oidc:
        abort(404)
    return settings


def _remember(response, value: dict) -> None:
    response.set_cookie(COOKIE, _serializer().dumps(value), path=COOKIE_PATH, httponly=True,
                        secure=app_settings().env != "development", samesite="Lax")  # fmt: skip


def _carried(max_age: int) -> dict | None:
    raw = request.cookies.get(COOKIE, "")
    try:
        value = _serializer().loads(raw, max_age=max_age) if raw else None
    except BadSignature:
        return None
    return value if isinstance(value, dict) else None


def _refuse(reason: str, email: str | None = None, status: int = 401, target: str | None = None):
    with staff.database().admin_session() as session:
        staff.audit(session, REFUSED, target, actor=f"ar:{(email or 'oidc')[:190]}",
                    reason=reason, method="oidc")  # fmt: skip
    flash(str(MESSAGES.get(reason, WRONG)), "error")  # type: ignore[call-overload]
    page = render_template("console/sign_in.html", next=_next_page(), email="", oidc=True)
    response = make_response(page, status)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


@blueprint.get("/sign-in/oidc")
def oidc_start():
    settings = _settings()
    try:
        url, pending = start(settings, discover(settings), _next_page())
    except OIDCError as error:
        current_app.logger.warning("identity provider unavailable: %s", error)
        return _refuse("provider_unavailable", status=502)
    response = make_response(redirect(url, 303))
    _remember(response, {"flow": asdict(pending)})
    return response


@blueprint.get("/oidc/callback")
def oidc_callback():
    settings = _settings()
    carried = _carried(FLOW_SECONDS)
    if carried is None or not isinstance(carried.get("flow"), dict):
        return _refuse("no_flow")
    pending = Pending(**carried["flow"])
    params = {k: v[:2000] for k, v in request.args.items() if k in ("code", "state", "error")}
    try:
        identity = finish(settings, discover(settings), pending, params)
    except OIDCError as error:
        current_app.logger.warning("identity provider sign-in refused: %s", error)
        return _refuse("token_refused")
    if not identity.email_verified:
        return _refuse("email_unverified", identity.email)
    with staff.database().admin_session() as session:
        user = ar_users.find(session, identity.email)
        enrolled = user is not None and user.active and bool(user.totp_secret)
    if enrolled:
        response = make_response(render_template("console/oidc_code.html"))
        _remember(response, {"email": identity.email, "next": pending.next})
        return response
    return _sign_in(identity.email, "", pending.next)


@blueprint.route("/oidc/code", methods=["POST"])
def oidc_code():
    _settings()
    carried = _carried(CODE_SECONDS)
    if carried is None or not isinstance(carried.get("email"), str):
        return _refuse("no_flow")
    return _sign_in(carried["email"], request.form.get("code", "")[:16], carried.get("next", ""))


def _sign_in(email: str, code: str, next_page: str):
    settings = app_settings()
    actor = f"ar:{email[:190]}"
    with staff.database().admin_session() as session:
        result = ar_users.sign_in_verified(
            session,
            email,
            code,
            attempts=settings.ar_sign_in_attempts,
            lockout=settings.ar_lockout,
            require_totp=settings.ar_require_totp,
        )
        target = f"ar_user:{result.user_id}" if result.user_id else None
        if result.ok:
            staff.audit(session, "ar.sign_in", target, actor=actor, method="oidc")
            user = session.get(ARUser, result.user_id)
            assert user is not None
            if not (next_page.startswith("/ar") and not next_page.startswith("//")):
                next_page = url_for("console.requests")
            # A page that moves on by itself rather than a redirect: the session cookie is
            # SameSite=Strict, and a browser weighing the whole redirect chain (begun at the
            # provider's site) would hold it back on a redirect.
            response = make_response(render_template("console/oidc_done.html", next=next_page))
            staff.start(session, user, response)
            response.delete_cookie(COOKIE, path=COOKIE_PATH)
            return response
    status = 429 if result.outcome is SignIn.locked else 401
    return _refuse(result.outcome.value, email, status, target)
