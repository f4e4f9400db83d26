"""Reading a stored decision record (``inbound_messages.decision``) as typed values.

The bot writes the record as plain JSON (``bot/record.py``); everything that reads it — the
console, the request log's search terms, the report — reads it through ``Decision.read`` here,
so a key is spelled once and a missing or older field reads as empty instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Sender:
    email: str
    status: str  # verified, unverified, unknown
    verification: str  # how: address on file, DMARC result, unknown at a known domain
    contact: str
    account: str
    role: str
    accounts: tuple[str, ...]


@dataclass(frozen=True)
class GuardVerdict:
    rule: str
    verdict: str  # pass or hold
    reason: str


@dataclass(frozen=True)
class Understood:
    language: str
    intents: tuple[str, ...]
    confidence: tuple[tuple[str, float], ...]  # highest first
    invoice_numbers: tuple[str, ...]
    po_numbers: tuple[str, ...]
    period: str  # "2026-07-01 – 2026-09-30", or empty
    needs_human: bool
    #: The invoice numbers came from the quoted thread the sender pointed at ("copies of those").
    references_from_thread: bool = False


@dataclass(frozen=True)
class Reply:
    to: str
    subject: str
    text: str
    account: str
    language: str


@dataclass(frozen=True)
class Decision:
    action: str  # reply, handoff, ignore
    handoff: bool  # a person must look, whether or not the bot replied
    handoff_reason: str
    sender: Sender | None
    guards: tuple[GuardVerdict, ...]
    understood: Understood | None
    answers: tuple[dict[str, Any], ...]  # each answer's plain facts, shown as they are
    replies: tuple[Reply, ...]
    attachments: tuple[str, ...]
    parse_problem: str

    @classmethod
    def read(cls, record: dict[str, Any] | None) -> Decision:
        data = _mapping(record)
        return cls(
            action=_text(data.get("action")),
            handoff=bool(data.get("handoff")),
            handoff_reason=_text(data.get("handoff_reason")),
            sender=_sender(data.get("sender")),
            guards=tuple(
                GuardVerdict(_text(g.get("rule")), _text(g.get("verdict")), _text(g.get("reason")))
                for g in data.get("guards") or []
                if isinstance(g, dict)
            ),
            understood=_understood(data.get("understanding")),
            answers=tuple(a for a in data.get("answers") or [] if isinstance(a, dict)),
            replies=tuple(
                Reply(*(_text(r.get(k)) for k in ("to", "subject", "text", "account", "language")))
                for r in data.get("replies") or []
                if isinstance(r, dict)
            ),
            attachments=tuple(
                _text(a.get("name")) for a in data.get("attachments") or [] if isinstance(a, dict)
            ),
            parse_problem=_text(data.get("parse_problem")),
        )


def _sender(value: Any) -> Sender | None:
    data = _mapping(value)
    if not data:
        return None
    return Sender(
        email=_text(data.get("email")),
        status=_text(data.get("status")),
        verification=_text(data.get("verification")),
        contact=_text(data.get("contact")),
        account=_text(data.get("account")),
        role=_text(data.get("role")),
        accounts=_texts(data.get("accounts")),
    )


def _understood(value: Any) -> Understood | None:
    data = _mapping(value)
    if not data:
        return None
    confidence = _mapping(data.get("confidence"))
    period = _mapping(data.get("period"))
    return Understood(
        language=_text(data.get("language")),
        intents=_texts(data.get("intents")),
        confidence=tuple(
            sorted(
                ((str(k), float(v)) for k, v in confidence.items() if isinstance(v, int | float)),
                key=lambda pair: -pair[1],
            )
        ),
        invoice_numbers=_texts(data.get("invoice_numbers")),
        po_numbers=_texts(data.get("po_numbers")),
        period=f"{period['from']} – {period['to']}" if {"from", "to"} <= period.keys() else "",
        needs_human=bool(data.get("needs_human")),
        references_from_thread=bool(data.get("references_from_thread")),
    )
