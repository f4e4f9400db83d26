"""Answers about the account as email sections: the statement, the balance with aging and bank
details, and payment status."""

from __future__ import annotations

from typing import Any

from core import answers as a
from mailers.blocks import Action, Block, Item, ItemList, Paragraph, Section, Table
from mailers.brand import BankDetails
from mailers.content.invoices import attached_item, invoice_title, not_found
from mailers.i18n import Localizer


def statement(answer: a.StatementLinkAnswer, l10n: Localizer, _bank: Any) -> list[Section]:
    if answer.period_from is None:
        text = l10n.gettext(
            "Here is your statement of open items as of %(date)s.",
            date=l10n.date(answer.period_to),
        )
    else:
        text = l10n.gettext(
            "Here is your account statement from %(start)s to %(end)s.",
            start=l10n.date(answer.period_from),
            end=l10n.date(answer.period_to),
        )
    blocks: list[Block] = [Paragraph(text)]
    if answer.file is not None:  # attached, for an AP-automation inbox
        blocks.append(ItemList((attached_item(answer.file, l10n),)))
    if answer.link is not None:
        blocks.append(Action(l10n.gettext("View the statement"), answer.link.url))
    if answer.too_large:
        blocks.append(
            Paragraph(
                l10n.gettext(
                    "The statement is linked instead of attached: it would be too large for "
                    "one e-mail."
                )
            )
        )
    return [Section(l10n.gettext("Your statement"), tuple(blocks))]


def _bucket_label(name: str, l10n: Localizer) -> str:
    labels = {
        "current": l10n.gettext("Not yet due"),
        "1-30": l10n.gettext("1 to 30 days overdue"),
        "31-60": l10n.gettext("31 to 60 days overdue"),
        "61-90": l10n.gettext("61 to 90 days overdue"),
        "90+": l10n.gettext("More than 90 days overdue"),
    }
    return labels.get(name, name)


def _bank_details(bank: BankDetails, l10n: Localizer) -> Table:
    rows = [
        (l10n.gettext("Account holder"), bank.account_holder),
        ("IBAN", bank.iban),
        ("BIC", bank.bic),
        (l10n.gettext("Bank"), bank.bank_name),
    ]
    rows += [(key.replace("_", " ").capitalize(), value) for key, value in bank.other]
    return Table(l10n.gettext("Our bank details"), tuple(rows))


def balance(answer: a.BalanceAnswer, l10n: Localizer, bank: BankDetails | None) -> list[Section]:
    blocks: list[Block] = []
    if not answer.balances:
        blocks.append(Paragraph(l10n.gettext("Your account has no open items.")))
    elif len(answer.balances) > 1:
        blocks.append(
            Paragraph(l10n.gettext("Amounts in different currencies are shown separately."))
        )
    for entry in answer.balances:
        money = lambda amount, currency=entry.currency: l10n.money(amount, currency)  # noqa: E731
        rows = [
            (l10n.gettext("Open balance"), money(entry.open_balance)),
            (l10n.gettext("of which overdue"), money(entry.overdue)),
        ]
        rows += [(_bucket_label(name, l10n), money(amount)) for name, amount in entry.buckets]
        if entry.unapplied:
            rows.append((l10n.gettext("Payments not yet allocated"), money(entry.unapplied)))
        caption = l10n.gettext("Balance in %(currency)s", currency=entry.currency)
        blocks.append(Table(caption, tuple(rows), emphasised=(0,)))
    if answer.link:
        blocks.append(Action(l10n.gettext("View your open items"), answer.link.url))
    if bank and answer.balances:
        blocks.append(_bank_details(bank, l10n))
    heading = l10n.gettext("Your balance as of %(date)s", date=l10n.date(answer.as_of))
    return [Section(heading, tuple(blocks))]


def _payment_line(payment: a.PaymentApplied, l10n: Localizer) -> str:
    values = {
        "amount": l10n.money(payment.amount, payment.currency),
        "date": l10n.date(payment.received_on),
    }
    if payment.reference:
        return l10n.gettext(
            "%(amount)s received on %(date)s (reference %(reference)s)",
            reference=payment.reference,
            **values,
        )
    return l10n.gettext("%(amount)s received on %(date)s", **values)


def payment_status(answer: a.PaymentStatusAnswer, l10n: Localizer, _bank: Any) -> list[Section]:
    blocks: list[Block] = []
    items = []
    for entry in answer.invoices:
        invoice = entry.invoice
        details = [
            l10n.gettext(
                "Invoice amount: %(amount)s", amount=l10n.money(invoice.total, invoice.currency)
            )
        ]
        details += [_payment_line(payment, l10n) for payment in entry.payments]
        if not entry.payments:
            details.append(l10n.gettext("No payment received yet."))
        if invoice.status == "paid":
            details.append(l10n.gettext("Paid in full."))
        elif invoice.status != "void":
            details.append(
                l10n.gettext(
                    "Still open: %(amount)s", amount=l10n.money(invoice.balance, invoice.currency)
                )
            )
        items.append(Item(invoice_title(invoice, l10n), tuple(details)))
    if items:
        blocks.append(ItemList(tuple(items)))
    if answer.recent:
        blocks.append(Paragraph(l10n.gettext("Payments we received from you recently:")))
        blocks.append(ItemList(tuple(Item(_payment_line(p, l10n)) for p in answer.recent)))
    elif not answer.invoices and not answer.not_found:
        blocks.append(Paragraph(l10n.gettext("We have not received any payments recently.")))
    if answer.not_found:
        blocks.append(not_found(answer.not_found, l10n))
    if answer.remittance_acknowledged:
        blocks.append(
            Paragraph(
                l10n.gettext(
                    "Thank you for your remittance advice. We have passed it on so that your "
                    "payment is allocated to the right invoices."
                )
            )
        )
    return [Section(l10n.gettext("Payment status"), tuple(blocks))]
