"""Business Central API v2.0 preset against a local server replaying its wire format: customers,
salesInvoices with salesInvoiceLines, salesCreditMemos, customerPayments, @odata.nextLink paging,
pdfDocument, OAuth2 client credentials and OData error bodies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from connectors.config import load_source
from connectors.errors import SourceConfigError
from connectors.records import Original
from connectors.registry import open_connector
from connectors.sync.engine import SyncFailed
from connectors.sync.report import BalanceDifference
from core.documents.eligibility import Missing
from core.models import Account, Invoice, Payment
from tests.connectors.conftest import (
    einvoice_gaps,
    invoice,
    invoice_gone,
    nothing_changed,
    snapshot,
    sync,
    write_sources,
)
from tests.connectors.fake_erp import Reply, Request
from tests.connectors.odata import EntitySet, ODataRefusal
from tests.connectors.pdfs import pdf_bytes

BC_COMPANY = "/v2.0/contoso/production/api/v2.0/companies(c0ffee00-0000-0000-0000-000000000001)"
BC_REPORTS = (
    "/v2.0/contoso/production/api/microsoft/reports/v1.0"
    "/companies(c0ffee00-0000-0000-0000-000000000001)"
)


def bc_invoice(number: str, total: str, remaining: str, status: str = "Open") -> dict:
    return {
        "@odata.etag": 'W/"JzQ0OzE7Jw=="',
        "id": f"5d115c9c-44e3-ea11-bb43-00000000{number[-4:]}",
        "number": number,
        "externalDocumentNumber": "",
        "invoiceDate": "2026-10-01",
        "postingDate": "2026-10-01",
        "dueDate": "2026-10-31",
        "customerPurchaseOrderReference": "PO-77",
        "customerId": "0c3a1d5e-0000-0000-0000-000000010000",
        "customerNumber": "10000",
        "customerName": "Adatum Corporation",
        "currencyCode": "",
        "pricesIncludeTax": False,
        "totalAmountExcludingTax": Decimal(total) / Decimal("1.25"),
        "totalTaxAmount": Decimal(total) - Decimal(total) / Decimal("1.25"),
        "totalAmountIncludingTax": Decimal(total),
        "remainingAmount": Decimal(remaining),
        "status": status,
        "lastModifiedDateTime": "2026-10-01T09:30:12.47Z",
        "paymentTermsId": "b2c9e8d1-0000-0000-0000-000000000030",
        # A navigation property: in the answer only when $expand names it.
        "paymentTerm": {
            "id": "b2c9e8d1-0000-0000-0000-000000000030",
            "code": "30 DAYS",
            "displayName": "Net 30 days",
            "dueDateCalculation": "30D",
            "discountDateCalculation": "",
            "discountPercent": 0,
            "calculateDiscountOnCreditMemos": False,
            "lastModifiedDateTime": "2026-01-05T10:00:00Z",
        },
        "salesInvoiceLines": [
            {
                "id": "a1",
                "documentId": "x",
                "sequence": 10000,
                "lineType": "Item",
                "lineObjectNumber": "1896-S",
                "description": "ATHENS Desk",
                "quantity": 1,
                "unitPrice": Decimal(total) / Decimal("1.25"),
                "taxCode": "VAT25",
                "taxPercent": 25,
                "amountExcludingTax": Decimal(total) / Decimal("1.25"),
                "totalTaxAmount": Decimal(total) - Decimal(total) / Decimal("1.25"),
            }
        ],
    }


def bc_customers() -> list[dict]:
    return [
        {
            "id": "0c3a1d5e-0000-0000-0000-000000010000",
            "number": "10000",
            "displayName": "Adatum Corporation",
            "email": "robert.townes@contoso.com",
            "addressLine1": "192 Market Square",
            "addressLine2": "",
            "city": "Atlanta",
            "state": "GA",
            "country": "US",
            "postalCode": "31772",
            "taxRegistrationNumber": "US-58-1234567",
            "currencyCode": "",
            "blocked": " ",
            "balanceDue": Decimal("1125.00"),
            "lastModifiedDateTime": "2026-09-01T08:00:00Z",
        },
        {
            "id": "0c3a1d5e-0000-0000-0000-000000020000",
            "number": "20000",
            "displayName": "Trey Research",
            "email": "",
            "addressLine1": "153 Thomas Drive",
            "addressLine2": "",
            "city": "Chicago",
            "state": "IL",
            "country": "US",
            "postalCode": "61236",
            "taxRegistrationNumber": "",
            "currencyCode": "EUR",
            "blocked": "All",
            "balanceDue": Decimal("0"),
            "lastModifiedDateTime": "2026-09-01T08:00:00Z",
        },
    ]


def ledger_payment(entry: int, amount: str, modified: str = "2026-10-10T12:00:00Z") -> dict:
    """A customerLedgerEntry of the finance reports API: posted, so it is a payment received."""
    return {
        "entryNumber": entry,
        "documentType": "Payment",
        "description": "Payment 10000",
        "postingDate": "2026-10-10",
        "documentNumber": "G02001",
        "externalDocumentNumber": "",
        "customerNumber": "10000",
        "open": False,
        "currencyCode": "",
        "amount": Decimal(amount),
        "lastModifiedDateTime": modified,
    }


class BusinessCentral:
    """The entity sets of one company, as the tests change them between runs."""

    def __init__(self, erp) -> None:
        credit = bc_invoice("104001", "125.00", "-125.00")
        credit["creditMemoDate"] = credit.pop("invoiceDate")
        credit["salesCreditMemoLines"] = credit.pop("salesInvoiceLines")
        # Every entity set wants the token the fake identity platform handed out.
        bearer = {"headers": {"Authorization": "Bearer eyJ0eXAi"}}
        self.customers = EntitySet(bc_customers(), **bearer)
        self.invoices = EntitySet(
            [
                bc_invoice("103001", "1250.00", "250.00"),
                bc_invoice("103002", "500.00", "0.00", "Paid"),
                bc_invoice("103003", "80.00", "80.00", "Draft"),
                bc_invoice("103004", "90.00", "90.00", "In Review"),
            ],
            navigation=["salesInvoiceLines", "paymentTerm"],
            page_size=2,  # Business Central pages by itself and gives a next link
            **bearer,
        )
        self.credit_memos = EntitySet(
            [credit], navigation=["salesCreditMemoLines", "paymentTerm"], **bearer
        )
        invoice_entry = {**ledger_payment(1, "1250.00"), "documentType": "Invoice"}
        self.ledger = EntitySet(
            [ledger_payment(2, "-1000.00"), invoice_entry],
            # ardesk must ask for payments only: the ledger holds every posted document.
            required=["$filter"],
            **bearer,
        )
        erp.route("POST", "/contoso/oauth2/v2.0/token", self.token)
        erp.route("GET", f"{BC_COMPANY}/customers", self.customers)
        erp.route("GET", f"{BC_COMPANY}/salesInvoices", self.invoices)
        erp.route("GET", f"{BC_COMPANY}/salesCreditMemos", self.credit_memos)
        erp.route("GET", f"{BC_REPORTS}/customerLedgerEntries", self.ledger)
        erp.route(
            "GET",
            f"{BC_COMPANY}/salesInvoices(5d115c9c-44e3-ea11-bb43-000000003001)/pdfDocument/pdfDocumentContent",
            Reply(200, pdf_bytes("original"), content_type="application/pdf"),
        )
        erp.route(  # credit memos keep their PDF under their own entity
            "GET",
            f"{BC_COMPANY}/salesCreditMemos(5d115c9c-44e3-ea11-bb43-000000004001)/pdfDocument/pdfDocumentContent",
            Reply(200, pdf_bytes("credit memo"), content_type="application/pdf"),
        )

    @staticmethod
    def token(request):
        assert (
            "scope=https%3A%2F%2Fapi.businesscentral.dynamics.com%2F.default"
            in request.body.decode()
        )
        return {"token_type": "Bearer", "expires_in": 3599, "access_token": "eyJ0eXAi"}


@pytest.fixture
def company(erp) -> BusinessCentral:
    return BusinessCentral(erp)


@pytest.fixture
def bc(erp, company, tmp_path):
    return write_sources(
        tmp_path,
        f"""
