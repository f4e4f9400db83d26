"""The AR console under ``/ar``: sign-in, the request log, and the admin pages.

Every page but sign-in needs a signed-in AR user (``web.console.staff``); a request without one
is sent to the sign-in page, and admin pages refuse agents with 403. The console reads and writes
through the privileged database role: AR sees every account.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

blueprint = Blueprint("console", __name__, url_prefix="/ar")

PUBLIC = {"console.sign_in"}


@blueprint.before_request
def require_staff():
    from web.console import staff

    if request.endpoint in PUBLIC:
        return None
    if staff.current() is None:
        return redirect(url_for("console.sign_in", next=request.full_path.rstrip("?")), 303)
    return None


from web.console import (  # noqa: E402,F401  (routes)
    account,
    accounts,
    audit_trail,
    chat_bindings,
    contact_import,
    contacts,
    corrections,
    dashboard,
    oidc,
    queue,
    requests,
    roles,
    settings,
    users,
)
