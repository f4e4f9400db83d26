"""What the console finds a request by, written when its decision record is stored:

- its search terms (intents, invoice and PO numbers) as indexed rows, searched by exact value or
  by prefix, never inside the JSON of the record (which no index reaches on a million messages);
- its place in the hand-off queue, when the pipeline decided a person must look (a dispute the
  bot acknowledged needs a person as much as a request it could not answer), or, for a
  customer's follow-up, its place on the open hand-off it joins.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core.decisions import Decision
from core.handoff_threads import attach
from core.models import Handoff, MemberKind, RequestTerm, TermKind

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


def index_decision(session: Session, message_id: int, record: dict[str, Any] | None) -> None:
    """Index a stored decision record: its terms, and a queue entry if it hands off."""
    index_terms(session, message_id, record)
    decision = Decision.read(record)
    if decision.attached_to is not None:  # a follow-up: worked on the open hand-off it joins
        attach(session, message_id, decision.attached_to, MemberKind.followup)
    elif decision.handoff and session.get(Handoff, message_id) is None:
        session.add(Handoff(inbound_message_id=message_id))


def index_terms(session: Session, message_id: int, record: dict[str, Any] | None) -> None:
    """Replace the message's terms with those of ``record`` (a correction re-indexes)."""
    session.execute(delete(RequestTerm).where(RequestTerm.inbound_message_id == message_id))
    session.add_all(
        RequestTerm(inbound_message_id=message_id, kind=kind, value=value)
        for kind, value in terms_of(record)
    )
