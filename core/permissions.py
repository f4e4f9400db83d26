"""What a role may do: the role → permission matrix (data AR maintains) and, in one place, which
permissions each surface needs — every page, document, export and reply checks through here.

| surface | permission |
| --- | --- |
| invoice list, invoice page, overview, aging (balances in replies) | ``view_invoices`` |
| invoice PDF, ERP original, e-invoice files, list export (CSV/XLSX) | ``download_documents`` |
| statement page and PDF | ``view_statements`` |
| payment references inside a statement | ``view_statements`` and ``view_payments`` |
| payments applied, listed on an invoice copy | ``download_documents`` and ``view_payments`` |
| payments page, payment facts in replies | ``view_payments`` |
| dispute form | ``raise_disputes`` |
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.billing import OpenItem, Statement
from core.errors import InvalidInput
from core.models import PERMISSIONS, Role, RolePermission

T = TypeVar("T")


class Surface(enum.StrEnum):
    overview = "overview"
    aging = "aging"
    invoice_list = "invoice_list"
    invoice_page = "invoice_page"
    invoice_pdf = "invoice_pdf"
    erp_original = "erp_original"
    einvoice_file = "einvoice_file"
    list_export = "list_export"
    statement_page = "statement_page"
    statement_pdf = "statement_pdf"
    statement_payment_references = "statement_payment_references"
    copy_payments = "copy_payments"
    payments_page = "payments_page"
    payment_facts = "payment_facts"
    dispute_form = "dispute_form"


REQUIRED: dict[Surface, frozenset[str]] = {
    Surface.overview: frozenset({"view_invoices"}),
    Surface.aging: frozenset({"view_invoices"}),
    Surface.invoice_list: frozenset({"view_invoices"}),
    Surface.invoice_page: frozenset({"view_invoices"}),
    Surface.invoice_pdf: frozenset({"download_documents"}),
    Surface.erp_original: frozenset({"download_documents"}),
    Surface.einvoice_file: frozenset({"download_documents"}),
    Surface.list_export: frozenset({"download_documents"}),
    Surface.statement_page: frozenset({"view_statements"}),
    Surface.statement_pdf: frozenset({"view_statements"}),
    Surface.statement_payment_references: frozenset({"view_statements", "view_payments"}),
    Surface.copy_payments: frozenset({"download_documents", "view_payments"}),
    Surface.payments_page: frozenset({"view_payments"}),
    Surface.payment_facts: frozenset({"view_payments"}),
    Surface.dispute_form: frozenset({"raise_disputes"}),
}
assert set(REQUIRED) == set(Surface) and all(REQUIRED[s] <= set(PERMISSIONS) for s in Surface)


def allows(permissions: Iterable[str], surface: Surface) -> bool:
    """Whether a role holding ``permissions`` may use ``surface``."""
    return REQUIRED[surface] <= frozenset(permissions)


def missing(permissions: Iterable[str], surface: Surface) -> str | None:
    """The first permission ``surface`` needs that ``permissions`` lack (for messages and logs)."""
    lacking = sorted(REQUIRED[surface] - frozenset(permissions))
    return lacking[0] if lacking else None


def permissions_for(session: Session, role: str) -> frozenset[str]:
    return frozenset(
        session.scalars(select(RolePermission.permission).where(RolePermission.role == role))
    )


def has_permission(session: Session, role: str, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    return permission in permissions_for(session, role)


@dataclass(frozen=True)
class Grant:
    """One cell of the matrix set to granted or revoked."""

    role: str
    permission: str
    granted: bool


def matrix(session: Session) -> dict[str, frozenset[str]]:
    """Every role, with the permissions it holds."""
    held: dict[str, set[str]] = {name: set() for name in session.scalars(select(Role.name))}
    for role, permission in session.execute(select(RolePermission.role, RolePermission.permission)):
        held.setdefault(role, set()).add(permission)
    return {role: frozenset(permissions) for role, permissions in sorted(held.items())}


def change_matrix(session: Session, grants: Iterable[Grant]) -> list[Grant]:
    """Grant and revoke; returns the changes that were made (a cell already as asked is no
    change). An unknown role or permission refuses them all, changing nothing. The portal reads
    the matrix on every request, so a change holds from each customer's next request."""
    grants = list(grants)
    current = matrix(session)
    for grant in grants:
        if grant.role not in current:
            raise InvalidInput(f"unknown role {grant.role[:64]!r}")
        if grant.permission not in PERMISSIONS:
            raise InvalidInput(f"unknown permission {grant.permission[:64]!r}")
    made = []
    for grant in grants:
        if (grant.permission in current[grant.role]) == grant.granted:
            continue
        if grant.granted:
            session.add(RolePermission(role=grant.role, permission=grant.permission))
        else:
            session.execute(
                delete(RolePermission).where(
                    RolePermission.role == grant.role,
                    RolePermission.permission == grant.permission,
                )
            )
        current[grant.role] = current[grant.role] ^ {grant.permission}
        made.append(grant)
    return made


def copy_payments_for(permissions: Iterable[str], applied: Sequence[T]) -> tuple[T, ...]:
    """The payments an invoice copy (PDF or Factur-X) lists, as a role may see them: their dates
    and references only for roles that may view payments. The paid amount and the balance are
    the invoice's own and stay on the copy."""
    return tuple(applied) if allows(permissions, Surface.copy_payments) else ()


def statement_for(
    permissions: Iterable[str], content: dict[str, Statement] | list[OpenItem]
) -> dict[str, Statement] | list[OpenItem]:
    """A statement as a role may see it: payments stay in the balance, but their references
    (the payer's bank references) only for roles that may view payments."""
    if allows(permissions, Surface.statement_payment_references):
        return content
    if isinstance(content, list):
        return [replace(item, reference="") if item.kind == "payment" else item for item in content]
    return {
        currency: replace(
            section,
            entries=[
                replace(entry, reference="") if entry.kind == "payment" else entry
                for entry in section.entries
            ],
        )
        for currency, section in content.items()
    }
