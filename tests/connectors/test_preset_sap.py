"""SAP S/4HANA preset against a local server replaying OData v2: A_Customer, A_BillingDocument with
to_Item, /Date()/ values, __next paging, GetPDF and the error body of the SAP Gateway."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from connectors.config import load_source
from connectors.registry import open_connector
from connectors.sync.engine import SyncFailed
from tests.connectors.conftest import invoice, nothing_changed, snapshot, sync, write_sources
from tests.connectors.fake_erp import Reply
from tests.connectors.odata import EntitySet, ODataRefusal
from tests.connectors.pdfs import pdf_bytes

BILLING = "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument"
EARLIER = "1790812800000"  # changed at midnight, eight hours before the first
GET_PDF = "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/GetPDF"


@pytest.fixture
def sap(erp, tmp_path):
    base = "/sap/opu/odata/sap"

    def customers(request):
        assert request.headers["sap-client"] == "100"
        assert request.headers["authorization"].startswith("Basic ")
        return {
            "d": {
                "results": [
                    {
                        "__metadata": {"type": "API_BUSINESS_PARTNER.A_CustomerType"},
                        "Customer": "17100001",
                        "CustomerName": "Domestic US Customer 1",
                        "CustomerFullName": "Domestic US Customer 1",
                        "DeletionIndicator": False,
                    }
                ]
            }
        }

    def item(number: str, text: str, net: str) -> dict:
        return {
            "BillingDocument": "90000001",
            "BillingDocumentItem": number,
            "Material": "TG11",
            "BillingDocumentItemText": text,
            "BillingQuantity": "2",
            "BillingQuantityUnit": "PC",
            "NetAmount": net,
            "TaxAmount": "0.00",
            "TransactionCurrency": "USD",
        }

    def document(
        number: str, kind: str, gross: str, cancelled: bool, items: list, changed="1790841600000"
    ) -> dict:
        return {
            "__metadata": {"type": "API_BILLING_DOCUMENT_SRV.A_BillingDocumentType"},
            "BillingDocument": number,
            "SDDocumentCategory": "M" if kind == "F2" else "O",
            "BillingDocumentType": kind,
            "BillingDocumentDate": "/Date(1790812800000)/",
            "LastChangeDateTime": f"/Date({changed}+0000)/",
            "PayerParty": "17100001",
            "SoldToParty": "17100001",
            "TransactionCurrency": "USD",
            "TotalNetAmount": gross,
            "TotalGrossAmount": gross,
            "BillingDocumentIsCancelled": cancelled,
            "PurchaseOrderByCustomer": "PO 4500000017",
            "CustomerPaymentTerms": "0004",
            "CompanyCode": "1710",
            "to_Item": items,
        }

    billing = EntitySet(
        [
            document("90000001", "F2", "200.00", False, [item("10", "Trad. Good 11", "200.00")]),
            document("90000002", "G2", "50.00", False, [item("10", "Return", "50.00")], EARLIER),
            document("90000003", "F2", "10.00", True, [], EARLIER),
        ],
        navigation=["to_Item"],
        page_size=2,
        # The service needs the $format; ardesk must name the items it wants.
        required=["$format", "$expand"],
        v2=True,
        # The communication user's basic credentials and the client on every request.
        headers={
            "Authorization": "Basic " + base64.b64encode(b"COMM_USER:pw").decode(),
            "sap-client": "100",
        },
    )

    def pdf(request):
        key = request.query.get("BillingDocument", "")
        if not any(f"'{row['BillingDocument']}'" == key for row in billing.rows):
            return Reply(404, billing.error(ODataRefusal(404, f"Billing document {key} not found")))
        encoded = base64.b64encode(pdf_bytes(f"SAP {key}")).decode()
        return {"d": {"GetPDF": {"__metadata": {}, "BillingDocumentBinary": encoded}}}

    erp.route("GET", f"{base}/API_BUSINESS_PARTNER/A_Customer", customers)
    erp.route("GET", f"{base}/API_BILLING_DOCUMENT_SRV/A_BillingDocument", billing)
    erp.route("GET", f"{base}/API_BILLING_DOCUMENT_SRV/GetPDF", pdf)
    erp.billing = billing
    return write_sources(
        tmp_path,
        f"""
[sources.s4]
kind = "sap"
host = "{erp.url}"
currency = "USD"
payment_days = 14
http_backoff_s = 0
auth = {{ username = "COMM_USER", password_env = "S4_PASSWORD" }}
""",
    )


def test_sap_s4hana(db, erp, sap):
    environ = {"S4_PASSWORD": "pw"}

    report = sync(db, sap, "s4", environ)

    assert report.rejected == []
    assert report.inserted["invoices"] == 3 and report.inserted["lines"] == 2
    assert report.documents == {"stored": 3, "unchanged": 0}
    first = invoice(db, "90000001")
    assert (str(first.issue_date), str(first.due_date), first.total, first.po_number) == (
        "2026-10-01",
        "2026-10-15",
        Decimal("200"),
        "PO 4500000017",
    )
    assert (first.payment_terms, first.legal_entity) == ("0004", "1710")
    assert invoice(db, "90000002").kind == "credit_note"
    assert invoice(db, "90000003").status == "void"
    first_page, second_page = erp.billing.requests
    assert first_page == {"$format": "json", "$expand": "to_Item"}
    assert second_page == {"$format": "json", "$expand": "to_Item", "$skiptoken": "2"}
    # Each original asked for by its own key.
    assert sorted(r.query["BillingDocument"] for r in erp.calls(GET_PDF)) == [
        "'90000001'",
        "'90000002'",
        "'90000003'",
    ]

    assert nothing_changed(sync(db, sap, "s4", environ))
    assert erp.billing.requests[-1]["$filter"] == (
        "LastChangeDateTime gt datetimeoffset'2026-10-01T07:50:00Z'"
    )

    erp.billing.rows[0]["TotalGrossAmount"] = erp.billing.rows[0]["TotalNetAmount"] = "210.00"
    erp.billing.rows[0]["LastChangeDateTime"] = "/Date(1790928000000+0000)/"
    report = sync(db, sap, "s4", environ)

    # Only what changed came back: the server applied the filter ardesk sent.
    assert (report.updated["invoices"], report.unchanged["invoices"]) == (1, 0)
    assert invoice(db, "90000001").total == Decimal("210")


def test_sap_original_is_the_documents_own(erp, sap):
    with open_connector(load_source(sap, "s4", {"S4_PASSWORD": "pw"})) as connector:
        second = [r for r in connector.invoices(None)][1]
        assert connector.document(second).content == pdf_bytes("SAP '90000002'")


def test_sap_server_error_leaves_the_data(db, erp, sap):
    environ = {"S4_PASSWORD": "pw"}
    sync(db, sap, "s4", environ)
    before = snapshot(db)
    erp.fail_next(
        "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument",
        Reply(
            500,
            {"error": {"code": "/IWBEP/CM_MGW_RT/020", "message": {"lang": "en", "value": "…"}}},
        ),
        100,
    )

    with pytest.raises(SyncFailed, match="/IWBEP/CM_MGW_RT/020"):
        sync(db, sap, "s4", environ, full=True)

    assert snapshot(db) == before
