"""The document formats ardesk serves beside the PDF copy, and what each one is."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.models import DocumentKind


class Format(enum.StrEnum):
    facturx = "facturx"  # Factur-X / ZUGFeRD, profile EN 16931: PDF/A-3 with the CII XML
    ubl = "ubl"  # UBL 2.1 invoice or credit note, Peppol BIS Billing 3.0
    xrechnung_cii = "xrechnung_cii"  # XRechnung 3.0 in the CII syntax
    xrechnung_ubl = "xrechnung_ubl"  # XRechnung 3.0 in the UBL syntax


@dataclass(frozen=True)
class FormatSpec:
    label: str  # as shown on buttons and in replies (a product name: not translated)
    suffix: str  # file name ending
    content_type: str
    kind: DocumentKind


SPECS: dict[Format, FormatSpec] = {
    Format.facturx: FormatSpec(
        "Factur-X / ZUGFeRD", ".pdf", "application/pdf", DocumentKind.facturx
    ),
    Format.ubl: FormatSpec("UBL (Peppol BIS 3)", ".xml", "application/xml", DocumentKind.ubl),
    Format.xrechnung_cii: FormatSpec(
        "XRechnung (CII)", ".xml", "application/xml", DocumentKind.xrechnung_cii
    ),
    Format.xrechnung_ubl: FormatSpec(
        "XRechnung (UBL)", ".xml", "application/xml", DocumentKind.xrechnung_ubl
    ),
}


def parse_format(value: str | None) -> Format | None:
    try:
        return Format(value) if value else None
    except ValueError:
        return None
