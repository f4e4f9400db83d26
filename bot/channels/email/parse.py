"""Raw RFC 5322 bytes → ``Inbound``. Malformed MIME yields a message with a ``parse_problem``,
never an exception: the worker must be able to store and hand off anything it receives."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime
from email import policy
from email.utils import getaddresses

import html2text
import mailparser

from bot.inbound import Attachment, Inbound
from core.models import utcnow

log = logging.getLogger(__name__)

# Headers the pipeline reads; everything else stays in the stored raw message.
KEPT_HEADERS = (
    "auto-submitted",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "return-path",
    "x-auto-response-suppress",
    "x-autoreply",
    "x-autorespond",
    "authentication-results",
    "content-type",
    "x-ardesk-reply",
    "reply-to",
)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def _html_to_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_links = True
    return converter.handle(html).strip()


def _headers(message: mailparser.MailParser) -> dict[str, tuple[str, ...]]:
    kept: dict[str, list[str]] = {}
    for name, value in message.message.items():
        key = name.lower()
        if key in KEPT_HEADERS:
            kept.setdefault(key, []).append(str(value))
    return {k: tuple(v) for k, v in kept.items()}


def dedupe_key(message_id: str | None, raw: bytes) -> str:
    if message_id:
        return message_id[:255]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _ids(value: str | None) -> tuple[str, ...]:
    return tuple(_MESSAGE_ID.findall(value or ""))


def sender_problem(values: list[str]) -> str | None:
    """Why the From header does not name exactly one sender, or None when it does.

    A mail client shows every address of ``From: ap@customer.example, x@evil.example``; DMARC
    may have been checked on any of them. Only one plain address identifies a sender.
    """
    if len(values) != 1:
        return "no From header" if not values else "several From headers"
    try:
        header = policy.default.header_factory("From", values[0])
    except Exception:
        return "an unparsable From address"
    if header.defects:
        return "an unparsable From address"
    groups = header.groups
    if any(group.display_name is not None for group in groups):
        return "a group in From"
    addresses = [address for group in groups for address in group.addresses]
    if len(addresses) != 1:
        return "several From addresses" if addresses else "no From address"
    if not addresses[0].domain or not addresses[0].username:
        return "an unparsable From address"
    return None


def parse_email(raw: bytes, received_at: datetime | None = None) -> Inbound:
    received_at = received_at or utcnow()
    try:
        message = mailparser.parse_from_bytes(raw)
    except Exception as exc:  # any library failure: keep the bytes, say what happened
        log.warning("unparseable message (%s bytes): %s", len(raw), type(exc).__name__)
        return Inbound(
            channel="email",
            dedupe_key=dedupe_key(None, raw),
            sender="",
            received_at=received_at,
            parse_problem=f"unparseable: {type(exc).__name__}",
            raw=raw,
        )
    senders = [(n, a) for n, a in (message.from_ or []) if a]
    if not senders:  # fall back to the raw header for what mail-parser could not split
        senders = [(n, a) for n, a in getaddresses([str(message.message.get("From", ""))]) if a]
    name, address = senders[0] if senders else ("", "")
    message_ids = _ids(message.message_id)
    message_id = message_ids[0] if message_ids else None
    text = "\n".join(message.text_plain).strip()
    if not text and message.text_html:
        text = _html_to_text("\n".join(message.text_html))
    content_type = str(message.message.get_content_type())
    is_report = content_type == "multipart/report" or any(
        part.get_content_type() == "message/delivery-status" for part in message.message.walk()
    )
    attachments = tuple(
        Attachment(
            name=str(a.get("filename") or "unnamed"),
            content_type=str(a.get("mail_content_type") or "application/octet-stream"),
            size=_attachment_size(a),
        )
        for a in message.attachments
    )
    problems = [type(d).__name__ for d in (message.message.defects or [])]
    return Inbound(
        channel="email",
        dedupe_key=dedupe_key(message_id, raw),
        sender=address.strip().lower(),
        sender_name=(name or "").strip(),
        received_at=received_at,
        subject=(message.subject or "").strip(),
        text=text,
        message_id=message_id,
        in_reply_to=(_ids(str(message.message.get("In-Reply-To", ""))) or (None,))[0],
        references=_ids(str(message.message.get("References", ""))),
        headers=_headers(message),
        attachments=attachments,
        is_delivery_report=is_report,
        parse_problem=", ".join(problems) or None,
        sender_problem=sender_problem([str(v) for v in message.message.get_all("From") or []]),
        raw=raw,
    )


def _attachment_size(attachment: dict) -> int:
    payload = attachment.get("payload") or ""
    if attachment.get("binary"):  # base64 text: three bytes per four characters
        return len(payload.replace("\n", "")) * 3 // 4
    return len(payload.encode("utf-8", "replace"))
