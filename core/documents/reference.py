"""Structured payment references: the invoice's own, or an ISO 11649 creditor reference (RF).

A payer who quotes a structured reference lets the bank statement match the invoice without a
person; RF references are checked by banks, so a mistyped one is refused before it is paid.
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

MAX_RF_BODY = 21  # ISO 11649: at most 25 characters, "RF" and two check digits included


def rf_reference(text: str) -> str | None:
    """An RF reference made from ``text`` (its letters and digits), or None if nothing is left
    or it is too long to carry."""
    body = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if not body or len(body) > MAX_RF_BODY:
        return None
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def is_rf(reference: str) -> bool:
    return iso11649.is_valid(reference)


def structured_reference(invoice_number: str, given: str | None) -> str | None:
    """What the payer should quote: the ERP's reference as stated, else an RF reference built
    from the invoice number (None when the number cannot make one)."""
    if given and given.strip():
        given = given.strip()
        return iso11649.compact(given) if is_rf(given) else given
    return rf_reference(invoice_number)


def printed(reference: str) -> str:
    """An RF reference in groups of four, as printed; others as they are."""
    return iso11649.format(reference) if is_rf(reference) else reference
