"""The facts of one invoice as the visitor's documents state them: the account's billing details
and the issuing legal entity from the brand file, read through the visitor's scoped session."""

from __future__ import annotations

from core.documents.facts import InvoiceFacts, entity_code, invoice_facts
from core.models import Account, Invoice
from web.documents.render import brand
from web.visitor import scoped


def facts_for(invoice: Invoice) -> InvoiceFacts:
    """``invoice`` must be read with its lines (``visible_invoice(..., with_lines=True)``)."""
    account = scoped().get(Account, invoice.account_id)
    assert account is not None  # the invoice is visible, so its account is
    seller = brand().legal_entity(entity_code(invoice, account))
    return invoice_facts(invoice, account, seller)
