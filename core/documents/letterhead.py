"""What a PDF shows of the sender's brand, read from the brand file by ``mailers.brand``."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from core.documents.parties import BankDetails, LegalEntity


@dataclass(frozen=True)
class Letterhead:
    """What a PDF shows of the sender's brand (the brand file, read by ``mailers.brand``)."""

    name: str
    primary_colour: str = "#1f4e79"
    text_colour: str = "#222222"
    legal_footer: str = ""
    logo_uri: str | None = None  # a data: URI
    logo_alt: str = ""
    # A brand file without legal entities names its one ``[bank]`` on every document.
    fallback_bank: BankDetails | None = None
    has_entities: bool = False

    def banks_for(
        self, entity: LegalEntity | None, currency: str | None = None
    ) -> list[BankDetails]:
        """The bank accounts a document names: the issuing entity's (for ``currency`` when
        given); none for an entity the brand file does not know, rather than another
        company's account."""
        if entity is not None:
            if currency is None:
                return list(entity.banks)
            bank = entity.bank_for(currency)
            return [bank] if bank else []
        if not self.has_entities and self.fallback_bank is not None:
            return [self.fallback_bank]
        return []


def data_uri(content: bytes, mime_type: str) -> str:
    return f"data:{mime_type};base64,{base64.b64encode(content).decode()}"
