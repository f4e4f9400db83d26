"""The ERP's original PDFs: fetched for new and changed invoices, stored as they came.

Each original becomes a ``documents`` row (``erp_original``) with the sha256 of its bytes and a
verification code, so the portal can show the code beside the download and ``/verify`` can
confirm the file. The bytes are never altered. An original identical to the one stored (same
sha256) is not stored again. A download that fails is reported as a rejected document and the
sync goes on: an invoice without its PDF is still worth having. So is anything that is not a PDF
(by its bytes, its parse and its content type): it is reported and never stored, so never
served. An invoice whose original could not be fetched (or had none) is asked for again on the
next run that lists it.
"""

from __future__ import annotations

import hashlib
import logging
import re

from sqlalchemy import func, select

from connectors.base import Connector
from connectors.errors import SourceError
from connectors.originals import pdf_problem
from connectors.records import InvoiceRecord
from connectors.sync.context import WriteContext, chunks
from core.documents import new_code
from core.models import Document, DocumentKind, utcnow

log = logging.getLogger(__name__)

DOCUMENTS = Document.__table__


def store_originals(ctx: WriteContext, connector: Connector) -> None:
    """Fetch and store the originals of the invoices the last batch wrote (``ctx.documents``)."""
    wanted = ctx.documents
    ctx.documents = []
    if not wanted:
        return
    stored = _stored_hashes(ctx, [invoice_id for invoice_id, _, _, _ in wanted])
    rows = []
    now = utcnow()
    for invoice_id, account_id, rec, changed in wanted:
        if not changed and invoice_id in stored:
            continue  # an unchanged invoice whose original is already here
        try:
            original = connector.document(rec)
        except SourceError as exc:  # one line naming the status, never a response body
            _reject(ctx, rec, str(exc))
            continue
        except Exception as exc:  # a bad document must not stop the sync
            _reject(ctx, rec, f"download failed: {type(exc).__name__}")
            continue
        if original is None:
            continue  # the ERP has no original for this invoice
        problem = pdf_problem(original)
        if problem is not None:
            _reject(ctx, rec, problem)
            continue
        content = original.content
        digest = hashlib.sha256(content).hexdigest()
        if stored.get(invoice_id) == digest:
            ctx.report.documents["unchanged"] += 1
            continue
        rows.append(
            {
                "account_id": account_id,
                "invoice_id": invoice_id,
                "kind": DocumentKind.erp_original,
                "sha256": digest,
                "verification_code": new_code(),
                "inputs_hash": None,
                "content_type": "application/pdf",
                "filename": _filename(rec),
                "size": len(content),
                "content": content,
                "created_at": now,
            }
        )
    if rows:
        ctx.conn.execute(DOCUMENTS.insert(), rows)
        ctx.report.documents["stored"] += len(rows)


def _stored_hashes(ctx: WriteContext, invoice_ids: list[int]) -> dict[int, str]:
    """The sha256 of the newest original stored for each invoice."""
    found: dict[int, str] = {}
    for part in chunks(sorted(set(invoice_ids))):
        newest = (
            select(func.max(DOCUMENTS.c.id))
            .where(
                DOCUMENTS.c.invoice_id.in_(part),
                DOCUMENTS.c.kind == DocumentKind.erp_original,
            )
            .group_by(DOCUMENTS.c.invoice_id)
        )
        rows = ctx.conn.execute(
            select(DOCUMENTS.c.invoice_id, DOCUMENTS.c.sha256).where(DOCUMENTS.c.id.in_(newest))
        )
        found.update({invoice_id: digest for invoice_id, digest in rows})
    return found


def _reject(ctx: WriteContext, rec: InvoiceRecord, reason: str) -> None:
    log.warning("sync %s: original of invoice %s not stored: %s", ctx.source, rec.erp_id, reason)
    ctx.reject("documents", rec.row or rec.erp_id, "document", reason)


def _filename(rec: InvoiceRecord) -> str:
    # Invoice numbers carry slashes and spaces (Odoo's INV/2026/00007): keep a plain file name.
    return re.sub(r"[^A-Za-z0-9._-]+", "_", rec.number).strip("_")[:200] + ".pdf"
