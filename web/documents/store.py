"""Rendered documents cached in ``documents`` by the hash of their inputs.

A cached document is served as stored (its sha256 and verification code stay valid); when the
data, the brand, the language or the template changes, the hash changes and it is rendered anew.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from core.documents import new_code
from core.documents.files import store_file
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
    return store_file(
        session,
        account_id=account_id,
        invoice_id=invoice_id,
        kind=kind,
        code=code,
        content=render(code),
        filename=filename,
        content_type=content_type,
        inputs_hash=inputs_hash,
    )
