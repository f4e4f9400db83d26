"""What an implementer runs first: connect to a source, read the first rows of each record type,
map them, and say what a sync would import, without writing anything (no database at all).

Reading stops after ``rows`` records of a type, so a paged API is asked for its first page only.
The first invoice's original, where the source has them, is fetched and checked to be a PDF.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from connectors.base import Connector
from connectors.config import SourceConfig
from connectors.errors import SourceError
from connectors.originals import pdf_problem
from connectors.records import (
    RECORD_TYPES,
    AccountRecord,
    ContactRecord,
    InvoiceRecord,
    PaymentRecord,
    Rejection,
)
from connectors.registry import open_connector

SAMPLES = 3


@dataclass
class RecordCheck:
    record: str
    read: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)  # what the first records would become


@dataclass
class SourceCheck:
    source: str
    kind: str
    records: list[RecordCheck] = field(default_factory=list)
    original: str | None = None  # "ok", why the first invoice's original is not one, or None
    error: str | None = None  # the source failed: connection, credentials, a refused query

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and not any(r.rejected for r in self.records)
            and (self.original in (None, "ok"))
        )


def check_source(
    config: SourceConfig,
    rows: int = 20,
    connector_factory: Callable[[SourceConfig], Connector] = open_connector,
) -> SourceCheck:
    """Read up to ``rows`` records of each type the source provides; raises SourceConfigError
    when the sources file or the mapping is wrong (before anything is read)."""
    result = SourceCheck(config.name, config.kind)
    with connector_factory(config) as connector:
        try:
            first_invoice = None
            for kind in RECORD_TYPES:
                if not connector.provides(kind):
                    continue
                check = RecordCheck(kind)
                result.records.append(check)
                for item in itertools.islice(getattr(connector, kind)(None), rows):
                    if isinstance(item, Rejection):
                        check.rejected.append(item)
                        continue
                    check.read += 1
                    if len(check.samples) < SAMPLES:
                        check.samples.append(describe(item))
                    if isinstance(item, InvoiceRecord) and first_invoice is None:
                        first_invoice = item
            if first_invoice is not None and connector.has_documents():
                original = connector.document(first_invoice)
                result.original = "none" if original is None else pdf_problem(original) or "ok"
        except SourceError as exc:
            result.error = str(exc)
    return result


def describe(record: AccountRecord | ContactRecord | InvoiceRecord | PaymentRecord) -> str:
    """One line a person can check against the ERP's screen."""
    if isinstance(record, AccountRecord):
        return f"{record.erp_id} {record.name} ({record.currency}, {record.status})"
    if isinstance(record, ContactRecord):
        return f"{record.email} {record.name} of {record.account}"
    if isinstance(record, InvoiceRecord):
        state = "deleted" if record.deleted else "void" if record.void else record.kind
        owed = "" if record.balance is None else f", balance {record.balance}"
        lines = "" if record.lines is None else f", {len(record.lines)} line(s)"
        return (
            f"{record.number} of {record.account} {record.issue_date}: {record.total} "
            f"{record.currency}{owed} ({state}{lines})"
        )
    allocated = sum((a.amount for a in record.allocations), start=Decimal(0))
    return (
        f"{record.erp_id} of {record.account} {record.received_on}: {record.amount} "
        f"{record.currency} ({len(record.allocations)} allocation(s), {allocated} applied)"
    )
