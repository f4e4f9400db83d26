"""PDFs: rendered and cached by their inputs, ERP originals untouched, verification at /verify."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader
from sqlalchemy import select

from core.models import AuditEvent, Document, DocumentKind, Invoice
from tests.web.conftest import csrf_token, open_portal


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_it_renders_an_invoice_pdf_with_totals_and_a_verification_code(app, client, world):
    open_portal(app, client, world.alice_contact)
    response = client.get(f"/invoices/{world.invoices['A-100']}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    code = response.headers["X-Verification-Code"]
    assert "A-100" in text and "€1,234.56" in text and "€197.11" in text
    assert code in text
    assert "Alice Manufacturing" in text and "Bob" not in text


def test_it_serves_the_cached_pdf_until_the_data_changes(app, client, db, world):
    open_portal(app, client, world.alice_contact)
    url = f"/invoices/{world.invoices['A-100']}/pdf"
    first, again = client.get(url), client.get(url)
    assert first.data == again.data
    with db.admin_session() as s:
        s.get(Invoice, world.invoices["A-100"]).po_number = "PO-CHANGED"
    changed = client.get(url)
    assert changed.data != first.data and "PO-CHANGED" in pdf_text(changed.data)
    with db.admin_session() as s:
        kinds = s.scalars(select(Document.kind)).all()
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "document.download"))
        cached = [e.detail["cached"] for e in events]
    assert kinds == [DocumentKind.rendered_invoice] * 2
    assert cached == [False, True, False]


def test_it_serves_the_erp_original_byte_for_byte(app, client, db, world):
    original = b"%PDF-1.4\n% the ERP's own bytes\n%%EOF\n"
    with db.admin_session() as s:
        s.add(
            Document(
                account_id=world.alice,
                invoice_id=world.invoices["A-100"],
                kind=DocumentKind.erp_original,
                sha256=hashlib.sha256(original).hexdigest(),
                verification_code="ABCD-EFGH-JKLM",
                filename="A-100.pdf",
                size=len(original),
                content=original,
            )
        )
    open_portal(app, client, world.alice_contact)
    page = client.get(f"/invoices/{world.invoices['A-100']}")
    assert "ABCD-EFGH-JKLM" in page.text
    assert client.get(f"/invoices/{world.invoices['A-100']}/pdf").data == original


def test_verify_confirms_a_code_and_a_file_revealing_only_number_and_amount(app, client, world):
    open_portal(app, client, world.alice_contact)
    pdf = client.get(f"/invoices/{world.invoices['A-100']}/pdf")
    code = pdf.headers["X-Verification-Code"]
    stranger = app.test_client()
    stranger.environ_base["wsgi.url_scheme"] = "https"
    token = csrf_token(stranger.get("/verify").text)
    by_code = stranger.post("/verify", data={"csrf_token": token, "code": code.lower()})
    assert "We issued this document" in by_code.text
    assert "A-100" in by_code.text and "€1,234.56" in by_code.text
    assert "Alice" not in by_code.text and "PO-A1" not in by_code.text
    by_file = stranger.post(
        "/verify",
        data={"csrf_token": token, "file": (io.BytesIO(pdf.data), "invoice.pdf")},
        content_type="multipart/form-data",
    )
    assert "We issued this document" in by_file.text
    doctored = pdf.data.replace(b"%%EOF", b"%%EOF ")
    refused = stranger.post(
        "/verify",
        data={"csrf_token": token, "file": (io.BytesIO(doctored), "invoice.pdf")},
        content_type="multipart/form-data",
    )
    assert "We cannot confirm this document" in refused.text
    not_pdf = stranger.post(
        "/verify",
        data={"csrf_token": token, "file": (io.BytesIO(b"GIF89a"), "invoice.pdf")},
        content_type="multipart/form-data",
    )
    assert not_pdf.status_code == 400
    too_big = stranger.post(
        "/verify",
        data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-" + b"0" * 11_000_000), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert too_big.status_code == 413
    with app.extensions["ardesk.db"].admin_session() as s:
        checks = s.scalars(select(AuditEvent).where(AuditEvent.action == "document.verify")).all()
    assert [(e.detail["method"], e.detail["genuine"]) for e in checks] == [
        ("code", True),
        ("file", True),
        ("file", False),
    ]
    assert checks[0].account_id == world.alice


def test_it_renders_a_statement_pdf(app, client, world):
    open_portal(app, client, world.alice_contact)
    response = client.get("/statements/pdf?from=2026-01-01&to=2026-03-31")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Statement of account" in text and "A-100" in text and "A-PAY" in text
    assert response.headers["X-Verification-Code"] in text
