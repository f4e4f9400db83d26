"""The decision record (``inbound_messages.decision``) as one typed value, written and read here.

Every writer — the bot's pipeline (``bot/record.py``), a request given up without a decision
(``bot/process.py``), a dispute raised in the portal (``web/portal/disputes.py``) — constructs a
``Decision`` and stores ``Decision.record()``; every reader — the console, the request log's
search terms, the report, ``ardesk handle-eml --json`` (which prints the record) — reads it back
with ``Decision.read``. A key is spelled once, here; a missing field of an older record reads as
empty instead of failing, and ``read(d.record()) == d`` for every record written today.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list | tuple) else ()


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _or_none(value: str) -> str | None:
    return value or None


@dataclass(frozen=True)
class Sender:
    email: str
    status: str  # verified, unverified, unknown
    verification: str = ""  # how: address on file, DMARC result, unknown at a known domain
    contact: str = ""  # the contact's name
    account: str = ""  # the account's ERP id
    role: str = ""
    accounts: tuple[str, ...] = ()

    @classmethod
    def read(cls, value: Any) -> Sender | None:
        data = _mapping(value)
        if not data:
            return None
        return cls(
            email=_text(data.get("email")),
            status=_text(data.get("status")),
            verification=_text(data.get("verification")),
            contact=_text(data.get("contact")),
            account=_text(data.get("account")),
            role=_text(data.get("role")),
            accounts=_texts(data.get("accounts")),
        )

    def record(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "status": self.status,
            "verification": self.verification,
            "contact": _or_none(self.contact),
            "account": _or_none(self.account),
            "role": _or_none(self.role),
            "accounts": list(self.accounts),
        }


@dataclass(frozen=True)
class GuardVerdict:
    rule: str
    verdict: str  # pass or hold
    reason: str = ""


@dataclass(frozen=True)
class Understood:
    language: str
    intents: tuple[str, ...]
    confidence: tuple[tuple[str, float], ...] = ()  # highest first
    invoice_numbers: tuple[str, ...] = ()
    po_numbers: tuple[str, ...] = ()
    period_from: str = ""  # ISO dates, or empty
    period_to: str = ""
    needs_human: bool = False
    new_text: str = ""
    candidates: tuple[str, ...] = ()
    numbers_in_attachment: bool = False
    document_format: str | None = None
    #: The invoice numbers came from the quoted thread the sender pointed at ("copies of those").
    references_from_thread: bool = False
    thread_ambiguous: bool = False

    @property
    def period(self) -> str:
        """ "2026-07-01 – 2026-09-30", or empty."""
        return f"{self.period_from} – {self.period_to}" if self.period_from else ""

    @classmethod
    def read(cls, value: Any) -> Understood | None:
        data = _mapping(value)
        if not data:
            return None
        confidence = _mapping(data.get("confidence"))
        period = _mapping(data.get("period"))
        intents = _texts(data.get("intents"))
        if not intents and isinstance(data.get("intent"), str):  # a dispute's older record
            intents = (data["intent"],)
        has_period = {"from", "to"} <= period.keys()
        return cls(
            language=_text(data.get("language")),
            intents=intents,
            confidence=tuple(
                sorted(
                    (
                        (str(k), float(v))
                        for k, v in confidence.items()
                        if isinstance(v, int | float)
                    ),
                    key=lambda pair: -pair[1],
                )
            ),
            invoice_numbers=_texts(data.get("invoice_numbers")),
            po_numbers=_texts(data.get("po_numbers")),
            period_from=_text(period["from"]) if has_period else "",
            period_to=_text(period["to"]) if has_period else "",
            needs_human=bool(data.get("needs_human")),
            new_text=_text(data.get("new_text")),
            candidates=_texts(data.get("candidates")),
            numbers_in_attachment=bool(data.get("numbers_in_attachment")),
            document_format=_or_none(_text(data.get("document_format"))),
            references_from_thread=bool(data.get("references_from_thread")),
            thread_ambiguous=bool(data.get("thread_ambiguous")),
        )

    @classmethod
    def of(cls, understanding: Any) -> Understood:
        """The pipeline's reading (``intents.Understanding``), as stored."""
        return cls.read(understanding.to_dict())  # type: ignore[return-value]

    def record(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "intents": list(self.intents),
            "confidence": dict(self.confidence),
            "invoice_numbers": list(self.invoice_numbers),
            "po_numbers": list(self.po_numbers),
            "period": {"from": self.period_from, "to": self.period_to}
            if self.period_from
            else None,
            "needs_human": self.needs_human,
            "new_text": self.new_text,
            "candidates": list(self.candidates),
            "numbers_in_attachment": self.numbers_in_attachment,
            "document_format": self.document_format,
            "references_from_thread": self.references_from_thread,
            "thread_ambiguous": self.thread_ambiguous,
        }


