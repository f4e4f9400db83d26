"""Composing ardesk's emails to customers: replies to requests and fresh-link emails.

Composing never sends: callers put the message in the outbox (``mailers.outbox.queue_email``)
in the same transaction that records their decision.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage

from core.answers import AttachedFile, InvoiceFiles, LinkRef, Reply, StatementLinkAnswer
from core.links import IssuedLink
from core.models import utcnow
from mailers.blocks import Action, Paragraph, Section
from mailers.brand import Brand
from mailers.content import answer_links, answer_sections
from mailers.i18n import Localizer, localizer
from mailers.layout import OWN_MAIL_HEADER, Body, attach_bodies, new_message

__all__ = [
    "LINK_PURPOSES",
    "OWN_MAIL_HEADER",
    "compose_link_email",
    "compose_reply",
    "reply_subject",
]

# Reply and forward prefixes of the common mail clients in ardesk's languages and beyond
# (AW: German, SV: Scandinavian, Antw: Dutch, R:/RIF: Italian, RES: Portuguese, RV:/ENC:/TR:/WG:
# forwards), with counters like "Re[2]:" or "RE(3):". They are all dropped, then one "Re: " is put
# in front, so a long thread never reads "Re: AW: RE: Fwd: …". "Ref:" is not among them: it
# usually starts a real subject ("Ref: PO 4711").
_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|antw|antwort|rif|r|res|odp|ynt|fwd?|wg|tr|rv|enc|doorst)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
MAX_REFERENCES = 20
LINK_PURPOSES = ("portal", "fresh", "login")


def reply_subject(original: str, l10n: Localizer | None = None) -> str:
    subject = _PREFIX.sub("", " ".join((original or "").split()))
    if not subject:
        subject = (l10n or localizer("en")).gettext("Your request")
    return f"Re: {subject}"


def _msg_id(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    return value if value.startswith("<") else f"<{value}>"


def _references(references: Sequence[str], in_reply_to: str | None) -> list[str]:
    ids = [ref for ref in (_msg_id(r) for r in references) if ref]
    parent = _msg_id(in_reply_to) if in_reply_to else None
    if parent and (not ids or ids[-1] != parent):
        ids.append(parent)
    # RFC 5322 §3.6.4 lets a long thread be shortened: keep its root and its latest messages.
    if len(ids) > MAX_REFERENCES:
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1) :]
    return ids


def _thread(message: EmailMessage, in_reply_to: str | None, references: Sequence[str]) -> None:
    """In-Reply-To and References, so the reply lands in the customer's thread."""
    thread = _references(references, in_reply_to)
    if in_reply_to and _msg_id(in_reply_to):
        message["In-Reply-To"] = _msg_id(in_reply_to)
    if thread:
        message["References"] = " ".join(thread)


def _footer(brand: Brand, l10n: Localizer) -> list[str]:
    lines = [
        l10n.gettext(
            "This is an automatic service message from %(company)s about your customer account, "
            "sent in answer to your request.",
            company=brand.name,
        )
    ]
    if brand.legal_footer:
        lines += brand.legal_footer.splitlines()
    return lines


def _greeting(name: str | None, l10n: Localizer) -> str:
    if name:
        return l10n.gettext("Dear %(name)s,", name=name)
    return l10n.gettext("Dear Sir or Madam,")


def _hours_left(expires_at: datetime, now: datetime) -> int:
    return max(1, math.ceil((expires_at - now).total_seconds() / 3600))


def _validity_note(
    links: Sequence[LinkRef | IssuedLink], l10n: Localizer, now: datetime, ttl_hours: int | None
) -> str:
    until = min(link.expires_at for link in links)
    hours = ttl_hours or _hours_left(until, now)
    if len(links) == 1:
        text = l10n.ngettext(
            "For your security, this link is valid for %(count)s hour (until %(until)s).",
            "For your security, this link is valid for %(count)s hours (until %(until)s).",
            hours,
            until=l10n.datetime(until),
        )
    else:
        text = l10n.ngettext(
            "For your security, these links are valid for %(count)s hour (until %(until)s).",
            "For your security, these links are valid for %(count)s hours (until %(until)s).",
            hours,
            until=l10n.datetime(until),
        )
    return text + " " + l10n.gettext("After that, you can ask for a new one on the link's page.")


