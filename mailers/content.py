"""Each answer of ``core.answers`` as translated sections of an email.

One function per answer type, dispatched on the type. Wording rules that matter for safety:
numbers not found read "not found on your account" whether or not they exist elsewhere, and no
hand-off reason code reaches the customer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from core import answers as a
from core.documents.formats import SPECS, Format
from mailers.blocks import Action, Block, Item, ItemList, Paragraph, Section, Table
from mailers.brand import BankDetails
from mailers.i18n import Localizer


def answer_sections(
    answer: a.Answer, l10n: Localizer, bank: BankDetails | None = None
) -> list[Section]:
    builder = _BUILDERS.get(type(answer))
    if builder is None:
        raise TypeError(f"no email rendering for {type(answer).__name__}")
    return builder(answer, l10n, bank)


def answer_links(answer: a.Answer) -> list[a.LinkRef]:
    """Every link an answer carries, to state their lifetime once."""
    links: list[a.LinkRef] = []
    if isinstance(answer, a.InvoiceCopies):
        links += [link for _, link in answer.found]
        links += [answer.all_found] if answer.all_found else []
    elif isinstance(answer, a.DisputeAcknowledged):
        links += [link for _, link in answer.invoices]
    elif isinstance(answer, a.InvoiceList | a.StatementLinkAnswer | a.BalanceAnswer):
        links += [answer.link] if answer.link else []
    return links


def _invoice_title(invoice: a.InvoiceFact, l10n: Localizer) -> str:
    if invoice.kind == "credit_note":
        return l10n.gettext("Credit note %(number)s", number=invoice.number)
    return l10n.gettext("Invoice %(number)s", number=invoice.number)


def _invoice_details(invoice: a.InvoiceFact, l10n: Localizer) -> tuple[str, ...]:
    details = [
        l10n.gettext("Amount: %(amount)s", amount=l10n.money(invoice.total, invoice.currency))
    ]
    details.append(l10n.gettext("Invoice date: %(date)s", date=l10n.date(invoice.issue_date)))
    if invoice.kind != "credit_note" and invoice.status in ("open", "partially_paid"):
        details.append(l10n.gettext("Due date: %(date)s", date=l10n.date(invoice.due_date)))
    details.append(_status(invoice, l10n))
    if invoice.po_number:
        details.append(l10n.gettext("Your order number: %(po)s", po=invoice.po_number))
    return tuple(details)


def _status(invoice: a.InvoiceFact, l10n: Localizer) -> str:
    open_amount = l10n.money(invoice.balance, invoice.currency)
    if invoice.status == "paid":
        return l10n.gettext("Status: paid")
    if invoice.status == "void":
        return l10n.gettext("Status: cancelled")
    if invoice.days_overdue > 0:
        return l10n.ngettext(
            "Status: %(amount)s open, %(count)s day overdue",
            "Status: %(amount)s open, %(count)s days overdue",
            invoice.days_overdue,
            amount=open_amount,
        )
    return l10n.gettext("Status: %(amount)s open", amount=open_amount)


def _invoice_item(
    invoice: a.InvoiceFact, link: a.LinkRef | None, l10n: Localizer, *, copy: bool = False
) -> Item:
    details = _invoice_details(invoice, l10n)
    if copy:
        # Re-sent, so marked as a copy: a second "original" invites a second payment.
        date_ = l10n.date(invoice.issue_date)
        details += (l10n.gettext("Copy — original issued on %(date)s", date=date_),)
    return Item(
        title=_invoice_title(invoice, l10n),
        details=details,
        url=link.url if link else None,
        url_label=l10n.gettext("View and download") if link else None,
    )


def _not_found(numbers: Iterable[str], l10n: Localizer) -> Paragraph:
    numbers = list(numbers)
    return Paragraph(
        l10n.ngettext(
            "We could not find %(numbers)s on your account. Please check the number.",
            "We could not find these numbers on your account: %(numbers)s. Please check them.",
            len(numbers),
            numbers=", ".join(numbers),
        )
    )


def invoice_copies(answer: a.InvoiceCopies, l10n: Localizer, _bank: Any) -> list[Section]:
    if answer.format:
        return _format_links(answer, l10n)
    blocks: list[Block] = []
    if answer.found:
        blocks.append(
            Paragraph(
                l10n.ngettext(
                    "Here is the invoice you asked for:",
                    "Here are the %(count)s invoices you asked for:",
                    len(answer.found),
                )
            )
        )
        items = tuple(_invoice_item(inv, link, l10n, copy=True) for inv, link in answer.found)
        blocks.append(ItemList(items))
    if answer.all_found:
        blocks.append(Action(l10n.gettext("Open all of them together"), answer.all_found.url))
    if answer.not_found:
        blocks.append(_not_found(answer.not_found, l10n))
    heading = l10n.ngettext("Your invoice", "Your invoices", max(len(answer.found), 1))
    return [Section(heading, tuple(blocks))]


def _copy_item(invoice: a.InvoiceFact, link: a.LinkRef, label: str, l10n: Localizer) -> Item:
    item = _invoice_item(invoice, link, l10n, copy=True)
    return replace(item, url_label=l10n.gettext("Download %(format)s", format=label))


def _format_links(answer: a.InvoiceCopies, l10n: Localizer) -> list[Section]:
    """The links download the invoices as the e-invoice format asked for."""
    label = SPECS[Format(answer.format)].label
    intro = l10n.ngettext(
        "Here is the invoice you asked for, as %(format)s:",
        "Here are the %(count)s invoices you asked for, as %(format)s:",
        len(answer.found),
        format=label,
    )
    items = tuple(_copy_item(inv, link, label, l10n) for inv, link in answer.found)
    heading = l10n.ngettext("Your e-invoice", "Your e-invoices", len(answer.found))
    return [Section(heading, (Paragraph(intro), ItemList(items)))]


def _attached_item(file: a.AttachedFile, l10n: Localizer) -> Item:
    return Item(
        title=file.filename,
        details=(l10n.gettext("Verification code: %(code)s", code=file.verification_code),),
    )


def invoice_files(answer: a.InvoiceFiles, l10n: Localizer, _bank: Any) -> list[Section]:
    """Files attached (for an AP-automation inbox), each with its verification code; a note
    when some invoices are linked instead because the files would not fit in one reply."""
    label = SPECS[Format(answer.format)].label if answer.format else "PDF"
    intro = l10n.ngettext(
        "The invoice you asked for is attached, as %(format)s:",
        "The %(count)s invoices you asked for are attached, as %(format)s:",
        len(answer.files),
        format=label,
    )
    items = tuple(_attached_item(file, l10n) for file in answer.files)
    blocks: list[Paragraph | ItemList] = [Paragraph(intro), ItemList(items)] if items else []
    if answer.over_limit:
        blocks.append(
            Paragraph(
                l10n.ngettext(
                    "One more invoice is linked below instead of attached: the files together "
                    "would be too large for one e-mail.",
                    "%(count)s more invoices are linked below instead of attached: the files "
                    "together would be too large for one e-mail.",
                    answer.over_limit,
                )
            )
        )
    count = len(answer.files) or 1
    heading = (
        l10n.ngettext("Your e-invoice", "Your e-invoices", count)
        if answer.format
        else l10n.ngettext("Your invoice", "Your invoices", count)
    )
    return [Section(heading, tuple(blocks))]


def einvoice_unavailable(
    answer: a.EInvoiceUnavailable, l10n: Localizer, _bank: Any
) -> list[Section]:
    names = {
        "lines": l10n.gettext("the invoice lines"),
        "seller": l10n.gettext("the issuing company's details"),
        "seller_vat_id": l10n.gettext("our VAT id"),
        "seller_registration": l10n.gettext("our company registration number"),
        "seller_address": l10n.gettext("our complete address"),
        "seller_contact": l10n.gettext("our contact name, phone and e-mail"),
        "seller_electronic_address": l10n.gettext("our electronic address for e-invoices"),
        "seller_bank": l10n.gettext("our bank account for this currency"),
        "buyer_address": l10n.gettext("your complete billing address"),
        "buyer_tax_id": l10n.gettext("your VAT id"),
        "buyer_electronic_address": l10n.gettext("your electronic address for e-invoices"),
        "tax_category": l10n.gettext("a VAT category on every line"),
        "vat_exemption_reason": l10n.gettext("the reason the invoice is exempt from VAT"),
        "delivery_date": l10n.gettext("the date of delivery"),
        "totals": l10n.gettext("totals that match the lines and taxes"),
    }
    text = l10n.gettext(
        "We cannot send invoice %(number)s as %(format)s yet: it lacks %(missing)s, and your "
        "system would reject the file without it. Our accounts-receivable team has your request "
        "and will complete the details.",
        number=answer.number,
        format=SPECS[Format(answer.format)].label,
        missing=", ".join(names.get(code, code) for code in answer.missing),
    )
    return [Section(None, (Paragraph(text),))]


def _period(start: date | None, end: date | None, l10n: Localizer) -> str | None:
    if start and end:
        return l10n.gettext("from %(start)s to %(end)s", start=l10n.date(start), end=l10n.date(end))
    if start:
        return l10n.gettext("since %(start)s", start=l10n.date(start))
    if end:
        return l10n.gettext("up to %(end)s", end=l10n.date(end))
    return None


def invoice_list(answer: a.InvoiceList, l10n: Localizer, _bank: Any) -> list[Section]:
    period = _period(answer.period_from, answer.period_to, l10n)
    if answer.status == "open":
        what = l10n.gettext("your open invoices")
    elif answer.status == "paid":
        what = l10n.gettext("your paid invoices")
    else:
        what = l10n.gettext("all your invoices")
    if period:
        what = f"{what} {period}"
    text = l10n.gettext("Here is a link to %(what)s.", what=what)
    if answer.count:
        text += " " + l10n.ngettext(
            "The list has %(count)s invoice.", "The list has %(count)s invoices.", answer.count
        )
    blocks = (Paragraph(text), Action(l10n.gettext("View the list"), answer.link.url))
    return [Section(l10n.gettext("Your invoices"), blocks)]


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
        blocks.append(ItemList((_attached_item(answer.file, l10n),)))
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
        items.append(Item(_invoice_title(invoice, l10n), tuple(details)))
    if items:
        blocks.append(ItemList(tuple(items)))
    if answer.recent:
        blocks.append(Paragraph(l10n.gettext("Payments we received from you recently:")))
        blocks.append(ItemList(tuple(Item(_payment_line(p, l10n)) for p in answer.recent)))
    elif not answer.invoices and not answer.not_found:
        blocks.append(Paragraph(l10n.gettext("We have not received any payments recently.")))
    if answer.not_found:
        blocks.append(_not_found(answer.not_found, l10n))
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


def dispute(answer: a.DisputeAcknowledged, l10n: Localizer, _bank: Any) -> list[Section]:
    blocks: list[Block] = [
        Paragraph(
            l10n.gettext(
                "Thank you for letting us know. We have passed your query to our accounts "
                "receivable team, who will look into it and get back to you."
            )
        )
    ]
    if answer.invoices:
        blocks.append(Paragraph(l10n.gettext("For your reference:")))
        blocks.append(
            ItemList(tuple(_invoice_item(inv, link, l10n) for inv, link in answer.invoices))
        )
    if answer.not_found:
        blocks.append(_not_found(answer.not_found, l10n))
    return [Section(l10n.gettext("Your query"), tuple(blocks))]


def handed_off(answer: a.HandedOff, l10n: Localizer, _bank: Any) -> list[Section]:
    if answer.reason == "unverified":
        # The message failed sender authentication: say why no data, not what failed.
        text = l10n.gettext(
            "For your security, we cannot send account information in reply to this message. "
            "We have passed your request to our accounts receivable team, who will get back "
            "to you."
        )
    else:
        text = l10n.gettext(
            "We have passed your request to our accounts receivable team. A member of the "
            "team will get back to you."
        )
    return [Section(None, (Paragraph(text),))]


def access_instructions(answer: a.AccessInstructions, l10n: Localizer, _bank: Any) -> list[Section]:
    blocks = (
        Paragraph(
            l10n.gettext(
                "Your email address is not yet registered as a contact for your company's "
                "account, so we cannot share account information with you."
            )
        ),
        Paragraph(
            l10n.gettext(
                "To get access, please ask a registered colleague at %(domain)s to request it "
                "for you. We have also informed our accounts receivable team of your request.",
                domain=answer.domain,
            )
        ),
    )
    return [Section(l10n.gettext("Access to your account information"), blocks)]


def not_permitted(answer: a.NotPermitted, l10n: Localizer, _bank: Any) -> list[Section]:
    texts = {
        "view_invoices": l10n.gettext("Your access does not include invoices."),
        "download_documents": l10n.gettext("Your access does not include invoice documents."),
        "view_statements": l10n.gettext("Your access does not include account statements."),
        "view_payments": l10n.gettext("Your access does not include payment information."),
        "raise_disputes": l10n.gettext("Your access does not include raising invoice queries."),
    }
    text = texts.get(answer.permission) or l10n.gettext(
        "Your access does not include this request."
    )
    advice = l10n.gettext(
        "Please ask a colleague who has this access, or contact us if your access should change."
    )
    return [Section(None, (Paragraph(f"{text} {advice}"),))]


_BUILDERS: dict[type, Callable[[Any, Localizer, BankDetails | None], list[Section]]] = {
    a.InvoiceCopies: invoice_copies,
    a.EInvoiceUnavailable: einvoice_unavailable,
    a.InvoiceFiles: invoice_files,
    a.InvoiceList: invoice_list,
    a.StatementLinkAnswer: statement,
    a.BalanceAnswer: balance,
    a.PaymentStatusAnswer: payment_status,
    a.DisputeAcknowledged: dispute,
    a.HandedOff: handed_off,
    a.AccessInstructions: access_instructions,
    a.NotPermitted: not_permitted,
}
