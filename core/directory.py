"""Accounts and contacts: look-ups and the rules for adding contacts.

One address may belong to contacts of several accounts (a shared-service AP team); a look-up by
address alone refuses to guess between them.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import Ambiguous, InvalidInput, NotFound
from core.models import LANGUAGES, Account, Contact, Role
from core.suppression import Suppression

# Deliberately simple: one @, a dotted domain, no spaces. Deliverability is the mail server's call.
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def normalise_email(address: str) -> str:
    address = (address or "").strip()
    if not _EMAIL.match(address):
        raise InvalidInput(f"not an email address: {address!r}")
    return address.lower()


def find_account(session: Session, erp_id: str) -> Account:
    """The account with this ERP id; ``SOURCE:ERP_ID`` picks one when sources share an id."""
    found = session.scalars(select(Account).where(Account.erp_id == erp_id).limit(2)).all()
    if not found and ":" in erp_id:
        source, _, bare = erp_id.partition(":")
        found = session.scalars(
            select(Account).where(Account.source == source, Account.erp_id == bare).limit(2)
        ).all()
    if not found:
        raise NotFound(f"no account with ERP id {erp_id!r}")
    if len(found) > 1:
        raise Ambiguous(f"ERP id {erp_id!r} exists in several sources; write it as SOURCE:{erp_id}")
    return found[0]


def contacts_by_email(session: Session, email: str, *, active_only: bool = True) -> list[Contact]:
    query = select(Contact).where(Contact.email == normalise_email(email))
    if active_only:
        query = query.where(Contact.active.is_(True))
    return list(session.scalars(query.order_by(Contact.account_id)))


def find_contact(session: Session, email: str, account_erp_id: str | None = None) -> Contact:
    """The contact with this address, in the given account or the only one that has it."""
    address = normalise_email(email)
    query = select(Contact).where(Contact.email == address)
    if account_erp_id is not None:
        query = query.where(Contact.account_id == find_account(session, account_erp_id).id)
    found = list(session.scalars(query))
    if not found:
        where = f" on account {account_erp_id}" if account_erp_id else ""
        raise NotFound(f"no contact {address}{where}")
    if len(found) > 1:
        accounts = ", ".join(sorted(c.account.erp_id for c in found))
        raise Ambiguous(f"{address} is a contact of several accounts ({accounts}); add --account")
    return found[0]


def role_names(session: Session) -> list[str]:
    return list(session.scalars(select(Role.name).order_by(Role.name)))


def add_contact(
    session: Session,
    account: Account,
    *,
    email: str,
    name: str,
    role: str,
    language: str | None = None,
    allow_forgotten: bool = False,
) -> Contact:
    """Add a contact; an address forgotten on request only with ``allow_forgotten`` (which
    takes it off the suppression list)."""
    address = normalise_email(email)
    name = _checked(session, name, role, language)
    exists = session.scalar(
        select(func.count())
        .select_from(Contact)
        .where(Contact.account_id == account.id, Contact.email == address)
    )
    if exists:
        raise InvalidInput(f"{address} is already a contact of account {account.erp_id}")
    suppression = Suppression.load(session)
    if suppression.is_suppressed(session, account.id, address):
        if not allow_forgotten:
            raise InvalidInput(
                f"{address} was forgotten on request; add it again only if the person asks "
                "(--allow-forgotten)"
            )
        suppression.lift(session, address, account.id)
    contact = Contact(account_id=account.id, email=address, name=name, role=role, language=language)
    session.add(contact)
    session.flush()
    return contact


def _checked(session: Session, name: str, role: str, language: str | None) -> str:
    """The name, stripped, once name, role and language are acceptable for a contact."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("a contact needs a name (at most 200 characters)")
    roles = role_names(session)
    if role not in roles:
        raise InvalidInput(f"unknown role {role!r} (roles: {', '.join(roles)})")
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(f"unsupported language {language!r} (one of {', '.join(LANGUAGES)})")
    return name


def edit_contact(
    session: Session, contact: Contact, *, name: str, role: str, language: str | None
) -> dict[str, tuple]:
    """Change what AR may change about a contact; returns each changed field's (old, new). The
    address stays: a new address is a new contact (links and history belong to the old one)."""
    name = _checked(session, name, role, language)
    changed = {
        field: (getattr(contact, field), value)
        for field, value in (("name", name), ("role", role), ("language", language))
        if getattr(contact, field) != value
    }
    for field, (_, value) in changed.items():
        setattr(contact, field, value)
    session.flush()
    return changed
