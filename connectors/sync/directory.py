"""Writing accounts and contacts. The sync owns the ERP's fields; what AR sets in ardesk (a
contact's role, language, Slack and Teams ids) is only filled in when the sync creates the row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from connectors.records import AccountRecord, ContactRecord
from connectors.sync.context import AccountRef, WriteContext, chunks, update_rows
from core.links import active_links, revoke
from core.models import LANGUAGES, Account, AccountStatus, Contact, utcnow
from core.suppression import Suppression

ACCOUNTS = Account.__table__
CONTACTS = Contact.__table__


def write_accounts(ctx: WriteContext, batch: list[AccountRecord]) -> None:
    records = {r.erp_id: r for r in batch}  # the last row of an id wins
    now = utcnow()
    inserts, updates = [], []
    existing = {
        row.erp_id: row
        for row in ctx.conn.execute(
            select(ACCOUNTS).where(
                ACCOUNTS.c.source == ctx.source, ACCOUNTS.c.erp_id.in_(list(records))
            )
        )
    }
    existing_status = {row.id: row.status for row in existing.values()}
    for erp_id, rec in records.items():
        values = {
            "name": rec.name[:200],
            "currency": rec.currency[:3],
            "email_domains": rec.email_domains,
            "status": AccountStatus.closed if rec.deleted else AccountStatus(rec.status),
            "source_updated_at": rec.updated_at,
            "tax_id": _cut(rec.tax_id, 64),
            "address_line1": _cut(rec.address_line1, 200),
            "address_line2": _cut(rec.address_line2, 200),
            "postal_code": _cut(rec.postal_code, 32),
            "city": _cut(rec.city, 100),
            "region": _cut(rec.region, 100),
            "country_code": rec.country_code,
            "payment_terms": _cut(rec.payment_terms, 200),
            "legal_entity": _cut(rec.legal_entity, 64),
            "vat_exemption_reason": _cut(rec.vat_exemption_reason, 300),
            "vat_exemption_code": _cut(rec.vat_exemption_code, 32),
        }
        if len(rec.currency) != 3:
            ctx.reject("accounts", rec.row, "currency", "must be a three-letter code")
            continue
        old = existing.get(erp_id)
        if old is None:
            inserts.append(
                {"source": ctx.source, "erp_id": erp_id, "created_at": now, "updated_at": now}
                | values
            )
        elif any(getattr(old, k) != v for k, v in values.items()):
            updates.append({"_id": old.id, "updated_at": now} | values)
        else:
            ctx.report.unchanged["accounts"] += 1
    if inserts:
        ids = ctx.new_ids("accounts", len(inserts))
        for row, id_ in zip(inserts, ids, strict=True):
            row["id"] = id_
            ctx.accounts[row["erp_id"]] = AccountRef(id_, row["currency"])
        ctx.conn.execute(ACCOUNTS.insert(), inserts)
        ctx.report.inserted["accounts"] += len(inserts)
    if updates:
        update_rows(ctx.conn, ACCOUNTS, updates)
        ctx.report.updated["accounts"] += len(updates)
        closed = [
            row["_id"]
            for row in updates
            if row["status"] == AccountStatus.closed
            and existing_status[row["_id"]] != AccountStatus.closed
        ]
        revoke_links_of(ctx, closed)
    for erp_id, rec in records.items():
        if erp_id in ctx.accounts:
            ctx.accounts[erp_id].currency = rec.currency
            if rec.erp_balance is not None:
                ctx.erp_balances[ctx.accounts[erp_id].id] = rec


def write_contacts(ctx: WriteContext, batch: list[ContactRecord]) -> None:
    now = utcnow()
    wanted: list[tuple[ContactRecord, int]] = []
    for rec in batch:
        account = ctx.accounts.get(rec.account)
        if account is None:
            ctx.reject("contacts", rec.row, "account", f"unknown account {rec.account!r}")
            continue
        if rec.role is not None and rec.role not in ctx.roles:
            ctx.reject("contacts", rec.row, "role", f"unknown role {rec.role!r}")
            continue
        wanted.append((rec, account.id))
    wanted = _without_forgotten(ctx, wanted)
    if not wanted:
        return
    by_erp, by_email = _existing_contacts(ctx, wanted)
    inserts, updates = [], []
    seen: set[tuple[int, str]] = set()
    for rec, account_id in wanted:
        if (account_id, rec.email) in seen:
            continue  # one row per address and account: the first row of a batch wins
        seen.add((account_id, rec.email))
        old = (by_erp.get(rec.erp_id) if rec.erp_id else None) or by_email.get(
            (account_id, rec.email)
        )
        active = rec.active and not rec.deleted
        if old is None:
            if rec.deleted:
                continue
            inserts.append(
                {
                    "account_id": account_id,
                    "email": rec.email[:320],
                    "name": rec.name[:200],
                    "role": rec.role or ctx.default_role,
                    "language": rec.language if rec.language in LANGUAGES else None,
                    "active": active,
                    "source": ctx.source,
                    "erp_id": rec.erp_id,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            continue
        if old.source != ctx.source:
            # AR created this contact in ardesk: it is theirs, the ERP row only confirms it.
            ctx.report.unchanged["contacts"] += 1
            continue
        values = {
            "account_id": account_id,
            "email": rec.email[:320],
            "name": rec.name[:200],
            "active": active,
            "erp_id": rec.erp_id,
        }
        clash = old.email != rec.email and (account_id, rec.email) in by_email
        if clash:
            ctx.reject("contacts", rec.row, "email", "another contact of the account has it")
        elif any(getattr(old, k) != v for k, v in values.items()):
            updates.append({"_id": old.id, "updated_at": now} | values)
        else:
            ctx.report.unchanged["contacts"] += 1
    if inserts:
        for row, id_ in zip(inserts, ctx.new_ids("contacts", len(inserts)), strict=True):
            row["id"] = id_
        ctx.conn.execute(CONTACTS.insert(), inserts)
        ctx.report.inserted["contacts"] += len(inserts)
    if updates:
        update_rows(ctx.conn, CONTACTS, updates)
        ctx.report.updated["contacts"] += len(updates)


def _without_forgotten(
    ctx: WriteContext, wanted: list[tuple[ContactRecord, int]]
) -> list[tuple[ContactRecord, int]]:
    """The records whose address was not forgotten on request (``ardesk contacts forget``):
    the ERP still lists the person, ardesk must not hold them again. Counted, never listed."""
    if not wanted:
        return wanted
    forgotten = Suppression.load(ctx.conn).suppressed(
        ctx.conn, [(account_id, rec.email) for rec, account_id in wanted]
    )
    if not forgotten:
        return wanted
    kept = [(rec, a) for rec, a in wanted if (a, rec.email) not in forgotten]
    ctx.report.suppressed["contacts"] += len(wanted) - len(kept)
    return kept


def _existing_contacts(ctx: WriteContext, wanted: list[tuple[ContactRecord, int]]):
    erp_ids = [r.erp_id for r, _ in wanted if r.erp_id]
    pairs = [(a, r.email) for r, a in wanted]
    by_erp, by_email = {}, {}
    for part in chunks(pairs, 500):
        condition = or_(*(and_(CONTACTS.c.account_id == a, CONTACTS.c.email == e) for a, e in part))
        for row in ctx.conn.execute(select(CONTACTS).where(condition)):
            by_email[(row.account_id, row.email)] = row
    for part in chunks(erp_ids):
        query = select(CONTACTS).where(CONTACTS.c.source == ctx.source, CONTACTS.c.erp_id.in_(part))
        for row in ctx.conn.execute(query):
            by_erp[row.erp_id] = row
            by_email[(row.account_id, row.email)] = row
    return by_erp, by_email


def close_missing_accounts(ctx: WriteContext, seen: set[str], when: datetime) -> None:
    """After a full listing: accounts the ERP no longer has are closed, never deleted."""
    rows = ctx.conn.execute(
        select(ACCOUNTS.c.id, ACCOUNTS.c.erp_id).where(
            ACCOUNTS.c.source == ctx.source, ACCOUNTS.c.status != AccountStatus.closed
        )
    )
    gone = [
        {"_id": id_, "status": AccountStatus.closed, "updated_at": when}
        for id_, erp_id in rows
        if erp_id not in seen
    ]
    if gone:
        update_rows(ctx.conn, ACCOUNTS, gone)
        ctx.report.updated["accounts"] += len(gone)
        revoke_links_of(ctx, [row["_id"] for row in gone])


def revoke_links_of(ctx: WriteContext, account_ids: list[int]) -> None:
    """An account the ERP closed or merged into another: nobody opens its portal any more.
    Its links are revoked (each revocation audited) inside the sync's transaction, so a run
    that fails revokes nothing."""
    if not account_ids:
        return
    with Session(bind=ctx.conn) as session:
        for account_id in account_ids:
            revoke(session, active_links(session, account_id=account_id), by=f"sync:{ctx.source}")
        session.flush()


def deactivate_missing_contacts(
    ctx: WriteContext, seen: set[tuple[int, str]], when: datetime
) -> None:
    """After a full listing: the source's contacts the ERP no longer lists stop being active."""
    rows = ctx.conn.execute(
        select(CONTACTS.c.id, CONTACTS.c.account_id, CONTACTS.c.email).where(
            CONTACTS.c.source == ctx.source, CONTACTS.c.active.is_(True)
        )
    )
    gone = [
        {"_id": id_, "active": False, "updated_at": when}
        for id_, account_id, email in rows
        if (account_id, email) not in seen
    ]
    if gone:
        update_rows(ctx.conn, CONTACTS, gone)
        ctx.report.updated["contacts"] += len(gone)


def _cut(value: str | None, size: int) -> str | None:
    return value[:size] if value else None
