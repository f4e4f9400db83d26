"""The email that hands a request to a person in AR: the parsed request on top, the original
message attached untouched, and ``Reply-To`` set to the sender so AR can answer directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import formataddr
from typing import Any

from mailers.brand import DEFAULT_BRAND, Brand
from mailers.layout import TEMPLATES, new_message

SENDER_STATUSES = ("verified", "unverified", "unknown")


@dataclass(frozen=True)
class HandoffRequest:
    """What ardesk understood of a request it hands to AR (English: AR reads it)."""

    sender: str
    status: str  # verified, unverified, unknown
    reason: str  # a code: needs_human, other, unverified, unknown_sender, dispute, …
    subject: str = ""
    sender_name: str | None = None
    contact: str | None = None
    account: str | None = None
    role: str | None = None
    language: str | None = None
    intents: tuple[tuple[str, float], ...] = ()  # (intent, confidence), most likely first
    invoice_refs: tuple[str, ...] = ()
    po_refs: tuple[str, ...] = ()
    period: str | None = None  # as understood, e.g. "2025-07-01 – 2025-09-30"
    message_id: str | None = None
    received_at: datetime | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. what the customer was told

    @classmethod
    def from_decision(
        cls, decision: Mapping[str, Any], *, reason: str, subject: str = ""
    ) -> HandoffRequest:
        """Build from the bot's decision record (see issue 5 for its shape); missing parts are
        simply left out."""
        sender = decision.get("sender") or {}
        understanding = decision.get("understanding") or {}
        confidence = understanding.get("confidence") or {}
        chosen = understanding.get("intents") or []
        intents = tuple((name, float(confidence.get(name, 0.0))) for name in chosen)
        period = understanding.get("period")
        if isinstance(period, Mapping):
            period = " – ".join(str(period[key]) for key in ("start", "end") if period.get(key))
        return cls(
            sender=str(sender.get("email") or ""),
            status=str(sender.get("status") or "unknown"),
            reason=reason,
            subject=subject,
            contact=_text(sender.get("contact")),
            account=_text(sender.get("account")),
            role=_text(sender.get("role")),
            language=understanding.get("language"),
            intents=intents,
            invoice_refs=tuple(understanding.get("invoice_numbers") or ()),
            po_refs=tuple(understanding.get("po_numbers") or ()),
            period=str(period) if period else None,
            message_id=decision.get("message_id"),
        )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("email") or value.get("erp_id") or value)
    return str(value)


def handoff_subject(request: HandoffRequest) -> str:
    subject = " ".join(request.subject.split()) or "(no subject)"
    return f"[ardesk hand-off: {request.reason}] {subject}"


def compose_handoff(
    request: HandoffRequest,
    original: bytes | None,
    *,
    brand: Brand,
    from_address: str,
    ar_address: str,
    now: datetime | None = None,
) -> EmailMessage:
    if request.status not in SENDER_STATUSES:
        raise ValueError(f"sender status must be one of {', '.join(SENDER_STATUSES)}")
    message = new_message(
        brand=brand,
        from_address=from_address,
        to_address=ar_address,
        to_name=None,
        subject=handoff_subject(request),
        now=now,
        auto_submitted="auto-generated",
    )
    if request.sender:
        # AR answers the customer directly; ardesk's own replies never use Reply-To.
        message["Reply-To"] = formataddr((request.sender_name or "", request.sender))
    text = TEMPLATES.get_template("handoff.txt").render(request=request)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if original:
        message.make_mixed()
        message.attach(original_part(original))
    return message


def compose_delivery_problem(
    *,
    original: bytes,
    recipient: str,
    reason: str,
    from_address: str,
    to_address: str,
    brand: Brand | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """Tell AR that an email to ``recipient`` could not be delivered; the email is attached."""
    attached = BytesParser(policy=default_policy).parsebytes(original, headersonly=True)
    subject = " ".join(str(attached.get("Subject", "")).split()) or "(no subject)"
    message = new_message(
        brand=brand or DEFAULT_BRAND,
        from_address=from_address,
        to_address=to_address,
        to_name=None,
        subject=f"[ardesk undeliverable] {subject}",
        now=now,
        auto_submitted="auto-generated",
    )
    text = TEMPLATES.get_template("delivery_problem.txt").render(
        recipient=recipient, reason=reason, subject=subject
    )
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.make_mixed()
    message.attach(original_part(original))
    return message


def original_part(original: bytes) -> EmailMessage:
    """The original message as a message/rfc822 part whose bytes are exactly ``original``.

    The payload is kept as a string of the original bytes (surrogate-escaped) rather than a
    parsed message, so the generator writes it out verbatim instead of re-serialising it.
    """
    part = EmailMessage(policy=default_policy)
    part["Content-Type"] = "message/rfc822"
    part["Content-Disposition"] = 'attachment; filename="original.eml"'
    part["Content-Transfer-Encoding"] = "8bit" if any(b > 127 for b in original) else "7bit"
    part.set_payload(original.decode("ascii", "surrogateescape"))
    return part
