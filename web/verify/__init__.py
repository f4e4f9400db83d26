"""``/verify``: anyone can check that ardesk issued exactly this document.

By code (printed on rendered PDFs, shown beside ERP originals) or by uploading the file, whose
sha256 is compared with the stored one — never by re-rendering, because PDFs are not
byte-stable. The answer names only the invoice number and amount (or that it is a statement),
with the supplier's official bank details, and every check is audited.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import record
from core.models import Document, Invoice
from web.documents.codes import normalize
from web.documents.render import brand
from web.visitor import client, database

blueprint = Blueprint("verify", __name__)

MAX_PDF_BYTES = 10 * 1024 * 1024


def _facts(session, document: Document | None) -> dict[str, object] | None:
    if document is None:
        return None
    facts: dict[str, object] = {"kind": document.kind.value, "issued_on": document.created_at}
    if document.invoice_id is not None:
        invoice = session.get(Invoice, document.invoice_id)
        if invoice is not None:
            facts.update(number=invoice.number, total=invoice.total, currency=invoice.currency)
    return facts


@blueprint.get("/verify")
def verify_form() -> ResponseReturnValue:
    return render_template("verify/verify.html", bank=brand().bank)


def _uploaded_pdf() -> tuple[bytes | None, str | None]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, None
    content = upload.stream.read(MAX_PDF_BYTES + 1)
    if len(content) > MAX_PDF_BYTES:
        return None, _("That file is too big: upload a PDF of at most 10 MB.")
    # PDFs, and the XML e-invoices ardesk serves (verified by their hash like the PDFs).
    if not content.startswith(b"%PDF-") and not content.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(
        b"<"
    ):
        return None, _("That file is not a PDF.")
    return content, None


@blueprint.post("/verify")
def verify() -> ResponseReturnValue:
    code_text = request.form.get("code", "").strip()
    content, problem = _uploaded_pdf()
    if problem:
        return render_template("verify/verify.html", bank=brand().bank, problem=problem), 400
    code = normalize(code_text) if code_text else None
    if content is None and code is None:
        problem = _("Enter the code from the document, or choose the PDF file.")
        return render_template("verify/verify.html", bank=brand().bank, problem=problem), 400
    with database().admin_session() as session:
        # Public and before any account is known: the privileged session, revealing little.
        if content is not None:
            method, digest = "file", hashlib.sha256(content).hexdigest()
            document = session.scalar(
                select(Document).where(Document.sha256 == digest).order_by(Document.id).limit(1)
            )
        else:
            method = "code"
            document = session.scalar(select(Document).where(Document.verification_code == code))
        facts = _facts(session, document)
        record(
            session,
            "document.verify",
            actor="visitor",
            account_id=document.account_id if document else None,
            target=f"document:{document.id}" if document else None,
            method=method,
            genuine=document is not None,
            **client(),
        )
    return render_template(
        "verify/result.html", facts=facts, method=method, bank=brand().bank, code=code
    )
