"""Finding the invoices a sender means, tolerant of how they wrote the number.

"INV-10423", "inv. no. 10423", "10423" and "#10423" all find invoice "10423" or "INV-10423" on the
sender's own account. Look-ups run in the account's scoped session, so a number that exists on
another account is simply not found — and the reply says the same as for a number that exists
nowhere.
"""

from __future__ import annotations

import re
import time

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.answers import InvoiceFact
from core.models import Invoice, InvoiceKind

_CUE = re.compile(
    r"^(?:invoice|inv|rechnung|rg|re|facture|fact|factura|fra|factuur|fattura|fatt|fatura|ft|"
    r"nr|no|n°|nº|num|number|nummer|numéro|número|numero|#|\.|:|\s)+",
    re.IGNORECASE,
)


def _compact(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def variants(reference: str) -> set[str]:
    """Spellings of a reference worth an exact, indexed look-up."""
    written = reference.strip()
    bare = _CUE.sub("", written).strip()
    found = {written, written.upper(), bare, bare.upper()}
    digits = re.sub(r"\D", "", bare)
    if digits:
        found.add(digits)
        found.add(digits.lstrip("0") or "0")
    return {v for v in found if v}


def find_invoices(session: Session, account_id: int, reference: str) -> list[Invoice]:
    spellings = variants(reference)
    digits = re.sub(r"\D", "", _CUE.sub("", reference))
    conditions = [Invoice.number.in_(spellings)]
    if len(digits) >= 3:
        # "10423" for "INV-10423": numbers that end in these digits after a non-digit prefix.
        conditions.append(Invoice.number.like(f"%{digits}"))
    candidates = session.scalars(
        select(Invoice).where(Invoice.account_id == account_id, or_(*conditions)).limit(50)
    ).all()
    target = _compact(_CUE.sub("", reference))
    exact = [i for i in candidates if _compact(i.number) == target]
    if exact:
        return exact
    return [
        i
        for i in candidates
        if digits
        and re.sub(r"\D", "", i.number) == digits
        and not i.number[: -len(digits)][-1:].isdigit()
    ]


def fact(invoice: Invoice, today) -> InvoiceFact:
    return InvoiceFact(
        number=invoice.number,
        kind=InvoiceKind(invoice.kind).value,
        status=invoice.status.value,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        total=invoice.total,
        balance=invoice.balance,
        po_number=invoice.po_number,
        days_overdue=invoice.days_overdue(today),
    )


_PATTERN_CACHE: dict[tuple[str, int], tuple[float, tuple[str, ...]]] = {}
PATTERN_CACHE_SECONDS = 600.0


def invoice_patterns(db, account_id: int, sample: int = 200) -> tuple[str, ...]:
    """Regular expressions for the account's invoice-number formats, learnt from recent numbers,
    so that understanding can accept a bare number in that format as a reference. Formats change
    rarely: each process keeps them for ten minutes."""
    now = time.monotonic()
    key = (db.settings.database_url, account_id)
    cached = _PATTERN_CACHE.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    with db.account_scope(account_id) as session:
        patterns = _learn_patterns(session, account_id, sample)
    _PATTERN_CACHE[key] = (now + PATTERN_CACHE_SECONDS, patterns)
    return patterns


def _learn_patterns(session: Session, account_id: int, sample: int) -> tuple[str, ...]:
    numbers = session.scalars(
        select(Invoice.number)
        .where(Invoice.account_id == account_id)
        .order_by(Invoice.issue_date.desc())
        .limit(sample)
    )
    shapes: dict[str, int] = {}
    for number in numbers:
        shape = "".join(
            rf"\d{{{len(part)}}}" if part.isdigit() else re.escape(part)
            for part in re.findall(r"\d+|\D+", number)
        )
        shapes[shape] = shapes.get(shape, 0) + 1
    return tuple(sorted(shapes, key=shapes.get, reverse=True)[:5])
