"""Invoices as documents state them: built by hand, so each test names what it changes."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from core.documents.facts import Buyer, InvoiceFacts, LineFacts
from core.documents.parties import PostalAddress
from core.models import InvoiceStatus
from mailers.brand import EXAMPLE_BRAND_FILE, read_brand_file

BRAND = read_brand_file(EXAMPLE_BRAND_FILE)
GERMAN_ENTITY = BRAND.legal_entity("DE01")
SWISS_ENTITY = BRAND.legal_entity("CH01")
BUYER = Buyer(
    name="Acme Handels GmbH",
    customer_number="C-1001",
    tax_id="DE987654321",
    address=PostalAddress("Hauptstraße 5", "", "10115", "Berlin", "", "DE"),
    electronic_address="EM:ap@acme.example",
)


def line(number: int, net: str, rate: str = "19", category: str | None = "S", qty: str = "1"):
    net_amount = Decimal(net)
    return LineFacts(
        number=number,
        description=f"Hydraulic pump, model {number}",
        sku=f"HP-{number}",
        quantity=Decimal(qty),
        unit_price=net_amount / Decimal(qty),
        net_amount=net_amount,
        tax_rate=Decimal(rate),
        tax_category=category,
        tax_amount=(net_amount * Decimal(rate) / 100).quantize(Decimal("0.01")),
    )


INVOICE = InvoiceFacts(
    number="INV-10423",
    credit_note=False,
    status=InvoiceStatus.open,
    issue_date=date(2026, 3, 12),
    due_date=date(2026, 4, 11),
    currency="EUR",
    subtotal=Decimal("1500.00"),
    tax=Decimal("285.00"),
    total=Decimal("1785.00"),
    amount_paid=Decimal(0),
    balance=Decimal("1785.00"),
    po_number="PO-7781",
    payment_terms="30 days net",
    payment_reference="RF28INV10423",
    entity_code=None,
    seller=GERMAN_ENTITY,
    buyer=BUYER,
    lines=(line(1, "1000.00", qty="4"), line(2, "500.00")),
)


def credit_note_of(facts: InvoiceFacts) -> InvoiceFacts:
    """The same document as a credit note, negative as ardesk stores credit notes."""
    return dataclasses.replace(
        facts,
        number="CN-2001",
        credit_note=True,
        subtotal=-facts.subtotal,
        tax=-facts.tax,
        total=-facts.total,
        balance=-facts.balance,
        lines=tuple(
            dataclasses.replace(
                x, quantity=-x.quantity, net_amount=-x.net_amount, tax_amount=-x.tax_amount
            )
            for x in facts.lines
        ),
    )