[sources.bc]
kind = "bc365"
tenant = "contoso"
environment = "production"
company_id = "c0ffee00-0000-0000-0000-000000000001"
currency = "GBP"
api_root = "{erp.url}/v2.0/contoso/production"
http_backoff_s = 0
[sources.bc.auth]
token_url = "{erp.url}/contoso/oauth2/v2.0/token"
client_id = "app"
client_secret_env = "BC_SECRET"
""",
    )


BC_ENV = {"BC_SECRET": "s3cret"}


def test_business_central(db, erp, company, bc):
    report = sync(db, bc, "bc", BC_ENV)

    # 103002's PDF is not served: reported, and the sync goes on.
    [missing] = report.rejected
    assert (missing.record, missing.field) == ("documents", "document")
    assert "HTTP 404" in missing.reason
    assert report.documents == {"stored": 2, "unchanged": 0}
    assert report.inserted == {
        "accounts": 2,
        "contacts": 1,
        "invoices": 3,
        "lines": 3,
        "payments": 1,
    }
    first = invoice(db, "103001")
    assert (first.currency, first.total, first.balance, first.status, first.po_number) == (
        "GBP",
        Decimal("1250"),
        Decimal("250"),
        "partially_paid",
        "PO-77",
    )
    assert invoice(db, "103002").status == "paid"  # from the second page
    assert invoice(db, "104001").total == Decimal("-125")
    with db.admin_session() as s:
        adatum = s.scalars(select(Account).where(Account.erp_id == "10000")).one()
        assert (adatum.address_line1, adatum.city, adatum.region, adatum.postal_code) == (
            "192 Market Square",
            "Atlanta",
            "GA",
            "31772",
        )
        assert (adatum.country_code, adatum.tax_id) == ("US", "US-58-1234567")
        [payment] = s.scalars(select(Payment)).all()
        assert (payment.erp_id, payment.amount, payment.reference) == (
            "2",
            Decimal("1000"),
            "G02001",
        )
    # What was asked: lines expanded, the server's next link followed, payments only.
    first_page, second_page = company.invoices.requests
    assert first_page == {"$expand": "salesInvoiceLines,paymentTerm"}
    assert second_page == {"$expand": "salesInvoiceLines,paymentTerm", "$skiptoken": "2"}
    assert company.ledger.requests == [{"$filter": "documentType eq 'Payment'"}]

    assert nothing_changed(sync(db, bc, "bc", BC_ENV))
    since = company.invoices.requests[-2]["$filter"]  # the first page
    assert since == "lastModifiedDateTime gt 2026-10-01T09:20:12Z"
    assert company.ledger.requests[-1]["$filter"] == (
        "documentType eq 'Payment' and lastModifiedDateTime gt 2026-10-10T11:50:00Z"
    )


def test_drafts_and_invoices_in_review_are_not_invoices_yet(db, erp, company, bc):
    sync(db, bc, "bc", BC_ENV)

    with db.admin_session() as s:
        numbers = set(s.scalars(select(Invoice.number)))
    assert numbers == {"103001", "103002", "104001"}
    # One that was shown (as older versions did) and is back in review leaves the portal.
    company.invoices.rows[2] = bc_invoice("103003", "80.00", "80.00", "Open")
    company.invoices.rows[2]["lastModifiedDateTime"] = "2026-10-02T09:00:00Z"
    sync(db, bc, "bc", BC_ENV)
    assert invoice(db, "103003").status == "open"
    company.invoices.rows[2]["status"] = "In Review"
    company.invoices.rows[2]["lastModifiedDateTime"] = "2026-10-03T09:00:00Z"

    sync(db, bc, "bc", BC_ENV)

    assert invoice_gone(db, "103003")


def test_an_unknown_status_is_reported_not_guessed(db, erp, company, bc):
    company.invoices.rows[0]["status"] = "Sent to Collections"

    report = sync(db, bc, "bc", BC_ENV)

    assert [(r.row, r.field) for r in report.rejected if r.record == "invoices"] == [
        ("invoices 5d115c9c-44e3-ea11-bb43-000000003001", "status")
    ]


def test_a_payment_still_in_the_journal_is_not_a_payment(db, erp, company, bc):
    """customerPayments lists journal lines that may never be posted: the preset never asks."""
    sync(db, bc, "bc", BC_ENV)

    assert erp.calls(f"{BC_COMPANY}/customerPayments") == []
    assert [r.query for r in erp.calls(f"{BC_REPORTS}/customerLedgerEntries")] == [
        {"$filter": "documentType eq 'Payment'"}
    ]


def test_the_ledger_refuses_a_listing_of_every_document(company):
    refused = company.ledger.answer
    with pytest.raises(ODataRefusal, match=r"requires the \$filter"):
        refused(Request("GET", "/", {}, {}, b""))
    with pytest.raises(ODataRefusal, match="property named 'postedDate'"):
        refused(Request("GET", "/", {"$filter": "postedDate gt 2026-01-01T00:00:00Z"}, {}, b""))


def test_business_central_original_pdf(erp, bc):
    with open_connector(load_source(bc, "bc", BC_ENV)) as connector:
        record = next(r for r in connector.invoices(None) if r.number == "103001")
        original = connector.document(record)
        assert original == Original(pdf_bytes("original"), "application/pdf")


def test_business_central_refuses_with_its_error_code(db, erp, bc):
    erp.fail_next(
        f"{BC_COMPANY}/customers",
        Reply(401, {"error": {"code": "Authentication_InvalidCredentials", "message": "…"}}),
        2,
    )

    with pytest.raises(SyncFailed, match="Authentication_InvalidCredentials"):
        sync(db, bc, "bc", BC_ENV)

    assert snapshot(db)["accounts"] == []


def test_open_balances_are_reconciled_with_the_erps_own(db, erp, company, bc):
    company.customers.rows[0]["balanceDue"] = Decimal("125.00")  # 250 open, 125 credit

    report = sync(db, bc, "bc", BC_ENV)

    assert (report.reconciled, report.differences) == (2, [])
    # The ERP now also holds 1,000.00 received but not applied: ardesk's open items do not
    # show it, so the difference is reported for AR, not corrected.
    company.customers.rows[0].update(
        balanceDue=Decimal("-875.00"), lastModifiedDateTime="2026-10-12T08:00:00Z"
    )

    report = sync(db, bc, "bc", BC_ENV)

    assert report.differences == [
        BalanceDifference("10000", "GBP", Decimal("-875.0000"), Decimal("125.0000"))
    ]
    assert report.as_dict()["reconciliation"]["differences"] == [
        {"account": "10000", "currency": "GBP", "erp": "-875.0000", "ardesk": "125.0000"}
    ]


def test_what_an_einvoice_needs_comes_from_business_central(db, erp, company, bc):
    """Terms by name through the expanded paymentTerm, each line's taxCode as the category the
    source's table names, the company as the issuer: a Factur-X can be built."""
    text = bc.read_text().replace(
        "[sources.bc.auth]",
        'legal_entity = "GB01"\ntax_categories = { VAT25 = "S", VAT0 = "Z" }\n[sources.bc.auth]',
    )
    bc.write_text(text)

    sync(db, bc, "bc", BC_ENV)

    first = invoice(db, "103001")
    assert (first.payment_terms, first.legal_entity) == ("Net 30 days", "GB01")
    assert [(line.tax_category, line.tax_rate) for line in first.lines] == [("S", Decimal(25))]
    assert einvoice_gaps(db, "103001") == ()
    # A tax code the table does not name leaves the category empty: no e-invoice is offered.
    company.invoices.rows[0]["salesInvoiceLines"][0]["taxCode"] = "VAT-EXEMPT-X"
    company.invoices.rows[0]["lastModifiedDateTime"] = "2026-10-05T09:00:00Z"
    sync(db, bc, "bc", BC_ENV)
    assert invoice(db, "103001").lines[0].tax_category is None
    assert einvoice_gaps(db, "103001") == (Missing.tax_category,)


