"""Requests as AP contacts write them, from the demo data's contacts about their own invoices:
invoice copies in English and German with real numbers, statements, balances, payment questions.
Used by the email benchmark and the fault harness."""

from __future__ import annotations

import email.utils
import random

from sqlalchemy import select

from core.db import Database
from core.models import Contact, Invoice

REQUESTS = [
    ("Copy of invoice {n}", "Hello,\n\ncould you please send me a copy of invoice {n}?\n\nThanks"),
    ("Rechnung {n}", "Guten Tag,\n\nbitte senden Sie uns eine Kopie der Rechnung {n}.\n\nDanke"),
    ("Statement", "Hi,\n\nplease send our statement of account for last quarter.\n\nRegards"),
    ("Solde", "Bonjour,\n\nquel est le solde de notre compte ? Merci."),
    ("Payment", "Hello,\n\nhave you received our payment for invoice {n}?\n\nBest"),
]


def ap_requests(db: Database, count: int, rng: random.Random, tag: str) -> list[tuple[str, bytes]]:
    """``count`` requests as (Message-ID, raw bytes); ``tag`` starts each Message-ID."""
    with db.admin_session() as s:
        contacts = s.execute(
            select(Contact.email, Contact.account_id).where(Contact.role == "ap_contact")
        ).all()
        numbers: dict[int, list[str]] = {}
        for account_id, number in s.execute(select(Invoice.account_id, Invoice.number)):
            numbers.setdefault(account_id, []).append(number)
    out = []
    for i in range(count):
        address, account_id = rng.choice(contacts)
        subject, body = rng.choice(REQUESTS)
        number = rng.choice(numbers[account_id])
        message_id = f"<{tag}-{i}-{rng.getrandbits(40):x}@customer.example>"
        raw = (
            f"From: {address}\r\nTo: ar@supplier.example\r\nSubject: {subject.format(n=number)}\r\n"
            f"Date: {email.utils.formatdate()}\r\nMessage-ID: {message_id}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{body.format(n=number)}\r\n"
        ).encode()
        out.append((message_id, raw))
    return out