@dataclass(frozen=True)
class Reply:
    to: str
    subject: str
    text: str
    account: str
    language: str

    def record(self) -> dict[str, Any]:
        return {"to": self.to, "subject": self.subject, "text": self.text,
                "account": _or_none(self.account), "language": self.language}  # fmt: skip


@dataclass(frozen=True)
class IssuedLink:
    """A portal link the bot issued (its URL is a bearer credential: never shown whole)."""

    url: str
    scope: str
    account: str
    invoice: str | None
    targets: dict[str, Any]
    expires_at: str  # ISO
    dry_run: bool = False

    def record(self) -> dict[str, Any]:
        record = {"url": self.url, "scope": self.scope, "account": _or_none(self.account),
                  "invoice": self.invoice, "targets": self.targets,
                  "expires_at": self.expires_at}  # fmt: skip
        return {**record, "dry_run": True} if self.dry_run else record


@dataclass(frozen=True)
class AttachmentSeen:
    """An attachment by name, type and size: attachments are never opened."""

    name: str
    type: str
    size: int


@dataclass(frozen=True)
class Decision:
    action: str  # reply, handoff, ignore
    handoff: bool  # a person must look, whether or not the bot replied
    handoff_reason: str = ""
    sender: Sender | None = None
    guards: tuple[GuardVerdict, ...] = ()
    understood: Understood | None = None
    answers: tuple[dict[str, Any], ...] = ()  # each answer's plain facts, shown as they are
    replies: tuple[Reply, ...] = ()
    attachments: tuple[AttachmentSeen, ...] = ()
    parse_problem: str = ""
    message_id: str = ""  # the Message-ID, or the channel's key for the message
    channel: str = ""
    links: tuple[IssuedLink, ...] = ()
    #: A customer's follow-up in the thread of this open hand-off (an inbound message id): no
    #: queue item of its own, no automatic answer; the person working that hand-off answers.
    attached_to: int | None = None
    dry_run: bool = False

    @classmethod
    def read(cls, record: dict[str, Any] | None) -> Decision:
        data = _mapping(record)
        attached = data.get("attached_to")
        return cls(
            action=_text(data.get("action")),
            handoff=bool(data.get("handoff")),
            handoff_reason=_text(data.get("handoff_reason")),
            sender=Sender.read(data.get("sender")),
            guards=tuple(
                GuardVerdict(_text(g.get("rule")), _text(g.get("verdict")), _text(g.get("reason")))
                for g in _items(data.get("guards"))
            ),
            understood=Understood.read(data.get("understanding")),
            answers=tuple(_items(data.get("answers"))),
            replies=tuple(
                Reply(*(_text(r.get(k)) for k in ("to", "subject", "text", "account", "language")))
                for r in _items(data.get("replies"))
            ),
            attachments=tuple(
                AttachmentSeen(
                    _text(a.get("name")),
                    _text(a.get("type")),
                    a["size"] if isinstance(a.get("size"), int) else 0,
                )
                for a in _items(data.get("attachments"))
            ),
            parse_problem=_text(data.get("parse_problem")),
            message_id=_text(data.get("message_id")),
            channel=_text(data.get("channel")),
            links=tuple(
                IssuedLink(
                    url=_text(link.get("url")),
                    scope=_text(link.get("scope")),
                    account=_text(link.get("account")),
                    invoice=link.get("invoice") if isinstance(link.get("invoice"), str) else None,
                    targets=_mapping(link.get("targets")),
                    expires_at=_text(link.get("expires_at")),
                    dry_run=bool(link.get("dry_run")),
                )
                for link in _items(data.get("links"))
            ),
            attached_to=attached if isinstance(attached, int) and attached > 0 else None,
            dry_run=bool(data.get("dry_run")),
        )

    def record(self) -> dict[str, Any]:
        """The stored (and printed) form: plain JSON values only."""
        replies = [reply.record() for reply in self.replies]
        record: dict[str, Any] = {
            "message_id": self.message_id,
            "channel": self.channel,
            "sender": self.sender.record() if self.sender else None,
            "guards": [
                {"rule": g.rule, "verdict": g.verdict, "reason": g.reason} for g in self.guards
            ],
            "understanding": self.understood.record() if self.understood else None,
            "action": self.action or None,
            "handoff": self.handoff,
            "handoff_reason": self.handoff_reason or None,
            "attached_to": self.attached_to,
            "answers": [dict(answer) for answer in self.answers],
            "links": [link.record() for link in self.links],
            "reply": replies[0] if replies else None,
            "replies": replies,
            "attachments": [
                {"name": a.name, "type": a.type, "size": a.size} for a in self.attachments
            ],
            "parse_problem": self.parse_problem or None,
        }
        if self.dry_run:
            record["dry_run"] = True
        return record
