"""Finding the invoices a sender means: as written first, then tolerant forms.

A reference is tried in this order, and the first form that finds anything wins:

1. as written, ignoring case, spaces and separators: "re 2026/0102" finds "RE-2026-0102";
2. without the cue words in front of it: "inv. no. 10423" finds "10423";
3. as the tail of a number: "2026-0102" and "0102" find "RE-2026-0102", "5001" finds
   "INV-UK-5001", "10423" finds "INV-10423" (leading zeros aside);
4. with a letter prefix the ERP does not store: "INV-90014872" finds "90014872".

"RE-", "RG-", "FA-", "INV-" are part of many ERPs' numbering, so a cue word is only set aside when
the number as written is not there. Every look-up runs in the account's scoped session, so a
number that exists on another account is simply not found — and the reply says the same as for a
number that exists nowhere.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.answers import InvoiceFact
from core.models import Invoice, InvoiceKind

_CUE = re.compile(
    r"^(?:(?:invoice|inv|rechnung|rg|re|facture|fact|factura|fra|factuur|fattura|fatt|fatura|ft"
    r"|nr|no|n°|nº|num|number|nummer|numéro|número|numero)\b\.?|[#:.\s-])+",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\d+|[^\W\d_]+")
#: Candidate rows read per reference; a tail shorter than this many digits is not looked up.
_CANDIDATES = 200
_MIN_TAIL_DIGITS = 3


def _compact(text: str) -> str:
    return re.sub(r"[\W_]", "", text).upper()


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.upper())


def _same_token(written: str, stored: str) -> bool:
    if written.isdigit() and stored.isdigit():
        return written.lstrip("0") == stored.lstrip("0")
    return written == stored


def _is_tail(written: list[str], stored: list[str]) -> bool:
    """`written` ends `stored`: "2026-0102" and "0102" end "RE-2026-0102"."""
    if not written or len(written) > len(stored) or not written[-1].isdigit():
        return False
    return all(_same_token(a, b) for a, b in zip(written, stored[-len(written) :], strict=True))


def _without_cue(reference: str) -> str:
    return _CUE.sub("", reference.strip()).strip()


def _tiers(reference: str) -> Sequence[Callable[[str], bool]]:
    written = _compact(reference)
    bare = _compact(_without_cue(reference))
    written_tokens = _tokens(reference)
    bare_tokens = _tokens(_without_cue(reference))
    digit_tail = [token for token in bare_tokens if token.isdigit()]
    return (
        lambda number: _compact(number) == written,
        lambda number: bool(bare) and _compact(number) == bare,
        lambda number: (
            _is_tail(written_tokens, _tokens(number)) or _is_tail(bare_tokens, _tokens(number))
        ),
        # An ERP that stores "90014872" for what the sender writes "INV-90014872".
        lambda number: (
            bool(digit_tail)
            and _tokens(number) == digit_tail[-len(_tokens(number)) :]
            and all(token.isdigit() for token in _tokens(number))
        ),
    )


def _lookup_conditions(reference: str) -> list:
    spellings = {reference.strip(), reference.strip().upper(), _without_cue(reference)}
    conditions = [Invoice.number.in_([s for s in spellings if s])]
    digit_groups = re.findall(r"\d+", reference)
    if digit_groups:
        last = digit_groups[-1]
        tail = last.lstrip("0") if len(last.lstrip("0")) >= _MIN_TAIL_DIGITS else last
        if len(tail) >= _MIN_TAIL_DIGITS:
            conditions.append(Invoice.number.like(f"%{tail}"))
        conditions.append(Invoice.number.in_(["".join(digit_groups)]))
    return conditions


def find_invoices(session: Session, account_id: int, reference: str) -> list[Invoice]:
    """The invoices on this account that `reference` names, by the first form that finds any."""
    if not _tokens(reference):
        return []
    candidates = session.scalars(
        select(Invoice)
        .where(Invoice.account_id == account_id, or_(*_lookup_conditions(reference)))
        .order_by(Invoice.issue_date.desc(), Invoice.id.desc())
        .limit(_CANDIDATES)
    ).all()
    for matches in _tiers(reference):
        found = [invoice for invoice in candidates if matches(invoice.number)]
        if found:
            return found
    return []


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
