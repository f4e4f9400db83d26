"""Signing in and out of the console. Every attempt is audited with its outcome; the person
only ever reads "wrong email, password or code" (nothing tells a stranger which emails exist)."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from core import ar_users
from core.ar_users import SignIn
from core.models import ARUser
from web.console import blueprint, staff
from web.extensions import app_settings

# What a refusal says once the person has proved who they are: the identity provider's sign-in
# (``oidc``) tells a locked user so; the form below says only what follows the right password.
MESSAGES = {
    SignIn.locked: _l("Too many failed sign-ins: this account is locked for a while."),
    SignIn.totp_required: _l("Two-factor sign-in is required: ask an admin to enrol you."),
}
WRONG = _l("Wrong email, password or code.")


def _refusal(outcome: SignIn) -> str:
    """What the form says to a refused sign-in. An unknown, disabled or locked address reads
    like a wrong password (same words, same status): nothing tells a stranger which addresses
    belong to someone. Only a user who typed the right password learns they need two-factor."""
    if outcome is SignIn.totp_required:
        return str(MESSAGES[outcome])
    return str(WRONG)


def _next_page() -> str:
    target = request.values.get("next", "")
    # Only a path inside the console: never another site (an open redirect).
    if target.startswith("/ar") and not target.startswith("//"):
        return target
    return url_for("console.requests")


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        if staff.current() is not None:
            return redirect(_next_page(), 303)
        return render_template(
            "console/sign_in.html", next=_next_page(), email="", oidc=app_settings().ar_oidc
        )
    settings = app_settings()
    email = request.form.get("email", "").strip()
    with staff.database().admin_session() as session:
        result = ar_users.sign_in(
            session,
            email,
            request.form.get("password", ""),
            request.form.get("code", ""),
            attempts=settings.ar_sign_in_attempts,
            lockout=settings.ar_lockout,
            require_totp=settings.ar_require_totp,
        )
        target = f"ar_user:{result.user_id}" if result.user_id else None
        # Whatever was typed is kept only when it names an AR user: a stranger's (or a
        # customer's) address never enters the append-only audit trail.
        actor = f"ar:{email[:190]}" if result.user_id else "ar:unknown"
        if not result.ok:
            staff.audit(session, "ar.sign_in_failed", target, actor=actor, reason=result.outcome)
        else:
            staff.audit(session, "ar.sign_in", target, actor=actor)
            user = session.get(ARUser, result.user_id)
            assert user is not None
            response = make_response(redirect(_next_page(), 303))
            staff.start(session, user, response)
            return response
    flash(_refusal(result.outcome), "error")
    page = render_template(
        "console/sign_in.html", next=_next_page(), email=email, oidc=settings.ar_oidc
    )
    return page, 401


@blueprint.post("/sign-out")
def sign_out():
    response = make_response(redirect(url_for("console.sign_in"), 303))
    current = staff.current()
    if current is not None:
        with staff.database().admin_session() as session:
            staff.audit(session, "ar.sign_out")
    staff.end(response)
    return response
