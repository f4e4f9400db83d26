"""``/login``: a portal link by email, to an address on file only.

The request is queued (``core.models.LoginRequest``) and answered by the worker, so the page does
the same work and reads the same whether or not the address belongs to a contact: it tells a
stranger nothing about who is a customer, not even by its timing.
"""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from core.models import LoginRequest
from web.landing import blueprint
from web.visitor import client, database

MAX_EMAIL_LENGTH = 320
# Beyond this many unanswered requests (the worker is down, or someone floods the form), new
# ones are dropped; the page reads the same.
MAX_QUEUED = 10_000


def _normalized(address: str) -> str | None:
    address = address.strip().lower()
    if not address or len(address) > MAX_EMAIL_LENGTH or address.count("@") != 1:
        return None
    if any(ch.isspace() or not ch.isprintable() for ch in address):
        return None  # no address holds a space or a control character
    local, domain = address.split("@")
    return address if local and "." in domain else None


@blueprint.get("/login")
def login_form() -> ResponseReturnValue:
    return render_template("landing/login.html")


@blueprint.post("/login")
def login() -> ResponseReturnValue:
    address = _normalized(request.form.get("email", ""))
    if address is None:
        return render_template("landing/login.html", invalid=True), 400
    with database().admin_session() as session:
        queued = session.scalar(select(func.count()).select_from(LoginRequest)) or 0
        if queued < MAX_QUEUED:
            seen = client()
            session.add(
                LoginRequest(
                    address=address,
                    ip=seen["ip"],
                    user_agent=(seen["user_agent"] or "")[:400] or None,
                )
            )
    return render_template("landing/login_sent.html")
