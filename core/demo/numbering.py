"""How each ERP numbers its documents, as AP teams see them quoted in their inbox.

A source is one ERP company the supplier bills from. Numbers come from per-source counters, so
they are unique per source, as ``(source, erp_id)`` requires; every style takes the counter and
the year of the document (``str.format`` ignores what a style does not use).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErpStyle:
    source: str
    account: str  # the customer number
    invoice: str
    credit_note: str
    payment: str
    first_account: int
    first_invoice: int
    first_credit_note: int | None  # None: credit notes share the invoice series
    first_payment: int
    yearly: bool = False  # the series start again every year (the year is in the number)


ERP_STYLES: tuple[ErpStyle, ...] = (
    # SAP S/4HANA: billing documents 90…, credit memos 93…, clearing documents 14….
    ErpStyle("sap", "{0:010d}", "{0}", "{0}", "{0}", 100_100, 90_014_000, 93_000_100,
             1_400_003_000),
    # Epicor Kinetic: one numeric sequence for invoices and credit memos.
    ErpStyle("epicor", "C{0:05d}", "{0}", "{0}", "CR{0:07d}", 10_010, 104_000, None, 52_000),
    ErpStyle("netsuite", "CUST-{0}", "INV-{0}", "CM-{0}", "PYMT-{0}", 1_000, 10_000, 1_000,
             5_000),
    # Business Central, two companies with the usual number series of each localisation.
    ErpStyle("bc_emea", "C{0:05d}", "PSI-{0:06d}", "PSCM-{0:06d}", "PMT-{0:06d}", 10_000, 100,
             10, 1_000),
    ErpStyle("bc_us", "K{0:05d}", "S-INV{0}", "S-CR{0}", "G{0:06d}", 20_000, 103_001, 104_001,
             2_000),
    ErpStyle("odoo", "P{0:05d}", "INV/{1}/{0:05d}", "RINV/{1}/{0:05d}", "PBNK1/{1}/{0:05d}",
             3_000, 1, 1, 1, yearly=True),
)
STYLE_WEIGHTS = (30, 15, 15, 12, 10, 18)

# Purchase-order numbers as customers write them: SAP purchasing documents, dated series, plain.
PO_STYLES = ("4500{0:06d}", "PO-{1}-{0:05d}", "PO{0:06d}", "{0:06d}", "P0{0:07d}-{2}")

# What a remittance says when it names one invoice, in the payer's language.
PAYMENT_PHRASES = {
    "en": "Payment invoice {0}",
    "de": "Zahlung Rg. {0}",
    "fr": "Règlement facture {0}",
    "es": "Pago factura {0}",
    "nl": "Betaling factuur {0}",
    "it": "Pagamento fattura {0}",
    "pt": "Pagamento fatura {0}",
}
# Remittance advice references by payment method: {0} a running number, {1} YYYYMMDD.
# An ``RF`` reference gets its ISO 11649 check digits (core.demo.documents).
ADVICE_STYLES = {
    "sepa_credit_transfer": ("RF{0:010d}", "AVIS-{1}-{0:04d}", "REM{1}{0:05d}"),
    "wire": ("WIRE {1} {0:06d}", "TT{0:08d}"),
    "ach": ("ACH TRACE 0210{0:011d}", "CCD+ {1} {0:05d}"),
    "check": ("CHK {0:06d}", "CHECK NO {0:06d}"),
    "bacs": ("BACS REM {0:06d}", "RA{1}{0:04d}"),
    "faster_payment": ("FP {1} {0:06d}", "REMIT {0:06d}"),
}


@dataclass
class Counters:
    """The next number of every series and the next id of every table.

    A fresh database starts them at the styles' first numbers and id 1; appending to a database
    starts them past what is there (``core.demo.load``), so the same seed never collides.
    """

    account_id: int = 1
    contact_id: int = 1
    invoice_id: int = 1
    line_id: int = 1
    payment_id: int = 1
    allocation_id: int = 1
    chat_mapping_id: int = 1
    accounts: dict[str, int] | None = None
    invoices: dict[str, int] | None = None
    credit_notes: dict[str, int] | None = None
    payments: dict[str, int] | None = None

    def __post_init__(self) -> None:
        self.accounts = self.accounts or {s.source: s.first_account for s in ERP_STYLES}
        self.invoices = self.invoices or {s.source: s.first_invoice for s in ERP_STYLES}
        self.credit_notes = self.credit_notes or {
            s.source: s.first_credit_note or 0 for s in ERP_STYLES
        }
        self.payments = self.payments or {s.source: s.first_payment for s in ERP_STYLES}

    def shift_numbers(self, by_source: dict[str, int]) -> None:
        """Move every series of a source past ``by_source[source]`` numbers already used.

        Keys are a source, or ``source:year`` for series that restart every year.
        """
        for series in (self.accounts, self.invoices, self.credit_notes, self.payments):
            assert series is not None
            for key in series:
                series[key] += by_source.get(key.partition(":")[0], 0)
