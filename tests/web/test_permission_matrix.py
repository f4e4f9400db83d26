"""The role matrix on every portal surface, from one table (``core.permissions``): for each
surface, a role with exactly what it needs gets in, and a role lacking any one of those
permissions is refused (or, inside a page, shown nothing of it)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from core.models import Contact, Document, DocumentKind, Role, RolePermission
from core.permissions import REQUIRED, Surface
from tests.web.conftest import World, csrf_token, https_client, open_portal

PERIOD = "from=2026-01-01&to=2026-03-31"
# Surfaces that live inside a page need that page too (a dispute form sits on the invoice page).
CONTEXT: dict[Surface, frozenset[str]] = {
    Surface.payment_facts: frozenset({"view_invoices"}),
    Surface.dispute_form: frozenset({"view_invoices"}),
}


def _status(client: FlaskClient, url: str) -> bool:
    status = client.get(url).status_code
    assert status in (200, 403), f"{url}: {status}"
    return status == 200


def _erp_original(app: Flask, world: World) -> None:
    original = b"%PDF-1.4\n% the ERP's own bytes\n%%EOF\n"
    with app.extensions["ardesk.db"].admin_session() as s:
        s.add(
            Document(
                account_id=world.alice, invoice_id=world.invoices["A-100"],
                kind=DocumentKind.erp_original, sha256=hashlib.sha256(original).hexdigest(),
                verification_code="ERPO-RIGI-NAL1", filename="A-100.pdf", size=len(original),
                content=original,
            )
        )  # fmt: skip


def _dispute(client: FlaskClient, world: World) -> bool:
    invoice_id = world.invoices["A-100"]
    page = client.get(f"/invoices/{invoice_id}")
    token = csrf_token(page.text) if page.status_code == 200 else ""
    posted = client.post(
        f"/invoices/{invoice_id}/dispute", data={"csrf_token": token, "comment": "Wrong price"}
    )
    assert posted.status_code in (303, 403)
    return posted.status_code == 303


def _einvoice(client: FlaskClient, world: World) -> bool:
    """A role that may get e-invoice files gets the file or, for an invoice that lacks what the
    format needs, the page saying what is missing (409); one that may not is refused (403)."""
    status = client.get(f"/invoices/{world.invoices['A-100']}/e-invoice/ubl").status_code
    assert status in (200, 403, 409)
    return status != 403


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def _copy_lists_payments(client: FlaskClient, world: World) -> bool:
    """A-101's copy lists the payment applied to it, A-PAY, with its reference."""
    response = client.get(f"/invoices/{world.invoices['A-101']}/pdf")
    assert response.status_code in (200, 403)
    return response.status_code == 200 and "A-PAY" in _pdf_text(response)


PROBES: dict[Surface, Callable[[Flask, FlaskClient, World], bool]] = {
    Surface.overview: lambda app, c, w: "A-101" in c.get("/").text,
    Surface.aging: lambda app, c, w: "<svg" in c.get("/").text,
    Surface.invoice_list: lambda app, c, w: _status(c, "/invoices"),
    Surface.invoice_page: lambda app, c, w: _status(c, f"/invoices/{w.invoices['A-100']}"),
    Surface.invoice_pdf: lambda app, c, w: _status(c, f"/invoices/{w.invoices['A-100']}/pdf"),
    Surface.erp_original: lambda app, c, w: (
        _erp_original(app, w) or _status(c, f"/invoices/{w.invoices['A-100']}/pdf")
    ),
    Surface.list_export: lambda app, c, w: (
        _status(c, "/invoices/export.csv") and _status(c, "/invoices/export.xlsx")
    ),
    Surface.statement_page: lambda app, c, w: _status(c, f"/statements?{PERIOD}"),
    Surface.statement_pdf: lambda app, c, w: _status(c, f"/statements/pdf?{PERIOD}"),
    Surface.statement_payment_references: lambda app, c, w: (
        "A-PAY" in c.get(f"/statements?{PERIOD}").text
    ),
    Surface.copy_payments: lambda app, c, w: _copy_lists_payments(c, w),
    Surface.payments_page: lambda app, c, w: _status(c, "/payments"),
    Surface.payment_facts: lambda app, c, w: (
        "A-PAY" in c.get(f"/invoices/{w.invoices['A-101']}").text
    ),
    Surface.dispute_form: lambda app, c, w: _dispute(c, w),
    Surface.einvoice_file: lambda app, c, w: _einvoice(c, w),
}
PORTAL_SURFACES = list(Surface)


