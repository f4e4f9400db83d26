"""The request log's search terms: a message's intents, invoice and PO numbers as indexed rows.

Written once, when the decision record is stored; searched by exact value or by prefix, never
inside the JSON of the record (which no index reaches on a million messages).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core.decisions import Decision
from core.models import RequestTerm, TermKind

MAX_LENGTH = 100


def normalise(value: str) -> str:
    """Terms are stored and searched upper-cased and trimmed: `inv-1` finds `INV-1`."""
    return value.strip().upper()[:MAX_LENGTH]


def terms_of(record: dict[str, Any] | None) -> Iterator[tuple[TermKind, str]]:
    understood = Decision.read(record).understood
    if understood is None:
        return
    seen: set[tuple[TermKind, str]] = set()
    for kind, values in (
        (TermKind.intent, understood.intents),
        (TermKind.invoice, understood.invoice_numbers),
        (TermKind.po, understood.po_numbers),
    ):
        for value in values:
            term = (kind, normalise(value))
            if term[1] and term not in seen:
                seen.add(term)
                yield term


def index_terms(session: Session, message_id: int, record: dict[str, Any] | None) -> None:
    """Replace the message's terms with those of ``record`` (a correction re-indexes)."""
    session.execute(delete(RequestTerm).where(RequestTerm.inbound_message_id == message_id))
    session.add_all(
        RequestTerm(inbound_message_id=message_id, kind=kind, value=value)
        for kind, value in terms_of(record)
    )
