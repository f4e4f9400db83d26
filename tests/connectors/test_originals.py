"""The ERP's original PDFs: fetched for new and changed invoices, stored byte for byte with a
sha256 and a verification code; identical originals kept once; failed downloads reported."""

from __future__ import annotations

import copy
import hashlib
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.models import Document, DocumentKind, Invoice
from tests.connectors.conftest import sync, write_sources
from tests.connectors.fake_erp import Reply
from tests.connectors.pdfs import pdf_bytes
from tests.connectors.test_rest_source import INVOICES, SOURCES, TOKEN, serve

CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")
# The mapping names the field that holds each invoice's document URL.
WITH_DOCUMENTS = SOURCES.replace(
    'updated_at = "updated"\n\n[sources.api.mapping.lines]',
    'updated_at = "updated"\ndocument_ref = "pdf"\n\n[sources.api.mapping.lines]',
)


def pdf(name: str) -> bytes:
    return pdf_bytes(name)


def with_pdf_links(erp) -> list[dict]:
    invoices = copy.deepcopy(INVOICES)
    for row in invoices:
        row["pdf"] = f"{erp.url}/files/{row['id']}.pdf"
    return invoices


def serve_pdfs(erp, **overrides: bytes | Reply) -> None:
    for row in INVOICES:
        body = overrides.get(row["id"].replace("-", "_"), pdf(row["id"]))
        reply = (
            body if isinstance(body, Reply) else Reply(200, body, content_type="application/pdf")
        )
        erp.route("GET", f"/files/{row['id']}.pdf", reply)


@pytest.fixture
def api(erp, tmp_path):
    invoices = with_pdf_links(erp)
    serve(erp, invoices)
    serve_pdfs(erp)
    path = write_sources(tmp_path, WITH_DOCUMENTS.format(url=erp.url))
    return path, invoices


def originals(db) -> list[tuple[str, Document]]:
    with db.admin_session() as s:
        rows = s.execute(
            select(Invoice.erp_id, Document)
            .join(Invoice, Invoice.id == Document.invoice_id)
            .where(Document.kind == DocumentKind.erp_original)
            .order_by(Document.id)
        ).all()
        for _, document in rows:
            _ = document.content
        return [(erp_id, document) for erp_id, document in rows]


def test_originals_are_stored_as_they_came(db, erp, api):
    sources, _ = api

    report = sync(db, sources, "api", TOKEN)

    assert report.rejected == []
    assert report.documents == {"stored": 3, "unchanged": 0}
    stored = dict(originals(db))
    assert set(stored) == {"INV-1", "INV-2", "CN-1"}
    first = stored["INV-1"]
    assert first.content == pdf("INV-1")
    assert first.sha256 == hashlib.sha256(pdf("INV-1")).hexdigest()
    assert (first.size, first.filename, first.content_type) == (
        len(pdf("INV-1")),
        "INV-1.pdf",
        "application/pdf",
    )
    assert all(CODE.match(d.verification_code) for d in stored.values())
    assert len({d.verification_code for d in stored.values()}) == 3

    again = sync(db, sources, "api", TOKEN, full=True)

    assert again.documents == {"stored": 0, "unchanged": 0}  # unchanged invoices: not fetched
    assert len(originals(db)) == 3
    assert len(erp.calls("/files/INV-1.pdf")) == 1


def test_a_changed_invoice_keeps_one_copy_of_an_identical_original(db, erp, api):
    sources, invoices = api
    sync(db, sources, "api", TOKEN)
    invoices[0].update(total=Decimal("129.00"), updated="2026-10-09T11:00:00Z")

    report = sync(db, sources, "api", TOKEN)

    assert report.updated["invoices"] == 1
    assert report.documents == {"stored": 0, "unchanged": 1}
    assert len(originals(db)) == 3

    invoices[0].update(total=Decimal("139.00"), updated="2026-10-10T11:00:00Z")
    serve_pdfs(erp, INV_1=pdf("INV-1 corrected"))
    report = sync(db, sources, "api", TOKEN)

    assert report.documents == {"stored": 1, "unchanged": 0}
    newest = [d for erp_id, d in originals(db) if erp_id == "INV-1"]
    assert [d.content for d in newest] == [pdf("INV-1"), pdf("INV-1 corrected")]


def test_a_failed_download_is_reported_and_the_sync_goes_on(db, erp, api):
    sources, _ = api
    serve_pdfs(erp, INV_2=Reply(404, {"error": {"code": "NotFound", "message": "gone"}}))

    report = sync(db, sources, "api", TOKEN)

    assert report.inserted["invoices"] == 3
    assert report.documents["stored"] == 2
    [rejection] = report.rejected
    assert (rejection.record, rejection.field) == ("documents", "document")
    assert "HTTP 404 (NotFound)" in rejection.reason and "gone" not in rejection.reason
    assert report.as_dict()["rejected"][0]["record"] == "documents"

    serve_pdfs(erp)  # the ERP has it again: the next run that lists the invoice fetches it
    report = sync(db, sources, "api", TOKEN, full=True)

    assert report.rejected == []
    assert report.documents == {"stored": 1, "unchanged": 0}
    assert sorted(erp_id for erp_id, _ in originals(db)) == ["CN-1", "INV-1", "INV-2"]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (
            Reply(200, b"<html><form action='/web/login'>", content_type="text/html"),
            "the ERP sent text/html, not a PDF",
        ),
        (
            Reply(200, b"<html>Log in</html>", content_type="application/pdf"),
            "the document is not a PDF (no %PDF- header)",
        ),
        (
            Reply(200, b"%PDF-1.7\nthis is no PDF\n%%EOF\n", content_type="application/pdf"),
            "the document is not a readable PDF",
        ),
        (Reply(200, b"", content_type="application/pdf"), "the ERP sent an empty document"),
    ],
    ids=["login-page", "html-called-pdf", "broken-pdf", "empty"],
)
def test_an_original_that_is_not_a_pdf_is_reported_and_never_stored(db, erp, api, reply, reason):
    sources, _ = api
    serve_pdfs(erp, INV_2=reply)

    report = sync(db, sources, "api", TOKEN)

    assert report.inserted["invoices"] == 3
    [rejection] = report.rejected
    assert (rejection.record, rejection.field, rejection.reason) == (
        "documents",
        "document",
        reason,
    )
    assert sorted(erp_id for erp_id, _ in originals(db)) == ["CN-1", "INV-1"]


def test_a_dry_run_stores_and_fetches_no_original(db, erp, api):
    sources, _ = api

    report = sync(db, sources, "api", TOKEN, dry_run=True)

    assert report.inserted["invoices"] == 3
    assert originals(db) == []
    assert erp.calls("/files/INV-1.pdf") == []


def test_a_csv_drop_brings_its_pdfs(db, example_dir):
    (example_dir / "pdf").mkdir()
    (example_dir / "pdf" / "RE-2026-0101.pdf").write_bytes(pdf("RE-2026-0101"))
    sources = example_dir / "sources.toml"
    text = sources.read_text().replace(
        'mapping = "mapping.toml"', 'mapping = "mapping.toml"\ndocuments = "pdf/{number}.pdf"', 1
    )
    sources.write_text(text)

    report = sync(db, sources, "example")

    assert report.documents == {"stored": 1, "unchanged": 0}
    [(_, document)] = originals(db)
    assert document.content == pdf("RE-2026-0101")


def test_originals_come_too_when_a_second_process_reads(db, example_dir, monkeypatch):
    from connectors.sync import engine

    monkeypatch.setattr(engine, "PARALLEL_READ_BYTES", 0)
    test_a_csv_drop_brings_its_pdfs(db, example_dir)
