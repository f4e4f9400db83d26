"""statement: a link to the statement for the period asked, else open items as of today."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.context import ContactRef
from bot.resolve.issuer import LinkIssuer
from core.answers import Answer, StatementLinkAnswer
from core.models import LinkScope


def resolve(
    session: Session, contact: ContactRef, understanding, issuer: LinkIssuer
) -> list[Answer]:
    period = understanding.period
    today = issuer.now.date()
    if period is not None:
        end = min(period.end, today)
        targets = {"from": period.start.isoformat(), "to": end.isoformat()}
        link = issuer.issue(contact, LinkScope.statement, targets)
        return [StatementLinkAnswer(link, period.start, end)]
    link = issuer.issue(contact, LinkScope.statement, {"as_of": today.isoformat()})
    return [StatementLinkAnswer(link, None, today)]
