"""Documents as stored files: each file ardesk serves or sends is kept in ``documents`` with its
sha256 and verification code, so ``/verify`` confirms it later by its hash."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from core.models import Document, DocumentKind


def store_file(
    session: Session,
    *,
    account_id: int,
    kind: DocumentKind,
    code: str,
    content: bytes,
    filename: str,
    content_type: str,
    invoice_id: int | None = None,
    inputs_hash: str | None = None,
) -> Document:
    document = Document(
        account_id=account_id,
        invoice_id=invoice_id,
        kind=kind,
        sha256=hashlib.sha256(content).hexdigest(),
        verification_code=code,
        inputs_hash=inputs_hash,
        content_type=content_type,
        filename=filename,
        size=len(content),
        content=content,
    )
    session.add(document)
    session.flush()
    return document


def erp_original(session: Session, invoice_id: int) -> Document | None:
    """The ERP's own PDF of an invoice, when the connector supplied one."""
    return session.scalar(
        select(Document)
        .options(undefer(Document.content))
        .where(Document.invoice_id == invoice_id, Document.kind == DocumentKind.erp_original)
        .order_by(Document.id.desc())
        .limit(1)
    )
