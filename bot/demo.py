"""Demo requests through the real pipeline, so the AR console has a story to show (`ardesk demo`).

A few hundred emails from the demo customers' contacts, over the last four weeks: copies of their
own invoices, statements, balances, payment questions (answered), disputes and requests the
model is unsure of (handed off), out-of-office replies (ignored), and a few people not on file
(handed off). Each is stored, decided and written to the outbox exactly as the worker would do
it, at the time it came in; a few of the unsure ones are then corrected by the demo's AR admin
and answered by the bot from the correction. Deliveries go nowhere: the outbox rows are marked
delivered by a transport that sends nothing.

Deterministic from the seed, apart from the dates, which are relative to now.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select

from bot.channels.email.parse import parse_email
from bot.corrected import Reading, correct
from bot.outbox import deliver_due
from bot.process import process
from bot.store import claim_one, store
from core.config import Settings
from core.db import Database
from core.models import OPEN_STATUSES, Contact, Invoice, OutboundMessage, utcnow

#: (subject, body) by kind and language; {invoice}, {month} and {name} are filled in.
TEMPLATES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "invoice_copy": {
        "en": (("Copy of invoice {invoice}", "Hi,\n\ncould you please send me a copy of invoice "
                "{invoice}? It never reached our AP inbox.\n\nThanks,\n{name}"),
               ("Invoice {invoice}", "Hello,\n\nplease resend invoice {invoice}, we cannot find "
                "it.\n\nBest regards,\n{name}")),
        "de": (("Rechnungskopie {invoice}", "Hallo,\n\nbitte senden Sie uns eine Kopie der "
                "Rechnung {invoice}.\n\nVielen Dank\n{name}"),),
        "fr": (("Duplicata facture {invoice}", "Bonjour,\n\npourriez-vous nous renvoyer la "
                "facture {invoice} ?\n\nCordialement,\n{name}"),),
        "es": (("Copia de la factura {invoice}", "Hola,\n\n¿podrían enviarnos una copia de la "
                "factura {invoice}?\n\nGracias,\n{name}"),),
    },
    "statement": {
        "en": (("Statement of account", "Hello,\n\nplease send us a statement of our account "
                "for {month}.\n\nBest regards,\n{name}"),),
        "de": (("Kontoauszug", "Guten Tag,\n\nkönnten Sie uns bitte einen Kontoauszug für "
                "{month} schicken?\n\nMit freundlichen Grüßen\n{name}"),),
        "fr": (("Relevé de compte", "Bonjour,\n\nmerci de nous adresser un relevé de compte "
                "pour {month}.\n\nCordialement,\n{name}"),),
    },
    "balance": {
        "en": (("Open balance", "Hi,\n\nwhat is our current open balance with you?\n\n"
                "Thanks,\n{name}"),),
        "de": (("Offener Saldo", "Hallo,\n\nwie hoch ist unser aktueller offener Saldo bei "
                "Ihnen?\n\nDanke\n{name}"),),
        "es": (("Saldo pendiente", "Hola,\n\n¿cuál es nuestro saldo pendiente?\n\nGracias,\n"
                "{name}"),),
    },
    "payment_status": {
        "en": (("Payment of invoice {invoice}", "Hello,\n\nhas our payment for invoice "
                "{invoice} been received?\n\nRegards,\n{name}"),),
        "de": (("Zahlung Rechnung {invoice}", "Hallo,\n\nist unsere Zahlung für die Rechnung "
                "{invoice} bei Ihnen eingegangen?\n\nGruß\n{name}"),),
    },
    "dispute": {
        "en": (("Invoice {invoice}: wrong price", "Hi,\n\nthe unit price on invoice {invoice} "
                "does not match our agreed price list. Please issue a credit note.\n\n{name}"),),
        "de": (("Reklamation Rechnung {invoice}", "Hallo,\n\ndie Menge auf der Rechnung "
                "{invoice} stimmt nicht, wir haben weniger erhalten. Bitte korrigieren Sie die "
                "Rechnung.\n\n{name}"),),
    },
    # What the model is unsure of ("recon" is a statement): handed off, some then corrected.
    "unsure": {
        "en": (("Recon", "Hi,\n\ncan you do a recon for us please?\n\nThanks,\n{name}"),
               ("Recon", "Hello,\n\nplease do a recon with us before year end.\n\nRegards,\n"
                "{name}")),
        "de": (("Abstimmung", "Hallo,\n\nkönnen Sie bitte eine Abstimmung für uns machen?\n\n"
                "Danke\n{name}"),),
    },
    "auto_reply": {
        "en": (("Out of office: {subject}", "I am out of the office with limited access to "
                "email and will reply when I am back.\n\n{name}"),),
        "de": (("Abwesenheitsnotiz: {subject}", "Ich bin bis auf Weiteres nicht im Büro und "
                "habe keinen Zugriff auf meine E-Mails.\n\n{name}"),),
    },
}  # fmt: skip
#: How often each kind comes up; "stranger" is a copy request from an address not on file.
MIX = {
    "invoice_copy": 32,
    "statement": 14,
    "balance": 12,
    "payment_status": 12,
    "dispute": 6,
    "unsure": 8,
    "auto_reply": 9,
    "stranger": 7,
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
DAYS = 28


@dataclass
class Story:
    """What the demo requests came to."""

    requests: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    corrected: int = 0
    delivered: int = 0


@dataclass(frozen=True)
class _Asker:
    email: str
    name: str
    language: str
    domain: str
    invoices: tuple[str, ...]


def _askers(db: Database, limit: int) -> list[_Asker]:
    """Active contacts with their open invoices' numbers, the busiest accounts first."""
    with db.admin_session() as session:
        contacts = session.scalars(
            select(Contact).where(Contact.active.is_(True)).order_by(Contact.id).limit(limit)
        ).all()
        numbers: dict[int, list[str]] = {}
        for account_id, number in session.execute(
            select(Invoice.account_id, Invoice.number)
            .where(Invoice.status.in_(OPEN_STATUSES))
            .where(Invoice.account_id.in_({c.account_id for c in contacts}))
            .order_by(Invoice.id)
        ):
            numbers.setdefault(account_id, []).append(number)
        return [
            _Asker(
                c.email,
                c.name,
                c.language or "en",
                c.email.split("@")[1],
                tuple(numbers.get(c.account_id, ())[:40]),
            )
            for c in contacts
            if c.email and numbers.get(c.account_id)
        ]


