"""The AR team, for admins: who may sign in, with which role; disabling ends their sessions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from core import sessions
from core.models import ARUser
from web.console import blueprint, staff


@blueprint.get("/users")
def users():
    staff.require_admin()
    with staff.database().admin_session() as session:
        team = session.scalars(select(ARUser).order_by(ARUser.email)).all()
        return render_template("console/users.html", team=team)


@blueprint.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    me = staff.require_admin()
    if user_id == me.id:
        abort(400)  # an admin cannot lock themselves out from the console
    with staff.database().admin_session() as session:
        user = session.get(ARUser, user_id)
        if user is None:
            abort(404)
        user.active = False
        sessions.end_all(session, "disabled", ar_user_id=user.id)
        staff.audit(session, "ar_user.disable", f"ar_user:{user.id}")
        flash(f"{user.email} disabled", "ok")
    return redirect(url_for("console.users"), 303)
