"""Canonical records: what every source turns its ERP's data into, before the sync writes it.

Amounts are Decimal, dates are dates, change times are aware UTC datetimes. Credit notes carry
negative totals (the mapping flips a positive ERP amount). References between records use ERP ids
(``account`` is the account's ERP id, an allocation names its invoice's ERP id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

RECORD_TYPES = ("accounts", "contacts", "invoices", "payments")
# What a report counts: the record types, and invoice lines on their own.
COUNTED = ("accounts", "contacts", "invoices", "lines", "payments")


@dataclass(slots=True)
class AccountRecord:
    erp_id: str
    name: str
    currency: str
    email_domains: list[str] = field(default_factory=list)
    status: str = "active"  # active | on_hold | closed
    updated_at: datetime | None = None
    deleted: bool = False
    row: str = ""  # where the source had it, for reports
    # The billing party an e-invoice or a complete copy names, where the ERP keeps it.
    tax_id: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    region: str | None = None
    country_code: str | None = None  # ISO 3166-1 alpha-2
    payment_terms: str | None = None
    legal_entity: str | None = None  # the issuing company, where the ERP has several
    # Why the account's supplies are VAT-exempt (BT-120) and the VATEX code (BT-121).
    vat_exemption_reason: str | None = None
    vat_exemption_code: str | None = None
    # The ERP's own figure of what the customer owes, where it gives one: reconciliation
    # compares it with the sum of the open invoices ardesk holds.
    erp_balance: Decimal | None = None


@dataclass(slots=True)
class ContactRecord:
    account: str
    email: str
    name: str
    erp_id: str | None = None
    role: str | None = None  # only used when ardesk creates the contact
    language: str | None = None  # idem: AR owns it afterwards
    active: bool = True
    updated_at: datetime | None = None
    deleted: bool = False
    row: str = ""  # where the source had it, for reports


@dataclass(slots=True)
class LineRecord:
    line_no: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    net_amount: Decimal
    tax_rate: Decimal = Decimal(0)
    tax_amount: Decimal = Decimal(0)
    sku: str | None = None
    tax_category: str | None = None  # UNTDID 5305: S, Z, E, AE, K, G, O…


@dataclass(slots=True)
class InvoiceRecord:
    erp_id: str
    number: str
    account: str
    issue_date: date
    due_date: date
    currency: str
    total: Decimal
    subtotal: Decimal
    tax: Decimal
    kind: str = "invoice"  # invoice | credit_note
    # None when the ERP does not say: the sync computes them from payment allocations.
    amount_paid: Decimal | None = None
    balance: Decimal | None = None
    void: bool = False
    po_number: str | None = None
    updated_at: datetime | None = None
    deleted: bool = False
    row: str = ""  # where the source had it, for reports
    lines: list[LineRecord] | None = None  # None: the source gives no lines, keep what is stored
    # Where the source keeps the original document (a URL path, a report name…), if anywhere.
    document_ref: str | None = None
    payment_terms: str | None = None
    legal_entity: str | None = None
    payment_reference: str | None = None
    vat_exemption_reason: str | None = None  # BT-120, for the invoice's exempt lines
    vat_exemption_code: str | None = None  # BT-121, a CEF VATEX code
    delivery_date: date | None = None  # BT-72, the date of supply


@dataclass(slots=True)
class AllocationRecord:
    invoice: str
    amount: Decimal
    applied_on: date | None = None


@dataclass(slots=True)
class PaymentRecord:
    erp_id: str
    account: str
    received_on: date
    currency: str
    amount: Decimal
    reference: str | None = None
    method: str | None = None
    updated_at: datetime | None = None
    deleted: bool = False
    row: str = ""  # where the source had it, for reports
    allocations: list[AllocationRecord] = field(default_factory=list)


Record = AccountRecord | ContactRecord | InvoiceRecord | PaymentRecord


@dataclass(slots=True, frozen=True)
class Rejection:
    """A source row kept out of ardesk, and why: what the report lists."""

    record: str  # accounts, contacts, invoices, lines, payments, allocations
    row: str  # the row number in a file, or the ERP id / position in an API listing
    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"record": self.record, "row": self.row, "field": self.field, "reason": self.reason}


@dataclass(slots=True, frozen=True)
class Original:
    """An invoice's original document as the source gave it: the bytes and the content type it
    claimed (None where the source has no such thing, e.g. a file in a drop folder)."""

    content: bytes
    content_type: str | None = None
