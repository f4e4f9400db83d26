"""A supplier with three customers, for the email bot's scenarios.

- Brookfield (C1001, EUR): Karen (ap_contact, en), Claire (finance_approver, fr), Javier, Pieter,
  Anke, Giulia (ap_contact), Andy (account_manager); invoices INV-10423 (open), INV-10424
  (partly paid), 10425 (open, overdue), a credit note.
- Mühlbauer (C2002, EUR): Sabine (ap_contact, de), João (finance_approver, pt).
- Shared services: ap@shared.example is a contact of Brookfield AND of Mühlbauer.
- Outsider (C3003): owns INV-99999, which Brookfield's people must never learn about.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.models import InvoiceKind
from tests.support import builders as b

DATA = Path(__file__).parent.parent / "data" / "email"
EXTRA = {
    "FROM_ADDRESS": "ar@supplier.example",
    "AR_ADDRESS": "ar-team@supplier.example",
    "TRUSTED_AUTHSERV_IDS": "mx.supplier.example",
}


def eml(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def world(db):
    db.settings = db.settings.replace(**{name.lower(): value for name, value in EXTRA.items()})
    with db.admin_session() as s:
        brook = b.account(
            s, "C1001", "Brookfield Precision Castings Ltd", email_domains=["brookfield.example"]
        )
        mueh = b.account(
            s, "C2002", "Mühlbauer Maschinenbau GmbH", email_domains=["muehlbauer.example"]
        )
        outsider = b.account(s, "C3003", "Outsider Corp")
        b.contact(
            s, brook, "karen.whitlock@brookfield.example", name="Karen Whitlock", language="en"
        )
        b.contact(
            s,
            brook,
            "claire.dubois@brookfield.example",
            name="Claire Dubois",
            role="finance_approver",
            language="fr",
        )
        for who in ("javier.ruiz", "pieter.devries", "anke.jansen", "giulia.bianchi"):
            b.contact(s, brook, f"{who}@brookfield.example", name=who.replace(".", " ").title())
        b.contact(s, brook, "andy@brookfield.example", name="Andy Manager", role="account_manager")
        b.contact(s, mueh, "s.krueger@muehlbauer.example", name="Sabine Krüger", language="de")
        b.contact(
            s,
            mueh,
            "joao.silva@muehlbauer.example",
            name="João Silva",
            role="finance_approver",
            language="pt",
        )
        b.contact(s, brook, "ap@shared.example", name="Shared AP")
        b.contact(s, mueh, "ap@shared.example", name="Shared AP")

        b.invoice(
            s,
            brook,
            "INV-10423",
            "1190.00",
            tax="190.00",
            issued=date(2026, 10, 1),
            due=date(2026, 10, 31),
            po="PO-7781",
        )
        partly = b.invoice(
            s, brook, "INV-10424", "500.00", issued=date(2026, 10, 5), due=date(2026, 11, 4)
        )
        b.invoice(s, brook, "10425", "250.00", issued=date(2026, 8, 1), due=date(2026, 8, 31))
        b.invoice(
            s, brook, "CN-0007", "-50.00", issued=date(2026, 9, 1), kind=InvoiceKind.credit_note
        )
        b.payment(
            s,
            brook,
            "REM-2211",
            "200.00",
            received=date(2026, 11, 6),
            allocations={partly: "200.00"},
        )
        b.invoice(s, mueh, "10425", "980.00", issued=date(2026, 7, 15), due=date(2026, 8, 14))
        b.invoice(s, mueh, "10426", "120.00", issued=date(2026, 9, 15), due=date(2026, 10, 15))
        b.invoice(s, outsider, "INV-99999", "77.00", issued=date(2026, 10, 1))
    return db
