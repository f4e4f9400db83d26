"""The structured request that understanding a message produces."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: The taxonomy, in a fixed order (the order of `confidence` in the JSON output).
INTENTS: tuple[str, ...] = (
    "invoice_copy",
    "statement",
    "balance",
    "payment_status",
    "dispute",
    "auto_reply",
    "other",
)

#: Intents the bot can answer from the account's data without a person.
ANSWERABLE: frozenset[str] = frozenset({"invoice_copy", "statement", "balance", "payment_status"})

#: Intents that never combine with another one.
STANDALONE: frozenset[str] = frozenset({"auto_reply", "other"})

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "nl", "it", "pt")


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive date range named by the sender."""

    start: date
    end: date

    def to_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a message asks for, as far as the text tells."""

    language: str
    intents: tuple[str, ...]
    confidence: dict[str, float] = field(hash=False)
    invoice_numbers: tuple[str, ...] = ()
    po_numbers: tuple[str, ...] = ()
    period: Period | None = None
    needs_human: bool = False
    new_text: str = ""
    #: Bare numbers that may be invoice numbers; resolve confirms them on the sender's account.
    candidates: tuple[str, ...] = ()
    #: The request points to an attachment for its documents ("see attached remittance") and
    #: names none in its text: a person must read the attachment.
    numbers_in_attachment: bool = False
    # The document format asked for ("as XRechnung"): an ``intents.formats`` code, or None.
    document_format: str | None = None
    #: The invoice numbers are the thread's: the new text points at documents only the quoted
    #: history (or a reply's subject) names ("please send copies of those").
    references_from_thread: bool = False
    #: The new text points at the thread's documents but cannot be tied to specific ones (one
    #: of several, or too many): a person decides, `needs_human` is set.
    thread_ambiguous: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "intents": list(self.intents),
            "confidence": {name: round(self.confidence.get(name, 0.0), 4) for name in INTENTS},
            "invoice_numbers": list(self.invoice_numbers),
            "po_numbers": list(self.po_numbers),
            "period": self.period.to_dict() if self.period else None,
            "needs_human": self.needs_human,
            "new_text": self.new_text,
            "candidates": list(self.candidates),
            "numbers_in_attachment": self.numbers_in_attachment,
            "document_format": self.document_format,
            "references_from_thread": self.references_from_thread,
            "thread_ambiguous": self.thread_ambiguous,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)
