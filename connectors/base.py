"""The connector interface: a source lists what changed since a watermark, and fetches originals.

Every method yields canonical records or :class:`Rejection`s for rows it could not read; a
connector raises :class:`SourceError` when the source itself fails, so the sync can retry and
leave ardesk's data as it was.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import datetime

from connectors.records import (
    AccountRecord,
    ContactRecord,
    InvoiceRecord,
    Original,
    PaymentRecord,
    Rejection,
)


class Connector(ABC):
    """One ERP source. ``since`` is None for a full sync."""

    name: str

    @abstractmethod
    def accounts(self, since: datetime | None) -> Iterator[AccountRecord | Rejection]: ...

    @abstractmethod
    def contacts(self, since: datetime | None) -> Iterator[ContactRecord | Rejection]: ...

    @abstractmethod
    def invoices(self, since: datetime | None) -> Iterator[InvoiceRecord | Rejection]:
        """Invoices and credit notes, each with its lines."""

    @abstractmethod
    def payments(self, since: datetime | None) -> Iterator[PaymentRecord | Rejection]:
        """Payments, each with its allocations to invoices."""

    def provides(self, kind: str) -> bool:
        """Whether the source lists this record type at all (a full listing of a type it does
        not provide must not read as "everything was deleted")."""
        return True

    def gives_balances(self) -> bool:
        """Whether invoices carry the ERP's paid amount or balance; if not, the sync computes
        them from payment allocations."""
        return False

    def volume_hint(self) -> int:
        """Roughly how many bytes a full read would bring (0: unknown); a big first import is
        read in a second process while the first writes."""
        return 0

    def has_documents(self) -> bool:
        """Whether the source can give invoices' original documents: the sync then fetches
        them for new and changed invoices."""
        return False

    def document(self, invoice: InvoiceRecord) -> Original | None:
        """The ERP's original document (PDF) of an invoice, or None when the source has none;
        the sync checks it is a PDF before it stores it."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and files."""

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
