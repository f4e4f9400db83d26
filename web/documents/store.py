"""Rendered documents cached in ``documents`` by the hash of their inputs.

A cached document is served as stored (its sha256 and verification code stay valid); when the
data, the brand, the language or the template changes, the hash changes and it is rendered anew.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from core.documents import new_code
from core.models import Document, DocumentKind


def cached(session: Session, kind: DocumentKind, inputs_hash: str) -> Document | None:
    return session.scalar(
        select(Document)
        .options(undefer(Document.content))
        .where(Document.inputs_hash == inputs_hash, Document.kind == kind)
        .order_by(Document.id.desc())
        .limit(1)
    )


def render_and_store(
    session: Session,
    *,
    account_id: int,
    kind: DocumentKind,
    inputs_hash: str,
    filename: str,
    render: Callable[[str], bytes],
    invoice_id: int | None = None,
    content_type: str = "application/pdf",
) -> Document:
    """Render with a new verification code (printed in the footer of PDFs, sent beside XML
    files) and store the bytes."""
    code = new_code()
    content = render(code)
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


def original(session: Session, invoice_id: int) -> Document | None:
    """The ERP's own PDF of an invoice, when the connector supplied one."""
    return session.scalar(
        select(Document)
        .options(undefer(Document.content))
        .where(Document.invoice_id == invoice_id, Document.kind == DocumentKind.erp_original)
        .order_by(Document.id.desc())
        .limit(1)
    )
