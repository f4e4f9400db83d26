"""PDFs and e-invoices: complete copies marked as copies with a payment code decoded back,
e-invoices in every format the invoice qualifies for, rendered and cached by their inputs, ERP
originals untouched, everything audited and verifiable at /verify."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import facturx
import pytest
from flask import Flask
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select

from core.db import Database
from core.documents.schema_check import check
from core.models import (
    Account,
    AuditEvent,
    Document,
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
)
from mailers.brand import EXAMPLE_BRAND_FILE
from tests.documents.decode import page_codes
from tests.support import builders as b
from tests.web.conftest import csrf_token, https_client, open_portal, portal_settings
from web import create_app
from web.documents import reads


@pytest.fixture
def app(db: Database) -> Iterator[Flask]:
    """The portal with the complete example brand: two legal entities with bank details."""
    application = create_app(portal_settings(db.settings, brand_file=EXAMPLE_BRAND_FILE))
    yield application
    application.extensions["ardesk.db"].dispose()


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


def test_a_cached_copy_is_rendered_anew_when_a_line_a_payment_or_the_account_changes(
    app, client, db, world
):
    invoice_id = billed_invoice(db, world.alice, "A-300")
    open_portal(app, client, world.alice_contact)
    url = f"/invoices/{invoice_id}/pdf"
    first = client.get(url)
    assert client.get(url).data == first.data
    with db.admin_session() as s:
        s.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
        ).first().description = "Hydraulic pump, rebuilt"
    relined = client.get(url)
    assert "rebuilt" in pdf_text(relined.data)
    with db.admin_session() as s:
        account = s.get(Account, world.alice)
        invoice = s.get(Invoice, invoice_id)
        b.payment(
            s,
            account,
            "PAY-300",
            "50.00",
            received=date(2026, 4, 1),
            allocations={invoice: "50.00"},
        )
    paid = client.get(url)
    assert "PAY-300" in pdf_text(paid.data)
    with db.admin_session() as s:
        s.get(Account, world.alice).city = "Potsdam"
    moved = client.get(url)
    assert "Potsdam" in pdf_text(moved.data)
    assert len({first.data, relined.data, paid.data, moved.data}) == 4


def test_a_cached_copy_outlives_bookkeeping_and_not_an_edited_payment_reference(
    app, client, db, world
):
    invoice_id = billed_invoice(db, world.alice, "A-301")
    with db.admin_session() as s:
        b.payment(
            s, s.get(Account, world.alice), "PAY-301", "50.00", received=date(2026, 4, 1),
            allocations={s.get(Invoice, invoice_id): "50.00"},
        )  # fmt: skip
    open_portal(app, client, world.alice_contact)
    url = f"/invoices/{invoice_id}/pdf"
    first = client.get(url)
    with db.admin_session() as s:  # what every sync run writes, stating nothing new
        s.get(Account, world.alice).data_as_of = datetime(2026, 5, 1, tzinfo=UTC)
        s.get(Invoice, invoice_id).source_updated_at = datetime(2026, 5, 1, tzinfo=UTC)
    assert client.get(url).headers["X-Verification-Code"] == first.headers["X-Verification-Code"]
    with db.admin_session() as s:
        s.scalars(select(Payment).where(Payment.reference == "PAY-301")).one().reference = "WIRE-77"
    edited = client.get(url)
    assert "WIRE-77" in pdf_text(edited.data) and "WIRE-77" not in pdf_text(first.data)
    with db.admin_session() as s:
        s.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
        ).first().sku = "SKU-NEW"
    assert client.get(url).headers["X-Verification-Code"] != edited.headers["X-Verification-Code"]


def test_the_cached_pdf_reads_name_the_account_even_without_row_level_security(db, world):
    """SQLite has no row-level security: these Core statements stay in the account by their own
    conditions (on PostgreSQL the policies hold them too)."""

    def bobs_document(number: str, kind: DocumentKind, inputs_hash: str) -> None:
        with db.admin_session() as s:
            s.add(
                Document(
                    account_id=world.bob,
                    invoice_id=world.invoices[number],
                    kind=kind,
                    sha256=hashlib.sha256(number.encode()).hexdigest(),
                    verification_code=f"BOBS-{number}",
                    inputs_hash=inputs_hash,
                    filename=f"{number}.pdf",
                    size=1,
                    content=b"%",
                )
            )

    bobs_document("B-100", DocumentKind.erp_original, "b" * 64)
    with db.account_scope(world.alice) as scoped:
        connection = scoped.connection()
        assert reads.invoice(connection, world.alice, world.invoices["B-100"]) is None
        assert reads.lines(connection, world.alice, world.invoices["B-100"]) == []
        assert reads.original(connection, world.alice, world.invoices["B-100"]) is None
        assert reads.copy(connection, world.alice, world.invoices["B-101"], "") is None
        own = reads.copy(connection, world.alice, world.invoices["A-101"], "")
        assert own is not None and own.stored is None  # no copy of it made yet
    bobs_document("B-101", DocumentKind.rendered_invoice, own.key)  # under that very key
    with db.account_scope(world.alice) as scoped:
        again = reads.copy(scoped.connection(), world.alice, world.invoices["A-101"], "")
        assert again.key == own.key and again.stored is None


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
    # The issuer's identity and every bank account of it, as on invoices.
    for stated in (
        "Northwind Industrial Supplies GmbH",
        "DE123456789",
        "DE89 3704 0044 0532 0130 00",
    ):
        assert stated in text, stated
    assert "Copy — original" not in text  # a statement is issued now, not a copy


# Complete copies and e-invoices ---------------------------------------------------------------

EINVOICE_FORMATS = ("facturx", "ubl", "xrechnung_cii", "xrechnung_ubl")


def billed_invoice(
    db,
    account_id: int,
    number: str,
    *,
    lines: int = 2,
    currency: str = "EUR",
    category: str | None = "S",
    paid: bool = False,
    entity: str | None = None,
):
    """An invoice with everything complete copies and e-invoices need, on a complete account."""
    with db.admin_session() as s:
        account = s.get(Account, account_id)
        account.tax_id, account.country_code = "DE987654321", "DE"
        account.address_line1, account.postal_code = "Hauptstraße 5", "10115"
        account.city, account.payment_terms = "Berlin", "30 days net"
        account.electronic_address, account.legal_entity = "EM:ap@alice.example", entity
        net, total = Decimal("100.00"), Decimal("119.00") * lines
        doc = Invoice(
            account_id=account_id,
            erp_id=f"E-{number}",
            number=number,
            issue_date=date(2026, 3, 12),
            due_date=date(2026, 4, 11),
            currency=currency,
            subtotal=net * lines,
            tax=Decimal("19.00") * lines,
            total=total,
            amount_paid=total if paid else Decimal(0),
            balance=Decimal(0) if paid else total,
            status=InvoiceStatus.paid if paid else InvoiceStatus.open,
            po_number="PO-7781",
        )
        for n in range(1, lines + 1):
            doc.lines.append(
                InvoiceLine(
                    account_id=account_id,
                    line_no=n,
                    description=f"Hydraulic pump {n}",
                    quantity=Decimal(2),
                    unit_price=Decimal(50),
                    net_amount=net,
                    tax_rate=Decimal(19),
                    tax_category=category,
                    tax_amount=Decimal("19.00"),
                )
            )
        s.add(doc)
        s.flush()
        return doc.id


def test_a_copy_states_issuer_customer_terms_bank_reference_and_is_marked_on_every_page(
    app, client, db, world
):
    invoice_id = billed_invoice(db, world.alice, "INV-10423", lines=45)
    open_portal(app, client, world.alice_contact)
    pdf = client.get(f"/invoices/{invoice_id}/pdf").data
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    assert all("Copy — original issued on 12 Mar 2026" in page for page in pages)
    text = "\n".join(pages)
    for stated in (
        "Northwind Industrial Supplies GmbH", "Industriestraße 12", "DE123456789",
        "HRB 123456, Amtsgericht München",  # the issuer
        "Alice Manufacturing", "Hauptstraße 5", "10115 Berlin", "DE987654321",  # the customer
        "30 days net", "DE89 3704 0044 0532 0130 00", "COBADEFFXXX", "RF28 INV1 0423",
    ):  # fmt: skip
        assert stated in text, stated
    [payload] = [code for n in range(1, len(pages) + 1) for code in page_codes(pdf, n)]
    fields = payload.split("\n")
    assert fields[5:8] == ["Northwind Industrial Supplies GmbH", "DE89370400440532013000",
                           "EUR5355"]  # fmt: skip
    assert fields[9] == "RF28INV10423"


def test_a_copy_is_translated_and_a_paid_invoice_carries_no_payment_code(app, client, db, world):
    invoice_id = billed_invoice(db, world.alice, "INV-PAID", paid=True)
    open_portal(app, client, world.alice_contact)
    pdf = client.get(f"/invoices/{invoice_id}/pdf", headers={"Accept-Language": "de"}).data
    assert "Kopie" in pdf_text(pdf)
    assert page_codes(pdf) == []


def test_a_chf_invoice_from_the_swiss_entity_carries_a_qr_bill(app, client, db, world):
    invoice_id = billed_invoice(db, world.alice, "INV-CH-7", currency="CHF", entity="CH01")
    open_portal(app, client, world.alice_contact)
    pdf = client.get(f"/invoices/{invoice_id}/pdf").data
    assert "Northwind Industrial Supplies AG" in pdf_text(pdf)
    codes = [code for n in range(1, len(PdfReader(io.BytesIO(pdf)).pages) + 1)
             for code in page_codes(pdf, n)]  # fmt: skip
    [fields] = [code.splitlines() for code in codes]
    assert fields[:4] == ["SPC", "0200", "1", "CH9300762011623852957"]
    assert "238.00" in fields and fields[fields.index("SCOR") + 1].startswith("RF")


def test_the_invoice_page_offers_the_formats_it_qualifies_for(app, client, db, world):
    complete = billed_invoice(db, world.alice, "INV-OK")
    lacking = billed_invoice(db, world.alice, "INV-NOCAT", category=None)
    open_portal(app, client, world.alice_contact)
    page = client.get(f"/invoices/{complete}").text
    for name in EINVOICE_FORMATS:
        assert f"/invoices/{complete}/e-invoice/{name}" in page
    assert "Copy — original issued on" in page
    assert "/e-invoice/" not in client.get(f"/invoices/{lacking}").text


def test_an_xrechnung_download_is_valid_audited_and_verifiable_by_its_hash(app, client, db, world):
    invoice_id = billed_invoice(db, world.alice, "INV-XR")
    open_portal(app, client, world.alice_contact)
    response = client.get(f"/invoices/{invoice_id}/e-invoice/xrechnung_ubl")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    check(response.data, "ubl-invoice")
    root = etree.fromstring(response.data)
    total = root.findtext(".//{*}LegalMonetaryTotal/{*}TaxInclusiveAmount")
    assert total == "238.00"
    with db.admin_session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "document.download")).one()
        assert event.detail["kind"] == "xrechnung_ubl"
    stranger = https_client(app)
    token = csrf_token(stranger.get("/verify").text)
    upload = {"csrf_token": token, "file": (io.BytesIO(response.data), "invoice.xml")}
    page = stranger.post("/verify", data=upload, content_type="multipart/form-data")
    assert "We issued this document" in page.text and "INV-XR" in page.text


def test_factur_x_is_a_pdf_a3_copy_with_the_cii_embedded(app, client, db, world):
    invoice_id = billed_invoice(db, world.alice, "INV-FX")
    open_portal(app, client, world.alice_contact)
    response = client.get(f"/invoices/{invoice_id}/e-invoice/facturx")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    name, xml = facturx.get_xml_from_pdf(response.data, check_xsd=True)
    assert name == "factur-x.xml"
    assert etree.fromstring(xml).findtext(".//{*}GrandTotalAmount") == "238.00"
    # PDF/A-3 as declared in the XMP metadata, with the Factur-X profile beside it (veraPDF is
    # not available here; the library checked the XML against the schema on the way in).
    xmp = PdfReader(io.BytesIO(response.data)).xmp_metadata
    assert xmp is not None
    xmp_text = xmp.rdf_root.toxml()  # a DOM element (pypdf parses XMP with minidom)
    assert re.search(r'pdfaid:part(="|>)3', xmp_text)
    assert re.search(r'fx:ConformanceLevel(="|>)EN 16931', xmp_text)
    assert "Copy — original issued on" in pdf_text(response.data)


def test_an_invoice_lacking_what_a_format_needs_gets_a_page_saying_what(app, client, db, world):
    invoice_id = billed_invoice(db, world.alice, "INV-NOCAT", category=None)
    open_portal(app, client, world.alice_contact)
    response = client.get(f"/invoices/{invoice_id}/e-invoice/ubl")
    assert response.status_code == 409
    assert "a VAT category on every line" in response.text
    with db.admin_session() as s:
        kinds = s.scalars(select(Document.kind)).all()
        refused = s.scalars(select(AuditEvent).where(AuditEvent.action == "document.refused")).one()
    assert kinds == [] and refused.detail["missing"] == ["tax_category"]


def test_e_invoices_follow_the_role_matrix_and_the_account_scope(app, client, db, world):
    invoice_id = billed_invoice(db, world.alice, "INV-SCOPE")
    open_portal(app, client, world.manager)
    assert client.get(f"/invoices/{invoice_id}/e-invoice/ubl").status_code == 403
    other = https_client(app)
    open_portal(app, other, world.bob_contact)
    assert other.get(f"/invoices/{invoice_id}/e-invoice/ubl").status_code == 404
    assert client.get(f"/invoices/{invoice_id}/e-invoice/pdf-a").status_code == 404


def test_an_issuer_missing_from_the_brand_file_names_no_bank_and_no_code(app, client, db, world):
    invoice_id = billed_invoice(db, world.alice, "INV-FR", entity="FR09")
    open_portal(app, client, world.alice_contact)
    pdf = client.get(f"/invoices/{invoice_id}/pdf").data
    assert "IBAN" not in pdf_text(pdf)  # not the default company's account
    assert page_codes(pdf) == []
    assert client.get(f"/invoices/{invoice_id}/e-invoice/facturx").status_code == 409


def test_a_brand_without_legal_entities_still_prints_its_bank(db, world, tmp_path):
    brand_file = tmp_path / "brand.toml"
    brand_file.write_text(
        'name = "Plain Supplier"\n[bank]\naccount_holder = "Plain Supplier Ltd"\n'
        'iban = "DE89 3704 0044 0532 0130 00"\nbic = "COBADEFFXXX"\nbank_name = "Commerzbank"\n',
        encoding="utf-8",
    )
    plain = create_app(portal_settings(db.settings, brand_file=brand_file))
    try:
        browser = https_client(plain)
        open_portal(plain, browser, world.alice_contact)
        text = pdf_text(browser.get(f"/invoices/{world.invoices['A-100']}/pdf").data)
        assert "Plain Supplier Ltd" in text and "DE89 3704 0044 0532 0130 00" in text
    finally:
        plain.extensions["ardesk.db"].dispose()


def test_verify_names_the_bank_details_in_words(db, tmp_path):
    from tests.mailers.test_brand import GOOD, write_brand
    from tests.web.conftest import https_client, portal_settings
    from web import create_app

    brand = write_brand(tmp_path, GOOD)
    application = create_app(portal_settings(db.settings, brand_file=str(brand)))
    page = https_client(application).get("/verify")
    assert "Please quote the invoice number" in page.text
    assert "Payment reference" in page.text and "reference_hint" not in page.text
    application.extensions["ardesk.db"].dispose()
