"""Raw RFC 5322 bytes → ``Inbound``. Malformed MIME yields a message with a ``parse_problem``,
never an exception: the worker must be able to store and hand off anything it receives.

Intake parses in the worker's own process, before any per-message deadline applies, so the work is
bounded in the input's size: header fields and HTML are cut to the limits below before the
libraries, whose time grows with the square of those lengths, read them.
"""

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
from intents import MAX_BODY_CHARS

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

#: The longest header field (name, folding and value) parsed; a longer one is cut to this length
#: first and named in ``parse_problem``. The standard library decodes encoded-words and parses
#: address lists in time growing with the square of a field's length (a 1 MB From or Subject took
#: 20-40 s), while real fields are short: RFC 5322 limits a line to 998 characters, a From or a
#: Subject fits on one, and the References of a long thread or a To of a hundred people fit here.
MAX_HEADER_CHARS = 8_000
#: The most HTML converted to text: about half a second of html2text. Outlook's style sheets
#: included, half a megabyte of HTML carries more text than understanding reads (MAX_BODY_CHARS).
MAX_HTML_CHARS = 500_000
#: Lists and quotes nested deeper than this are read as if they were not: html2text indents each
#: line by its depth, so 12,500 nested lists in 100 KB made 156 million characters in 26 s.
MAX_HTML_NESTING = 16

# A header field as the standard library's parser reads one (``email.feedparser.headerRE``): a
# name and a colon (or an mbox "From " line, or a stray continuation), then its folded lines.
_FIELD = re.compile(
    rb"(?:From |(?P<name>[\041-\071\073-\176]*):|[ \t])[^\r\n]*"
    rb"(?:(?:\r\n|\r|\n)[ \t][^\r\n]*)*(?:\r\n|\r|\n)?"
)
_NEWLINE = re.compile(rb"(?:\r\n|\r|\n)\Z")


def _bounded_headers(raw: bytes) -> tuple[bytes, tuple[str, ...]]:
    """The message with each header field longer than MAX_HEADER_CHARS cut to that length, and
    the lower-case names of the fields cut. The body and every other field are left as they are."""
    pieces: list[bytes] = []
    cut: list[str] = []
    position = kept = 0
    while (field := _FIELD.match(raw, position)) and field.end() > position:
        if field.end() - position > MAX_HEADER_CHARS:
            newline = _NEWLINE.search(field.group())
            pieces += [raw[kept:position], raw[position : position + MAX_HEADER_CHARS].rstrip()]
            pieces.append(newline.group() if newline else b"")
            cut.append((field.group("name") or b"").decode("ascii", "replace").strip().lower())
            kept = field.end()
        position = field.end()
    if not cut:
        return raw, ()
    return b"".join(pieces) + raw[kept:], tuple(dict.fromkeys(cut))


class _BoundedConverter(html2text.HTML2Text):
    """html2text reading lists and quotes at most MAX_HTML_NESTING deep: a deeper one's tags are
    skipped, its text kept at the depth reached."""

    def __init__(self) -> None:
        super().__init__()
        self.body_width = 0
        self.ignore_images = True
        self.ignore_emphasis = True
        self.ignore_links = True
        self._skipped = {"list": 0, "blockquote": 0}  # open tags past the limit

    def handle_tag(self, tag: str, attrs: dict[str, str | None], start: bool) -> None:
        kind = "list" if tag in ("ul", "ol") else tag
        if kind in self._skipped:
            depth = len(self.list) if kind == "list" else self.blockquote
            if start and depth >= MAX_HTML_NESTING:
                self._skipped[kind] += 1
                return
            if not start and self._skipped[kind]:
                self._skipped[kind] -= 1
                return
        super().handle_tag(tag, attrs, start)


def _html_to_text(html: str) -> str:
    return _BoundedConverter().handle(html[:MAX_HTML_CHARS]).strip()[:MAX_BODY_CHARS]


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
        return _parse(raw, received_at)
    except Exception as exc:  # any library failure: keep the bytes, say what happened
        log.warning("unparseable message (%s bytes): %s", len(raw), type(exc).__name__)
        return unparsed(raw, received_at, f"unparseable: {type(exc).__name__}")


def unparsed(raw: bytes, received_at: datetime, problem: str, key: str | None = None) -> Inbound:
    """A message that could not be read: stored with its bytes, which the worker decides from,
    ``problem`` in its decision record; under ``key``, else the hash of its bytes."""
    return Inbound(
        channel="email",
        dedupe_key=key or dedupe_key(None, raw),
        sender="",
        received_at=received_at,
        parse_problem=problem,
        raw=raw,
    )


def _parse(raw: bytes, received_at: datetime) -> Inbound:
    bounded, cut = _bounded_headers(raw)
    message = mailparser.parse_from_bytes(bounded)
    problems = [type(d).__name__ for d in (message.message.defects or [])]
    if cut:
        problems.append(f"header over {MAX_HEADER_CHARS} characters cut: {', '.join(cut)}")
    senders = [(n, a) for n, a in (message.from_ or []) if a]
    if not senders:  # fall back to the raw header for what mail-parser could not split
        try:
            senders = [(n, a) for n, a in getaddresses([str(message.message.get("From", ""))]) if a]
        except Exception as exc:  # RecursionError: the parser recurses once per "("
            problems.append(f"unparsable From header: {type(exc).__name__}")
    name, address = senders[0] if senders else ("", "")
    for header in _ONCE:
        count = len(message.message.get_all(header) or ())
        if count > 1:
            problems.append(f"{count} {header} headers: the first read")
    message_ids = _ids(_first(message.message_id))
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
    return Inbound(
        channel="email",
        dedupe_key=dedupe_key(message_id, raw),
        sender=address.strip().lower(),
        sender_name=(name or "").strip(),
        received_at=received_at,
        subject=(_first(message.subject) or "").strip(),
        text=text,
        message_id=message_id,
        in_reply_to=(_ids(str(message.message.get("In-Reply-To", ""))) or (None,))[0],
        references=_ids(str(message.message.get("References", ""))),
        headers=_headers(message),
        attachments=attachments,
        is_delivery_report=is_report,
        parse_problem=", ".join(problems) or None,
        sender_problem=(
            f"a From header over {MAX_HEADER_CHARS} characters"
            if "from" in cut
            else sender_problem([str(v) for v in message.message.get_all("From") or []])
        ),
        raw=raw,
    )


# Headers a message has at most once (RFC 5322), which mail-parser gives as a list when one is
# repeated. The first is read, as the standard library's ``Message.get`` reads it.
_ONCE = ("Subject", "Message-ID")


def _first(value: str | list[str] | None) -> str | None:
    return value[0] if isinstance(value, list) else value


def _attachment_size(attachment: dict) -> int:
    payload = attachment.get("payload") or ""
    if attachment.get("binary"):  # base64 text: three bytes per four characters
        return len(payload.replace("\n", "")) * 3 // 4
    return len(payload.encode("utf-8", "replace"))
