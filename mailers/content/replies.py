"""Answers that hand a request on or say why nothing is shared, as email sections: a dispute
acknowledged, a hand-off, access instructions for a stranger, a role without the permission. No
hand-off reason code reaches the customer."""

from __future__ import annotations

from typing import Any

from core import answers as a
from mailers.blocks import Block, ItemList, Paragraph, Section
from mailers.content.invoices import invoice_item, not_found
from mailers.i18n import Localizer


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
            ItemList(tuple(invoice_item(inv, link, l10n) for inv, link in answer.invoices))
        )
    if answer.not_found:
        blocks.append(not_found(answer.not_found, l10n))
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