def _with_role(app: Flask, world: World, permissions: frozenset[str]) -> FlaskClient:
    """A browser signed in as Alice's AP contact, whose role holds exactly ``permissions``."""
    with app.extensions["ardesk.db"].admin_session() as s:
        if s.get(Role, "probe") is None:
            s.add(Role(name="probe", description="test role"))
            s.flush()
        s.execute(delete(RolePermission).where(RolePermission.role == "probe"))
        s.add_all(RolePermission(role="probe", permission=p) for p in sorted(permissions))
        s.get(Contact, world.alice_contact).role = "probe"
    browser = https_client(app)
    open_portal(app, browser, world.alice_contact)
    return browser


def test_every_surface_is_probed():
    assert set(PROBES) == set(PORTAL_SURFACES)


@pytest.mark.parametrize("surface", PORTAL_SURFACES, ids=str)
def test_a_role_with_exactly_what_a_surface_needs_gets_in(app, world, surface):
    browser = _with_role(app, world, REQUIRED[surface] | CONTEXT.get(surface, frozenset()))
    assert PROBES[surface](app, browser, world)


@pytest.mark.parametrize(
    ("surface", "withheld"),
    [(s, p) for s in PORTAL_SURFACES for p in sorted(REQUIRED[s])],
    ids=lambda v: str(v),
)
def test_a_role_lacking_one_permission_of_a_surface_is_kept_out(app, world, surface, withheld):
    everything = frozenset(p for needed in REQUIRED.values() for p in needed)
    browser = _with_role(app, world, everything - {withheld})
    assert not PROBES[surface](app, browser, world)


def test_an_account_manager_cannot_export_the_invoice_list(app, client, world):
    """The defect as found: no ``download_documents``, yet the whole list came out as CSV."""
    open_portal(app, client, world.manager)
    assert client.get("/invoices").status_code == 200
    assert client.get("/invoices/export.csv").status_code == 403
    assert client.get("/invoices/export.xlsx").status_code == 403


def test_an_account_manager_sees_statements_without_payment_references(app, client, world):
    open_portal(app, client, world.manager)
    page = client.get(f"/statements?{PERIOD}")
    assert page.status_code == 200 and "Closing balance" in page.text
    assert "A-PAY" not in page.text
    pdf = client.get(f"/statements/pdf?{PERIOD}")
    assert pdf.status_code == 200
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "A-100" in text and "A-PAY" not in text
    with app.extensions["ardesk.db"].admin_session() as s:
        assert s.scalar(select(Role.name).where(Role.name == "account_manager"))


def test_a_copy_and_its_factur_x_list_payments_only_for_a_role_that_may_view_them(db, world):
    """Found by editing the matrix: a role with ``download_documents`` but not ``view_payments``
    read the payer's references on an invoice copy (the statement already hid them)."""
    from datetime import date

    from core.models import Account, Invoice
    from mailers.brand import EXAMPLE_BRAND_FILE
    from tests.support import builders as b
    from tests.web.conftest import portal_settings
    from tests.web.test_documents import billed_invoice
    from web import create_app

    # A brand whose issuing entity has what Factur-X needs.
    app = create_app(portal_settings(db.settings, brand_file=EXAMPLE_BRAND_FILE))
    invoice_id = billed_invoice(db, world.alice, "A-400")
    with app.extensions["ardesk.db"].admin_session() as s:
        b.payment(
            s, s.get(Account, world.alice), "WIRE-4711", "50.00", received=date(2026, 4, 1),
            allocations={s.get(Invoice, invoice_id): "50.00"},
        )  # fmt: skip
    for permissions, listed in (
        ({"view_invoices", "download_documents", "view_payments"}, True),
        ({"view_invoices", "download_documents"}, False),
    ):
        browser = _with_role(app, world, frozenset(permissions))
        for url in (f"/invoices/{invoice_id}/pdf", f"/invoices/{invoice_id}/e-invoice/facturx"):
            response = browser.get(url)
            assert response.status_code == 200, url
            text = _pdf_text(response)
            assert "A-400" in text and ("WIRE-4711" in text) is listed, (url, permissions)
    app.extensions["ardesk.db"].dispose()