def _email(asker: _Asker, kind: str, at: datetime, n: int, rng: random.Random) -> bytes:
    template = "invoice_copy" if kind == "stranger" else kind
    choices = TEMPLATES[template]
    language = asker.language if asker.language in choices else "en"
    subject, body = rng.choice(choices[language])
    month = MONTHS[(at.month - 2) % 12]
    values = {"invoice": rng.choice(asker.invoices), "month": month, "name": asker.name,
              "subject": "Copy of invoice"}  # fmt: skip
    message = EmailMessage()
    sender = asker.email
    if kind == "stranger":  # someone at a customer's domain that is not on file
        sender = f"new.colleague{n}@{asker.domain}"
        values["name"] = "A new colleague"
    message["From"] = f"{values['name']} <{sender}>"
    message["To"] = "ar@ardesk.demo"
    message["Subject"] = subject.format(**values)
    message["Date"] = format_datetime(at)
    message["Message-ID"] = f"<demo-{n}@{asker.domain}>"
    if kind == "auto_reply":
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(body.format(**values) + "\n")
    return message.as_bytes()


def _not_sent(row: OutboundMessage) -> None:
    """The demo's transport: every delivery succeeds and nothing leaves the machine."""


def deliver_without_sending(db: Database, settings: Settings) -> int:
    delivered = 0
    while True:
        sent = deliver_due(db, settings, _not_sent, limit=200).sent
        delivered += sent
        if sent < 200:
            return delivered


def seed_requests(
    db: Database,
    settings: Settings,
    ar_user_id: int,
    count: int = 240,
    corrections: int = 5,
    seed: int = 7,
    now: datetime | None = None,
) -> Story:
    """Store and decide ``count`` demo requests from the last four weeks, correct a few of the
    ones handed off, and mark every outbox row delivered without sending it."""
    now = now or utcnow()
    rng = random.Random(seed)
    askers = _askers(db, limit=200)
    story = Story()
    if not askers:
        return story
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=count)
    start = now - timedelta(days=DAYS)
    times = sorted(
        start + timedelta(days=rng.randrange(DAYS), hours=8 + rng.random() * 9) for _ in kinds
    )
    jobs: list[tuple[int, datetime]] = []
    unsure: set[int] = set()
    for n, (kind, at) in enumerate(zip(kinds, times, strict=True)):
        raw = _email(rng.choice(askers), kind, at, n, rng)
        message_id, created = store(db, parse_email(raw, received_at=at))
        if created and claim_one(db, message_id, now=at):
            jobs.append((message_id, at + timedelta(seconds=rng.randint(3, 40))))
            if kind == "unsure":
                unsure.add(message_id)
    handed_off = []
    for message_id, at in jobs:
        action = str((process(db, settings, message_id, now=at) or {}).get("action", "failed"))
        story.requests += 1
        story.outcomes[action] += 1
        if message_id in unsure and action == "handoff":
            handed_off.append(message_id)
    # A few hand-offs corrected by AR: a "recon" is a statement; the bot answers from that.
    for message_id in sorted(handed_off)[:corrections]:
        correct(db, settings, message_id, ar_user_id, Reading(("statement",)), answer=True)
        story.corrected += 1
    story.delivered = deliver_without_sending(db, settings)
    return story


def outcome_line(story: Story) -> str:
    named = {"reply": "answered", "handoff": "handed off", "ignore": "ignored"}
    parts = [f"{story.outcomes[key]} {label}" for key, label in named.items()]
    return (
        f"{story.requests} demo requests through the pipeline: {', '.join(parts)}; "
        f"{story.corrected} corrected by AR and answered by the bot; "
        f"{story.delivered} outbox messages marked delivered, none sent"
    )
