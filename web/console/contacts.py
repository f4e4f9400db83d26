"""An account's contacts, managed by admins: add, edit (name, role, language), deactivate and
reactivate. Each change is an audit event. Deactivating also revokes the contact's active links
(and so ends the sessions opened from them): a person who left must not keep a way in.

The address is not editable: a new address is a new contact, since links, requests and the audit
trail belong to the address that was verified.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import links
from core.directory import add_contact, edit_contact, role_names
from core.errors import InvalidInput
from core.models import LANGUAGES, Account, Contact
from web.console import blueprint, staff
from web.console.chat_bindings import IDENTITY_FORMS


def _form() -> dict:
    language = request.form.get("language", "").strip()[:8]
    return {
        "name": request.form.get("name", "")[:300],
        "role": request.form.get("role", "")[:64],
        "language": language or None,
    }


def _contact(session: Session, account_id: int, contact_id: int) -> Contact:
    found = session.scalar(
        select(Contact).where(Contact.id == contact_id, Contact.account_id == account_id)
    )
    if found is None:
        abort(404)
    return found


def _back(account_id: int):
    return redirect(url_for("console.account", account_id=account_id), 303)


@blueprint.post("/accounts/<int:account_id>/contacts")
def add_account_contact(account_id: int):
    staff.require_admin()
    with staff.database().admin_session() as session:
        account = session.get(Account, account_id)
        if account is None:
            abort(404)
        # Both check everything before they write: a refused form changes nothing.
        try:
            contact = add_contact(
                session, account, email=request.form.get("email", "")[:320], **_form()
            )
        except InvalidInput as error:
            flash(str(error), "error")
            return _back(account_id)
        staff.audit(
            session,
            "contact.add",
            f"contact:{contact.id}",
            account_id=account_id,
            contact_id=contact.id,
            role=contact.role,
            language=contact.language,
        )
    flash(_("Contact added."), "ok")
    return _back(account_id)


@blueprint.route("/accounts/<int:account_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
def contact_edit(account_id: int, contact_id: int):
    staff.require_admin()
    with staff.database().admin_session() as session:
        contact = _contact(session, account_id, contact_id)
        if request.method == "POST":
            try:
                changed = edit_contact(session, contact, **_form())
            except InvalidInput as error:
                flash(str(error), "error")
            else:
                if changed:
                    staff.audit(session, "contact.edit", f"contact:{contact.id}",
                                account_id=account_id, contact_id=contact.id,
                                fields=sorted(changed), role=contact.role,
                                language=contact.language)  # fmt: skip
                flash(_("Contact saved."), "ok")
                return _back(account_id)
        return render_template(
            "console/contact.html",
            contact=contact,
            roles=role_names(session),
            languages=LANGUAGES,
            identity_forms=IDENTITY_FORMS,
        )


@blueprint.post("/accounts/<int:account_id>/contacts/<int:contact_id>/active")
def contact_active(account_id: int, contact_id: int):
    me = staff.require_admin()
    active = request.form.get("active") == "1"
    with staff.database().admin_session() as session:
        contact = _contact(session, account_id, contact_id)
        if contact.active == active:
            return _back(account_id)
        contact.active = active
        revoked = 0
        if not active:
            revoked = links.revoke(
                session, links.active_links(session, contact_id=contact.id), by=me.actor
            )
        action = "contact.activate" if active else "contact.deactivate"
        staff.audit(session, action, f"contact:{contact.id}", account_id=account_id,
                    contact_id=contact.id, links_revoked=revoked)  # fmt: skip
    if active:
        flash(_("Contact reactivated."), "ok")
    else:
        flash(_("Contact deactivated; %(count)s link(s) revoked.", count=revoked), "ok")
    return _back(account_id)
