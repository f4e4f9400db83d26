"""A document ardesk served: the ERP's original PDF or one it rendered, known by its sha256.

The verification code printed on (or shown beside) a document lets anyone confirm at ``/verify``
that ardesk issued exactly those bytes.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import AccountOwned, Base, BigId, UTCDateTime, utcnow


class DocumentKind(enum.StrEnum):
    erp_original = "erp_original"
    rendered_invoice = "rendered_invoice"
    rendered_statement = "rendered_statement"
    # E-invoices (core.documents.formats): stored and verified by hash like the PDFs.
    facturx = "facturx"
    ubl = "ubl"
    xrechnung_cii = "xrechnung_cii"
    xrechnung_ubl = "xrechnung_ubl"


class Document(AccountOwned, Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("invoices.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(Enum(DocumentKind, native_enum=False, length=24))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    # For rendered documents: the hash of everything that went into them, the cache key.
    inputs_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
