"""balance: open balance and overdue per currency with the aging buckets, plus a link to the open
invoices. Never summed across currencies."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.context import ContactRef
from bot.resolve.issuer import LinkIssuer
from core.answers import Answer, BalanceAnswer, CurrencyBalance
from core.billing import aging
from core.models import LinkScope


def resolve(
    session: Session, contact: ContactRef, understanding, issuer: LinkIssuer
) -> list[Answer]:
    today = issuer.now.date()
    report = aging(session, contact.account_id, today)
    balances = tuple(
        CurrencyBalance(
            currency=currency,
            open_balance=currency_aging.total,
            overdue=currency_aging.overdue,
            buckets=tuple(currency_aging.buckets.items()),
            unapplied=currency_aging.unapplied,
        )
        for currency, currency_aging in report.items()
    )
    link = issuer.issue(contact, LinkScope.list, {"status": "open"})
    return [BalanceAnswer(today, balances, link)]
