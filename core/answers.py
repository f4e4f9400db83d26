"""Channel-neutral answers: what ardesk tells a sender, before any channel renders it.

The bot's resolve step produces these from the account's data; email (``mailers``), Slack and
Teams only render them. Each is a frozen dataclass of plain values: no ORM objects, so rendering
cannot touch the database, and nothing here knows which channel it goes to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class LinkRef:
    url: str
    expires_at: datetime
    scope: str  # invoice, statement, list, portal


@dataclass(frozen=True)
class InvoiceFact:
    number: str
    kind: str  # invoice, credit_note
    status: str  # open, partially_paid, paid, void
    issue_date: date
    due_date: date
    currency: str
    total: Decimal
    balance: Decimal
    po_number: str | None = None
    days_overdue: int = 0


@dataclass(frozen=True)
class InvoiceCopies:
    """invoice_copy: a link per invoice found (or one to the set), the rest not on the account."""

    found: tuple[tuple[InvoiceFact, LinkRef], ...] = ()
    not_found: tuple[str, ...] = ()  # as written by the sender; never says whose they are
    all_found: LinkRef | None = None  # one link to the whole set, when there are several
    # The e-invoice format the links download (core.documents.formats.Format); None: the PDF.
    format: str | None = None


@dataclass(frozen=True)
class AttachedFile:
    """A document sent as an attachment (to an AP-automation inbox), stored and audited."""

    filename: str
    content_type: str
    verification_code: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class InvoiceFiles:
    """invoice_copy to an AP-automation inbox: the files themselves, not links."""

    files: tuple[AttachedFile, ...]
    format: str | None  # core.documents.formats.Format value; None: PDF (original or copy)
    # Invoices linked instead of attached: their files would have taken the reply past the
    # size limit for attachments.
    over_limit: int = 0


@dataclass(frozen=True)
class EInvoiceUnavailable:
    """An invoice asked for in an e-invoice format it lacks details for: never sent invalid,
    the request goes to AR, who complete the details."""

    number: str
    format: str  # core.documents.formats.Format value
    missing: tuple[str, ...]  # core.documents.eligibility.Missing values


@dataclass(frozen=True)
class InvoiceList:
    """ "all open invoices", "March invoices": a link to that filtered list."""

    link: LinkRef
    status: str  # open, paid, all
    period_from: date | None = None
    period_to: date | None = None
    count: int = 0


@dataclass(frozen=True)
class StatementLinkAnswer:
    """The statement asked for: a link, or for an AP-automation inbox the file itself."""

    link: LinkRef | None
    period_from: date | None  # None: open items as of period_to
    period_to: date
    file: AttachedFile | None = None
    too_large: bool = False  # linked, because the file would not fit in the reply


@dataclass(frozen=True)
class CurrencyBalance:
    currency: str
    open_balance: Decimal
    overdue: Decimal
    buckets: tuple[tuple[str, Decimal], ...]  # ("current", …), ("1-30", …), … in order
    unapplied: Decimal = Decimal(0)


@dataclass(frozen=True)
class BalanceAnswer:
    as_of: date
    balances: tuple[CurrencyBalance, ...]  # one per currency, never summed across them
    link: LinkRef | None = None


@dataclass(frozen=True)
class PaymentApplied:
    received_on: date
    amount: Decimal  # applied to this invoice
    currency: str
    reference: str | None


@dataclass(frozen=True)
class InvoicePayments:
    invoice: InvoiceFact
    payments: tuple[PaymentApplied, ...]


@dataclass(frozen=True)
class PaymentStatusAnswer:
    invoices: tuple[InvoicePayments, ...] = ()
    not_found: tuple[str, ...] = ()
    # Payments received recently when no invoice was named ("did you get our payment?").
    recent: tuple[PaymentApplied, ...] = ()
    remittance_acknowledged: bool = False


@dataclass(frozen=True)
class DisputeAcknowledged:
    invoices: tuple[tuple[InvoiceFact, LinkRef], ...] = ()
    not_found: tuple[str, ...] = ()


@dataclass(frozen=True)
class HandedOff:
    """The request went to a person in AR, who will answer."""

    reason: str  # a code: needs_human, other, unverified, unknown_sender, not_permitted, …


@dataclass(frozen=True)
class AccessInstructions:
    """Unknown sender at a customer's verified domain: how to get access, no billing data."""

    domain: str


@dataclass(frozen=True)
class NotPermitted:
    """The contact's role does not allow what was asked (e.g. documents for an account manager)."""

    permission: str


Answer = (
    InvoiceCopies
    | EInvoiceUnavailable
    | InvoiceFiles
    | InvoiceList
    | StatementLinkAnswer
    | BalanceAnswer
    | PaymentStatusAnswer
    | DisputeAcknowledged
    | HandedOff
    | AccessInstructions
    | NotPermitted
)


@dataclass(frozen=True)
class Reply:
    """Everything a channel needs to render one reply."""

    language: str  # en, de, fr, es, nl, it, pt
    recipient_name: str | None
    account_name: str | None
    answers: tuple[Answer, ...] = field(default_factory=tuple)
    link_ttl_hours: int | None = None  # stated in the reply when it carries links
