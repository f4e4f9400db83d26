"""Rendering translated sections into the text and HTML bodies, and wrapping them in MIME.

The templates only arrange blocks (see ``mailers.blocks``); every word in them comes translated
from Python. The HTML environment autoescapes, so no value from an ERP or a sender can become
markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.models import utcnow
from mailers.blocks import Section
from mailers.brand import Brand
from mailers.i18n import Localizer

TEMPLATES_DIR = Path(__file__).parent / "templates"
#: Set on every email ardesk sends; the bot's loop guard ignores incoming mail that carries it.
OWN_MAIL_HEADER = "X-Ardesk-Reply"
LOGO_CID_DOMAIN = "ardesk.logo"
TEXT_WIDTH = 76


def _wrap(text: str, indent: str = "") -> str:
    # URLs are never broken: a wrapped URL is a broken link in most plain-text clients.
    return textwrap.fill(
        text,
        width=TEXT_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"], default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["wrap"] = _wrap
    return env


TEMPLATES = _environment()


@dataclass(frozen=True)
class Body:
    """What an email says, translated, before it is laid out."""

    subject: str
    greeting: str
    sections: Sequence[Section]
    notes: Sequence[str]  # small print after the sections (link lifetime, …)
    closing: str
    footer: Sequence[str]
    intro: str | None = None


def render(body: Body, brand: Brand, l10n: Localizer, logo_cid: str | None) -> tuple[str, str]:
    context = {
        "body": body,
        "brand": brand,
        "colours": brand.colours,
        "language": l10n.language,
        # A label before a URL in the text part ("View the list:"); French wants a space.
        "colon": lambda label: l10n.gettext("%(label)s:", label=label),
        "signature_lines": (brand.signature or brand.name).splitlines(),
        "logo_src": (
            f"cid:{logo_cid[1:-1]}" if logo_cid else (brand.logo.url if brand.logo else None)
        ),
    }
    text = TEMPLATES.get_template("email.txt").render(context)
    html = TEMPLATES.get_template("email.html").render(context)
    return text, html


def new_message(
    *,
    brand: Brand,
    from_address: str,
    to_address: str,
    to_name: str | None,
    subject: str,
    now: datetime | None = None,
    auto_submitted: str = "auto-replied",
) -> EmailMessage:
    """An email with the headers every ardesk email carries.

    ``auto_submitted`` is "auto-replied" for answers to a message, "auto-generated" otherwise.
    """
    message = EmailMessage()
    message["From"] = formataddr((brand.sender_name, from_address))
    message["To"] = formataddr((to_name or "", to_address))
    message["Subject"] = subject
    message["Date"] = format_datetime(now or utcnow())
    message["Message-ID"] = make_msgid(domain=domain_of(from_address))
    # RFC 3834: a machine wrote this; well-behaved responders will not answer it.
    message["Auto-Submitted"] = auto_submitted
    message["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office back to us
    message[OWN_MAIL_HEADER] = "1"
    return message


def attach_bodies(message: EmailMessage, body: Body, brand: Brand, l10n: Localizer) -> EmailMessage:
    """multipart/alternative text + HTML; HTML becomes multipart/related with an inline logo."""
    has_inline_logo = brand.logo is not None and brand.logo.content is not None
    logo_cid = make_msgid(domain=LOGO_CID_DOMAIN) if has_inline_logo else None
    text, html = render(body, brand, l10n, logo_cid)
    message["Content-Language"] = l10n.language
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if brand.logo is not None and brand.logo.content is not None and logo_cid:
        html_part = message.get_payload()[1]
        maintype, subtype = (brand.logo.mime_type or "image/png").split("/")
        html_part.add_related(
            brand.logo.content,
            maintype=maintype,
            subtype=subtype,
            cid=logo_cid,
            disposition="inline",
            filename=f"logo.{subtype}",
        )
    return message


def domain_of(address: str) -> str:
    _, _, domain = address.rpartition("@")
    if not domain:
        raise ValueError(f"not an email address: {address!r}")
    return domain.strip(">").lower()
