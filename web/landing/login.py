"""``/login``: a portal link by email, to an address on file only.

The page reads the same whether or not the address belongs to a contact, so it tells a stranger
nothing about who is a customer.
"""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from core.audit import record
from core.models import Contact, LinkScope
from web.landing import blueprint
from web.outbox import email_link
from web.visitor import client, database

MAX_EMAIL_LENGTH = 320


def _normalized(address: str) -> str | None:
    address = address.strip().lower()
    if not address or len(address) > MAX_EMAIL_LENGTH or address.count("@") != 1:
        return None
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
        # One address may be a contact of several accounts: each gets its own portal link.
        contacts = session.scalars(
            select(Contact).where(Contact.email == address, Contact.active.is_(True))
        ).all()
        for contact in contacts:
            sent = email_link(session, contact, LinkScope.portal, "login", actor="login")
            record(
                session,
                "login.request",
                actor="visitor",
                account_id=contact.account_id,
                contact_id=contact.id,
                target="portal",
                sent=sent,
                **client(),
            )
        if not contacts:
            # No address is kept for strangers: only the fact that a request came.
            record(session, "login.request", actor="visitor", matched=False, **client())
    return render_template("landing/login_sent.html")
