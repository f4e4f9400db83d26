"""What is known at resolve time, used without leaking it.

Understanding reports bare numbers that nothing in the text marks as invoice numbers ("any news on
2026-0102?"). Here each is looked up on the sender's own account, in the forms `matching` allows:
one that is there becomes a reference (rescued); one that is not is dropped (rejected), and
the reply says nothing about it — a number on another account is as unknown as one that exists
nowhere.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from bot.resolve.matching import find_invoices
from intents import Understanding

#: Intents whose answer depends on the documents the sender names.
DOCUMENT_INTENTS = frozenset({"invoice_copy", "payment_status"})


def confirm_candidates(session: Session, account_id: int, understanding: Understanding):
    """The understanding with the candidates found on this account as its invoice numbers."""
    if understanding.invoice_numbers or not understanding.candidates:
        return understanding
    confirmed = tuple(
        number for number in understanding.candidates if find_invoices(session, account_id, number)
    )
    if not confirmed:
        return understanding
    return replace(understanding, invoice_numbers=confirmed)


def numbers_only_in_attachment(understanding: Understanding, wanted: list[str]) -> bool:
    return (
        understanding.numbers_in_attachment
        and not understanding.invoice_numbers
        and bool(DOCUMENT_INTENTS & set(wanted))
    )