def compose_reply(
    reply: Reply,
    *,
    brand: Brand,
    from_address: str,
    to_address: str,
    in_reply_to: str | None,
    references: list[str],
    subject: str,
    now: datetime | None = None,
) -> EmailMessage:
    """The reply to one request, in ``reply.language``; ``subject`` is the request's subject."""
    now = now or utcnow()
    l10n = localizer(reply.language)
    sections: list[Section] = []
    links: list[LinkRef] = []
    for answer in reply.answers:
        sections += answer_sections(answer, l10n, brand.bank)
        links += answer_links(answer)
    if reply.account_name:
        intro = l10n.gettext(
            "Thank you for your message about the account of %(account)s.",
            account=reply.account_name,
        )
    else:
        intro = l10n.gettext("Thank you for your message.")
    body = Body(
        subject=reply_subject(subject, l10n),
        greeting=_greeting(reply.recipient_name, l10n),
        intro=intro,
        sections=sections,
        notes=[_validity_note(links, l10n, now, reply.link_ttl_hours)] if links else [],
        closing=l10n.gettext("Kind regards,"),
        footer=_footer(brand, l10n),
    )
    message = new_message(
        brand=brand,
        from_address=from_address,
        to_address=to_address,
        to_name=reply.recipient_name,
        subject=body.subject,
        now=now,
    )
    _thread(message, in_reply_to, references)
    attach_bodies(message, body, brand, l10n)
    for file in _attached(reply):  # the files themselves, for an AP-automation inbox
        maintype, subtype = file.content_type.split("/", 1)
        message.add_attachment(
            file.content, maintype=maintype, subtype=subtype, filename=file.filename
        )
    return message


def _attached(reply: Reply) -> list[AttachedFile]:
    files: list[AttachedFile] = []
    for answer in reply.answers:
        if isinstance(answer, InvoiceFiles):
            files += answer.files
        elif isinstance(answer, StatementLinkAnswer) and answer.file is not None:
            files.append(answer.file)
    return files


def _link_email_text(purpose: str, l10n: Localizer) -> tuple[str, str, str]:
    """Subject, explanation and button label for each purpose."""
    if purpose == "portal":
        return (
            l10n.gettext("Your link to all your invoices"),
            l10n.gettext(
                "As requested, here is your personal link to all your invoices, statements "
                "and payments."
            ),
            l10n.gettext("Open your invoices"),
        )
    if purpose == "fresh":
        return (
            l10n.gettext("Your new link"),
            l10n.gettext("The link you used has expired. Here is a new one."),
            l10n.gettext("Open the new link"),
        )
    if purpose == "login":
        return (
            l10n.gettext("Your sign-in link"),
            l10n.gettext("You asked to sign in to see your invoices. Use this link to sign in."),
            l10n.gettext("Sign in"),
        )
    raise ValueError(f"unknown link email purpose {purpose!r} (one of {', '.join(LINK_PURPOSES)})")


def compose_link_email(
    contact_name: str | None,
    language: str | None,
    link: IssuedLink,
    purpose: str,
    *,
    brand: Brand,
    from_address: str,
    to_address: str,
    now: datetime | None = None,
) -> EmailMessage:
    """An email carrying one fresh link, for ``purpose`` "portal", "fresh" or "login"."""
    now = now or utcnow()
    l10n = localizer(language)
    subject, explanation, label = _link_email_text(purpose, l10n)
    body = Body(
        subject=subject,
        greeting=_greeting(contact_name, l10n),
        sections=[Section(None, (Paragraph(explanation), Action(label, link.url)))],
        notes=[
            _validity_note([link], l10n, now, None),
            l10n.gettext(
                "If you did not ask for this link, you can ignore this email: the link was sent "
                "only to you."
            ),
        ],
        closing=l10n.gettext("Kind regards,"),
        footer=_footer(brand, l10n),
    )
    message = new_message(
        brand=brand,
        from_address=from_address,
        to_address=to_address,
        to_name=contact_name,
        subject=subject,
        now=now,
        # A link email answers a click or a request, never a message of its own thread.
        auto_submitted="auto-generated",
    )
    return attach_bodies(message, body, brand, l10n)


def compose_person_reply(
    text: str,
    *,
    language: str | None,
    recipient_name: str | None,
    brand: Brand,
    from_address: str,
    to_address: str,
    in_reply_to: str | None,
    references: list[str],
    subject: str,
    now: datetime | None = None,
) -> EmailMessage:
    """A reply an AR person wrote in the console: their paragraphs inside the customer's
    language template (greeting, closing, footer), threaded like the bot's replies."""
    l10n = localizer(language)
    paragraphs = tuple(Paragraph(p.strip()) for p in text.split("\n\n") if p.strip())
    body = Body(
        subject=reply_subject(subject, l10n),
        greeting=_greeting(recipient_name, l10n),
        sections=[Section(None, paragraphs)],
        notes=[],
        closing=l10n.gettext("Kind regards,"),
        footer=_footer(brand, l10n),
    )
    message = new_message(
        brand=brand,
        from_address=from_address,
        to_address=to_address,
        to_name=recipient_name,
        subject=body.subject,
        now=now or utcnow(),
        auto_submitted="no",  # written by a person (RFC 3834)
    )
    _thread(message, in_reply_to, references)
    return attach_bodies(message, body, brand, l10n)
