"""Business Central API v2.0 preset against a local server replaying its wire format: customers,
salesInvoices with salesInvoiceLines, salesCreditMemos, customerPayments, @odata.nextLink paging,
pdfDocument, OAuth2 client credentials and OData error bodies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.config import load_source
from connectors.registry import open_connector
from connectors.sync.engine import SyncFailed
from tests.connectors.conftest import invoice, nothing_changed, snapshot, sync, write_sources
from tests.connectors.fake_erp import Reply

BC_COMPANY = "/v2.0/contoso/production/api/v2.0/companies(c0ffee00-0000-0000-0000-000000000001)"


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
                "taxPercent": 25,
                "amountExcludingTax": Decimal(total) / Decimal("1.25"),
                "totalTaxAmount": Decimal(total) - Decimal(total) / Decimal("1.25"),
            }
        ],
    }


@pytest.fixture
def bc(erp, tmp_path):
    customers = {
        "@odata.context": "…/$metadata#companies(…)/customers",
        "value": [
            {
                "id": "0c3a1d5e-0000-0000-0000-000000010000",
                "number": "10000",
                "displayName": "Adatum Corporation",
                "email": "robert.townes@contoso.com",
                "currencyCode": "",
                "blocked": " ",
                "lastModifiedDateTime": "2026-09-01T08:00:00Z",
            },
            {
                "id": "0c3a1d5e-0000-0000-0000-000000020000",
                "number": "20000",
                "displayName": "Trey Research",
                "email": "",
                "currencyCode": "EUR",
                "blocked": "All",
                "lastModifiedDateTime": "2026-09-01T08:00:00Z",
            },
        ],
    }
    page_two = f"{erp.url}{BC_COMPANY}/salesInvoices?$expand=salesInvoiceLines&$skiptoken=103001"

    def invoices(request):
        if request.query.get("$skiptoken") == "103001":
            return {"value": [bc_invoice("103002", "500.00", "0.00", "Paid")]}
        return {
            "value": [bc_invoice("103001", "1250.00", "250.00")],
            "@odata.nextLink": page_two,
        }

    credit = bc_invoice("104001", "125.00", "-125.00")
    credit["creditMemoDate"] = credit.pop("invoiceDate")
    credit["salesCreditMemoLines"] = credit.pop("salesInvoiceLines")
    payments = {
        "value": [
            {
                "id": "b7e2",
                "journalDisplayName": "CASHRCPT",
                "lineNumber": 10000,
                "customerNumber": "10000",
                "postingDate": "2026-10-10",
                "documentNumber": "G02001",
                "amount": Decimal("-1000.00"),
                "lastModifiedDateTime": "2026-10-10T12:00:00Z",
            }
        ]
    }

    def token(request):
        assert (
            "scope=https%3A%2F%2Fapi.businesscentral.dynamics.com%2F.default"
            in request.body.decode()
        )
        return {"token_type": "Bearer", "expires_in": 3599, "access_token": "eyJ0eXAi"}

    erp.route("POST", "/contoso/oauth2/v2.0/token", token)
    erp.route("GET", f"{BC_COMPANY}/customers", customers)
    erp.route("GET", f"{BC_COMPANY}/salesInvoices", invoices)
    erp.route("GET", f"{BC_COMPANY}/salesCreditMemos", {"value": [credit]})
    erp.route("GET", f"{BC_COMPANY}/customerPayments", payments)
    erp.route(
        "GET",
        f"{BC_COMPANY}/salesInvoices(5d115c9c-44e3-ea11-bb43-000000003001)/pdfDocument/pdfDocumentContent",
        Reply(200, b"%PDF-1.7 original", content_type="application/pdf"),
    )
    erp.route(  # credit memos keep their PDF under their own entity
        "GET",
        f"{BC_COMPANY}/salesCreditMemos(5d115c9c-44e3-ea11-bb43-000000004001)/pdfDocument/pdfDocumentContent",
        Reply(200, b"%PDF-1.7 credit memo", content_type="application/pdf"),
    )
    return write_sources(
        tmp_path,
        f"""
[sources.bc]
kind = "bc365"
tenant = "contoso"
environment = "production"
company_id = "c0ffee00-0000-0000-0000-000000000001"
currency = "GBP"
base_url = "{erp.url}{BC_COMPANY}"
http_backoff_s = 0
[sources.bc.auth]
token_url = "{erp.url}/contoso/oauth2/v2.0/token"
client_id = "app"
client_secret_env = "BC_SECRET"
""",
    )


BC_ENV = {"BC_SECRET": "s3cret"}


def test_business_central(db, erp, bc):
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
    assert nothing_changed(sync(db, bc, "bc", BC_ENV))
    since = erp.calls(f"{BC_COMPANY}/salesInvoices")[-2].query["$filter"]  # the first page
    assert since == "lastModifiedDateTime gt 2026-10-01T09:20:12Z"


def test_business_central_original_pdf(erp, bc):
    with open_connector(load_source(bc, "bc", BC_ENV)) as connector:
        record = next(r for r in connector.invoices(None) if r.number == "103001")
        assert connector.document(record) == b"%PDF-1.7 original"


def test_business_central_refuses_with_its_error_code(db, erp, bc):
    erp.fail_next(
        f"{BC_COMPANY}/customers",
        Reply(401, {"error": {"code": "Authentication_InvalidCredentials", "message": "…"}}),
        2,
    )

    with pytest.raises(SyncFailed, match="Authentication_InvalidCredentials"):
        sync(db, bc, "bc", BC_ENV)

    assert snapshot(db)["accounts"] == []
