"""Each answer of ``core.answers`` as translated sections of an email.

One function per answer type, dispatched on the type. Wording rules that matter for safety:
numbers not found read "not found on your account" whether or not they exist elsewhere, and no
hand-off reason code reaches the customer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core import answers as a
from mailers.blocks import Section
from mailers.brand import BankDetails
from mailers.content.account import balance, payment_status, statement
from mailers.content.invoices import (
    einvoice_unavailable,
    invoice_copies,
    invoice_files,
    invoice_list,
)
from mailers.content.replies import access_instructions, dispute, handed_off, not_permitted
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
