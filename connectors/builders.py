"""Canonical records from converted field values: defaults that follow from other fields, the
sign of credit notes, voids and deletions expressed as statuses."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from connectors.errors import FieldError
from connectors.records import (
    AccountRecord,
    AllocationRecord,
    ContactRecord,
    InvoiceRecord,
    LineRecord,
    PaymentRecord,
)

# "draft" covers every document the ERP has not issued yet (draft, in review, pending
# approval): never imported, and removed like a deleted one if it was.
INVOICE_STATUSES = ("open", "partially_paid", "paid", "void", "deleted", "draft")
PARTY = (
    "tax_id", "address_line1", "address_line2", "postal_code", "city", "region",
    "payment_terms", "legal_entity", "vat_exemption_reason",
)  # fmt: skip
ACCOUNT_STATUSES = ("active", "on_hold", "closed")


def build_account(v: dict[str, Any]) -> AccountRecord:
    status = v.get("status") or "active"
    if status not in ACCOUNT_STATUSES:
        raise FieldError("status", f"must map to one of {', '.join(ACCOUNT_STATUSES)}")
    return AccountRecord(
        erp_id=v["erp_id"],
        name=v["name"],
        currency=v["currency"].upper(),
        email_domains=[d.lower() for d in v.get("email_domains") or []],
        status=status,
        updated_at=v.get("updated_at"),
        deleted=bool(v.get("deleted")),
        country_code=_country(v.get("country_code")),
        erp_balance=v.get("erp_balance"),
        vat_exemption_code=_vatex(v.get("vat_exemption_code")),
        **{name: v.get(name) or None for name in PARTY},
    )


def _vatex(value: str | None) -> str | None:
    """A CEF VATEX code as e-invoices state it (``VATEX-EU-132-1C``); the documents check it
    against the code list before stating it."""
    return value.strip().upper() or None if value else None


def _country(value: str | None) -> str | None:
    if not value:
        return None
    if len(value) != 2 or not value.isalpha():
        raise FieldError("country_code", "must be a two-letter ISO 3166 code")
    return value.upper()


def build_contact(v: dict[str, Any]) -> ContactRecord:
    email = v["email"].strip().lower()
    if "@" not in email or " " in email:
        raise FieldError("email", "not an email address")
    active = v.get("active")
    return ContactRecord(
        account=v["account"],
        email=email,
        name=v.get("name") or email.split("@")[0],
        erp_id=v.get("erp_id"),
        role=v.get("role"),
        language=(v.get("language") or "").lower()[:2] or None,
        active=True if active is None else active,
        updated_at=v.get("updated_at"),
        deleted=bool(v.get("deleted")),
    )


def build_line(v: dict[str, Any], position: int) -> LineRecord:
    quantity = v.get("quantity")
    unit_price = v.get("unit_price")
    net = v.get("net_amount")
    if quantity is None:
        quantity = Decimal(1)
    if net is None:
        if unit_price is None:
            raise FieldError("net_amount", "missing (and no unit price to compute it)")
        net = quantity * unit_price
    if unit_price is None:
        unit_price = net / quantity if quantity else net
    return LineRecord(
        line_no=v.get("line_no") or position,
        description=v.get("description") or "",
        quantity=quantity,
        unit_price=unit_price,
        net_amount=net,
        tax_rate=v.get("tax_rate") or Decimal(0),
        tax_amount=v.get("tax_amount") or Decimal(0),
        sku=v.get("sku"),
        tax_category=(v.get("tax_category") or "").upper()[:4] or None,
    )


def credit_note_line(line: LineRecord) -> LineRecord:
    """A credit note's line signed as ardesk stores credit notes, whatever the ERP's convention:
    quantity, net and tax negative like the document's totals, the unit price positive."""
    return replace(
        line,
        quantity=-abs(line.quantity),
        unit_price=abs(line.unit_price),
        net_amount=-abs(line.net_amount),
        tax_amount=-abs(line.tax_amount),
    )


def build_invoice(v: dict[str, Any]) -> InvoiceRecord:
    kind = v.get("kind") or "invoice"
    if kind not in ("invoice", "credit_note"):
        raise FieldError("kind", "must map to invoice or credit_note")
    status = v.get("status")
    if status is not None and status not in INVOICE_STATUSES:
        raise FieldError("status", f"must map to one of {', '.join(INVOICE_STATUSES)}")
    total, tax, subtotal = v["total"], v.get("tax"), v.get("subtotal")
    if tax is None:
        tax = total - subtotal if subtotal is not None else Decimal(0)
    if subtotal is None:
        subtotal = total - tax
    paid, balance = v.get("amount_paid"), v.get("balance")
    if kind == "credit_note":
        # ardesk signs credit notes negative whatever the ERP's convention.
        total, tax, subtotal = -abs(total), -abs(tax), -abs(subtotal)
        paid = None if paid is None else -abs(paid)
        balance = None if balance is None else -abs(balance)
    if paid is None and balance is not None:
        paid = total - balance
    return InvoiceRecord(
        erp_id=v["erp_id"],
        number=v.get("number") or v["erp_id"],
        account=v["account"],
        issue_date=v["issue_date"],
        due_date=v.get("due_date") or v["issue_date"],
        currency=v["currency"].upper(),
        total=total,
        subtotal=subtotal,
        tax=tax,
        kind=kind,
        amount_paid=paid,
        balance=None if paid is None else total - paid,
        void=bool(v.get("void")) or status == "void",
        po_number=v.get("po_number") or None,
        updated_at=v.get("updated_at"),
        deleted=bool(v.get("deleted")) or status in ("deleted", "draft"),
        document_ref=v.get("document_ref"),
        payment_terms=v.get("payment_terms") or None,
        legal_entity=v.get("legal_entity") or None,
        payment_reference=v.get("payment_reference") or None,
        vat_exemption_reason=v.get("vat_exemption_reason") or None,
        vat_exemption_code=_vatex(v.get("vat_exemption_code")),
        delivery_date=v.get("delivery_date"),
    )


def build_allocation(v: dict[str, Any]) -> AllocationRecord:
    return AllocationRecord(
        invoice=v["invoice"], amount=v["amount"], applied_on=v.get("applied_on")
    )


def build_payment(v: dict[str, Any]) -> PaymentRecord:
    return PaymentRecord(
        erp_id=v["erp_id"],
        account=v["account"],
        received_on=v["received_on"],
        currency=v["currency"].upper(),
        amount=v["amount"],
        reference=v.get("reference"),
        method=v.get("method"),
        updated_at=v.get("updated_at"),
        deleted=bool(v.get("deleted")),
    )
