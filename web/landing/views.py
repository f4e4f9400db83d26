"""``GET /l/<token>`` looks and changes nothing (mail scanners prefetch links); its button POSTs.

The POST verifies the link (signature, expiry, revocation, use limit), counts the use inside the
link's account scope, and opens a session limited to the link's scope and the contact's role.
"""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from core import links
from core.audit import record
from core.links import LinkRefused, LinkSigner
from core.models import AccessLink, Contact, LinkScope
from web.landing import blueprint
from web.outbox import email_link
from web.portal.scope import home_endpoint
from web.visitor import client, current_visitor, database, end_session, open_session

# Refusals whose link row is known: the contact on file can be sent a fresh one.
RENEWABLE = ("expired", "revoked", "exhausted", "inactive")


def signer() -> LinkSigner:
    return current_app.extensions["ardesk.signer"]


def _refused(session: Session, refused: LinkRefused, token: str) -> ResponseReturnValue:
    """Audit the refusal and show the page that offers a new link."""
    link = refused.link
    record(
        session,
        "link.refused",
        actor="visitor",
        account_id=link.account_id if link else None,
        contact_id=link.contact_id if link else None,
        link_id=link.id if link else None,
        target=link.scope.value if link else None,
        reason=refused.reason,
        **client(),
    )
    if link is not None:
        contact = session.get(Contact, link.contact_id)
        g.language = contact.language if contact else None
    renewable = link is not None and refused.reason in RENEWABLE
    page = render_template(
        "landing/refused.html", reason=refused.reason, token=token, renewable=renewable
    )
    return page, 410 if renewable else 404


@blueprint.get("/l/<token>")
def interstitial(token: str) -> ResponseReturnValue:
    with database().admin_session() as session:
        try:
            link = links.check(session, signer(), token)
            contact = session.get(Contact, link.contact_id)
            if contact is None or not contact.active:
                raise LinkRefused("inactive", link)
        except LinkRefused as refused:
            return _refused(session, refused, token)
        g.language = contact.language
        record(
            session,
            "link.landing",
            actor="visitor",
            account_id=link.account_id,
            contact_id=link.contact_id,
            link_id=link.id,
            target=link.scope.value,
            **client(),
        )
        return render_template("landing/interstitial.html", token=token, scope=link.scope.value)


@blueprint.post("/l/<token>")
def open_link(token: str) -> ResponseReturnValue:
    database_ = database()
    link_id: str | None = None
    try:
        with database_.admin_session() as session:
            # Only to learn the link's account; the use itself is counted in that account's scope.
            link_row = session.get(AccessLink, signer().unsign(token))
            if link_row is None:
                raise LinkRefused("unknown")
            account_id, link_id = link_row.account_id, link_row.id
        with database_.account_scope(account_id) as session:
            link = links.use(session, signer(), token)
            contact = session.get(Contact, link.contact_id)
            if contact is None or not contact.active:
                raise LinkRefused("inactive", link)
            record(
                session,
                "link.open",
                actor=f"contact:{contact.id}",
                account_id=link.account_id,
                contact_id=contact.id,
                link_id=link.id,
                target=link.scope.value,
                uses=link.uses,
                **client(),
            )
            open_session(session, link, contact.id)
    except LinkRefused as refused:
        with database_.admin_session() as session:
            # The scoped transaction rolled back; read the refused link afresh.
            if refused.link is not None and link_id is not None:
                refused.link = session.get(AccessLink, link_id)
            return _refused(session, refused, token)
    endpoint, values = home_endpoint(current_visitor())
    return redirect(url_for(endpoint, **values), 303)


@blueprint.post("/l/<token>/fresh")
def fresh_link(token: str) -> ResponseReturnValue:
    """ "Send me a new link": the same scope, to the contact on file, whoever clicks."""
    with database().admin_session() as session:
        try:
            link = session.get(AccessLink, signer().unsign(token))
        except LinkRefused:
            link = None
        if link is not None:
            contact = session.get(Contact, link.contact_id)
            sent = contact is not None and email_link(
                session,
                contact,
                LinkScope(link.scope),
                "fresh",
                targets=dict(link.targets or {}),
                actor="visitor",
            )
            g.language = contact.language if contact else None
            record(
                session,
                "link.fresh_requested",
                actor="visitor",
                account_id=link.account_id,
                contact_id=link.contact_id,
                link_id=link.id,
                target=link.scope.value,
                sent=bool(sent),
                **client(),
            )
    return render_template("landing/sent.html")


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    end_session("signed_out")
    return render_template("landing/signed_out.html")
