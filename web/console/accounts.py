"""Accounts, their contacts and their links: what AR does when a customer's mailbox is
compromised — revoke one link, every link of a contact, or every link of the account. Revoking
ends the sessions opened from those links at once (``core.links.revoke``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from core import links
from core.directory import role_names
from core.models import LANGUAGES, AccessLink, Account, ChatMapping, Contact
from web.console import blueprint, staff

MAX_ACCOUNTS = 50


@blueprint.get("/accounts")
def accounts():
    search = request.args.get("q", "").strip()[:100]
    with staff.database().admin_session() as session:
        query = select(Account).order_by(Account.name).limit(MAX_ACCOUNTS)
        if search:
            query = query.where(
                or_(Account.erp_id == search, func.lower(Account.name).contains(search.lower()))
            )
        found = session.scalars(query).all()
        return render_template("console/accounts.html", accounts=found, search=search)


@blueprint.get("/accounts/<int:account_id>")
def account(account_id: int):
    with staff.database().admin_session() as session:
        found = session.get(Account, account_id)
        if found is None:
            abort(404)
        contacts = session.scalars(
            select(Contact).where(Contact.account_id == account_id).order_by(Contact.name)
        ).all()
        active = links.active_links(session, account_id=account_id)
        names = {contact.id: contact.name for contact in contacts}
        # Where its people ask in chat (managed with `ardesk chat map`, docs/chat.md).
        chat_places = session.scalars(
            select(ChatMapping)
            .where(ChatMapping.account_id == account_id)
            .order_by(ChatMapping.place, ChatMapping.external_id)
        ).all()
        return render_template(
            "console/account.html",
            account=found,
            contacts=contacts,
            links=active,
            names=names,
            chat_places=chat_places,
            roles=role_names(session),
            languages=LANGUAGES,
        )


def _revoke(account_id: int, **which) -> int:
    me = staff.current()
    assert me is not None
    with staff.database().admin_session() as session:
        if session.get(Account, account_id) is None:
            abort(404)
        if "link_id" in which:
            chosen = session.scalars(
                select(AccessLink).where(
                    AccessLink.id == which["link_id"], AccessLink.account_id == account_id
                )
            ).all()
        else:
            chosen = links.active_links(session, account_id=account_id, **which)
        return links.revoke(session, list(chosen), by=me.actor)


def _done(account_id: int, count: int):
    flash(_("%(count)s link(s) revoked; their sessions ended.", count=count), "ok")
    return redirect(url_for("console.account", account_id=account_id), 303)


@blueprint.post("/accounts/<int:account_id>/links/<link_id>/revoke")
def revoke_link(account_id: int, link_id: str):
    return _done(account_id, _revoke(account_id, link_id=link_id[:32]))


@blueprint.post("/accounts/<int:account_id>/contacts/<int:contact_id>/revoke")
def revoke_contact(account_id: int, contact_id: int):
    return _done(account_id, _revoke(account_id, contact_id=contact_id))


@blueprint.post("/accounts/<int:account_id>/revoke")
def revoke_account(account_id: int):
    return _done(account_id, _revoke(account_id))
