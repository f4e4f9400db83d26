"""The VAT breakdown (EN 16931 BG-23) and amounts as e-invoices state them.

E-invoices state a credit note's amounts as positive numbers (the document type says it is a
credit); ardesk stores them negative, so the builders read them through ``signed``.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.documents.facts import Exemption, InvoiceFacts

CENT = Decimal("0.01")


class Rate(enum.Enum):
    """The VAT rate a category allows on its lines (BR-S-05, BR-Z-05, BR-E-05, BR-AF-05…)."""

    positive = "positive"
    zero = "zero"
    any = "any"  # zero or more


@dataclass(frozen=True)
class Category:
    rate: Rate
    # The exemption EN 16931 requires stated for it (BR-AE-10, BR-IC-10, BR-G-10, BR-O-10).
    # Exempt lines (E) state the invoice's own reason (BR-E-10), which the ERP supplies.
    exemption: Exemption | None = None


# The UNTDID 5305 categories ardesk states. L and M are the Canary Islands' IGIC and Ceuta and
# Melilla's IPSI: taxed at their own rates, with no exemption (BR-AF-10, BR-AG-10).
CATEGORIES: dict[str, Category] = {
    "S": Category(Rate.positive),
    "Z": Category(Rate.zero),
    "E": Category(Rate.zero),
    "AE": Category(Rate.zero, Exemption("VATEX-EU-AE", "Reverse charge")),
    "K": Category(Rate.zero, Exemption("VATEX-EU-IC", "Intra-Community supply")),
    "G": Category(Rate.zero, Exemption("VATEX-EU-G", "Export outside the EU")),
    "O": Category(Rate.zero, Exemption("VATEX-EU-O", "Not subject to VAT")),
    "L": Category(Rate.any),
    "M": Category(Rate.any),
}
EXEMPT = "E"
INTRA_COMMUNITY = "K"
# Not subject to VAT: alone on its invoice (BR-O-11), with no VAT rate (BR-O-05) and no VAT
# ids of seller or buyer (BR-O-02).
NOT_SUBJECT = "O"
# Categories whose buyer must be identified by a VAT id (BR-AE-02, BR-IC-02).
NEEDS_BUYER_VAT = frozenset({"AE", "K"})


@dataclass(frozen=True)
class TaxGroup:
    category: str
    rate: Decimal
    basis: Decimal
    amount: Decimal
    exemption: Exemption | None = None

    @property
    def states_rate(self) -> bool:
        return self.category != NOT_SUBJECT


def not_subject(facts: InvoiceFacts) -> bool:
    """Not subject to VAT: the document states no VAT ids (BR-O-02)."""
    return any(line.tax_category == NOT_SUBJECT for line in facts.lines)


def exemption_of(category: str, facts: InvoiceFacts) -> Exemption | None:
    if category == EXEMPT:
        return facts.exemption
    known = CATEGORIES.get(category)
    return known.exemption if known else None


def sign(facts: InvoiceFacts) -> Decimal:
    return Decimal(-1) if facts.credit_note and facts.total < 0 else Decimal(1)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def breakdown(facts: InvoiceFacts) -> tuple[TaxGroup, ...]:
    """One group per category and rate: the basis is the sum of the line nets, the tax is the
    basis times the rate (BR-S-09 and its siblings), in the document's sign."""
    factor = sign(facts)
    bases: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for line in facts.lines:
        bases[(line.tax_category or "", line.tax_rate.normalize())] += cents(
            line.net_amount * factor
        )
    return tuple(
        TaxGroup(category, rate, basis, cents(basis * rate / 100), exemption_of(category, facts))
        for (category, rate), basis in sorted(bases.items())
    )


def amount_text(value: Decimal) -> str:
    return f"{cents(value):f}"


def plain_text(value: Decimal) -> str:
    """A quantity, price or rate without trailing zeros and never in exponent form."""
    return f"{value.normalize():f}"