def test_a_credit_memo_is_stored_signed_as_a_credit_note_and_qualifies_for_an_einvoice(
    db, erp, company, bc
):
    """Business Central lists a credit memo's lines with positive amounts; ardesk stores a
    credit note's lines negative like its totals, so they add up to them and the e-invoice's
    totals check passes."""
    bc.write_text(
        bc.read_text().replace(
            "[sources.bc.auth]",
            'legal_entity = "GB01"\ntax_categories = { VAT25 = "S" }\n[sources.bc.auth]',
        )
    )

    sync(db, bc, "bc", BC_ENV)

    credit = invoice(db, "104001")
    assert (credit.kind, credit.total, credit.subtotal) == (
        "credit_note",
        Decimal(-125),
        Decimal(-100),
    )
    assert [
        (line.quantity, line.unit_price, line.net_amount, line.tax_amount) for line in credit.lines
    ] == [(Decimal(-1), Decimal(100), Decimal(-100), Decimal(-25))]
    assert einvoice_gaps(db, "104001") == ()  # Factur-X: the lines add up to the totals


def test_a_tax_category_that_is_not_untdid_5305_is_refused(erp, bc):
    bc.write_text(
        bc.read_text().replace(
            "[sources.bc.auth]", 'tax_categories = { VAT25 = "standard" }\n[sources.bc.auth]'
        )
    )

    with pytest.raises(SourceConfigError, match="'STANDARD' is no UNTDID 5305 tax category"):
        open_connector(load_source(bc, "bc", BC_ENV))
