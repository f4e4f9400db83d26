"""statement: a link to the statement for the period asked, else open items as of today; for
an AP-automation inbox the statement PDF itself."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.context import ContactRef, pick_language
from bot.resolve.attachments import Attachments, attaches
from bot.resolve.issuer import LinkIssuer
from core.answers import Answer, StatementLinkAnswer
from core.models import LinkScope


def resolve(
    session: Session, contact: ContactRef, understanding, issuer: LinkIssuer
) -> list[Answer]:
    period = understanding.period
    today = issuer.now.date()
    start, end = (period.start, min(period.end, today)) if period is not None else (None, today)
    too_large = False
    if attaches(session, contact, issuer):
        language = pick_language(understanding.language, contact.language)
        attaching = Attachments(session, contact, issuer, language)
        if attaching.statement(start, end):
            return [StatementLinkAnswer(None, start, end, file=attaching.files[0])]
        too_large = True
    if start is not None:
        targets = {"from": start.isoformat(), "to": end.isoformat()}
    else:
        targets = {"as_of": today.isoformat()}
    link = issuer.issue(contact, LinkScope.statement, targets)
    return [StatementLinkAnswer(link, start, end, too_large=too_large)]
