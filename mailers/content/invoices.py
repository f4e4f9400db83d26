"""Answers about invoices as email sections: copies, files, e-invoices, the list; and the
invoice item and "not found" wording the other answers share. Numbers not found read "not found
on your account" whether or not they exist elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from core import answers as a
from core.documents.formats import SPECS, Format
from mailers.blocks import Action, Block, Item, ItemList, Paragraph, Section
from mailers.i18n import Localizer


def invoice_title(invoice: a.InvoiceFact, l10n: Localizer) -> str:
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
    details.append(status_line(invoice, l10n))
    if invoice.po_number:
        details.append(l10n.gettext("Your order number: %(po)s", po=invoice.po_number))
    return tuple(details)


def status_line(invoice: a.InvoiceFact, l10n: Localizer) -> str:
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


def invoice_item(
    invoice: a.InvoiceFact, link: a.LinkRef | None, l10n: Localizer, *, copy: bool = False
) -> Item:
    details = _invoice_details(invoice, l10n)
    if copy:
        # Re-sent, so marked as a copy: a second "original" invites a second payment.
        date_ = l10n.date(invoice.issue_date)
        details += (l10n.gettext("Copy — original issued on %(date)s", date=date_),)
    return Item(
        title=invoice_title(invoice, l10n),
        details=details,
        url=link.url if link else None,
        url_label=l10n.gettext("View and download") if link else None,
    )


def not_found(numbers: Iterable[str], l10n: Localizer) -> Paragraph:
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
        items = tuple(invoice_item(inv, link, l10n, copy=True) for inv, link in answer.found)
        blocks.append(ItemList(items))
    if answer.all_found:
        blocks.append(Action(l10n.gettext("Open all of them together"), answer.all_found.url))
    if answer.not_found:
        blocks.append(not_found(answer.not_found, l10n))
    heading = l10n.ngettext("Your invoice", "Your invoices", max(len(answer.found), 1))
    return [Section(heading, tuple(blocks))]


def _copy_item(invoice: a.InvoiceFact, link: a.LinkRef, label: str, l10n: Localizer) -> Item:
    item = invoice_item(invoice, link, l10n, copy=True)
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


def attached_item(file: a.AttachedFile, l10n: Localizer) -> Item:
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
    items = tuple(attached_item(file, l10n) for file in answer.files)
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
