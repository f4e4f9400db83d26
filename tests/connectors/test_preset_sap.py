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

BILLING = "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument"


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

    def document(number: str, kind: str, gross: str, cancelled: bool, items: list) -> dict:
        return {
            "__metadata": {"type": "API_BILLING_DOCUMENT_SRV.A_BillingDocumentType"},
            "BillingDocument": number,
            "SDDocumentCategory": "M" if kind == "F2" else "O",
            "BillingDocumentType": kind,
            "BillingDocumentDate": "/Date(1790812800000)/",
            "LastChangeDateTime": "/Date(1790841600000+0000)/",
            "PayerParty": "17100001",
            "SoldToParty": "17100001",
            "TransactionCurrency": "USD",
            "TotalNetAmount": gross,
            "TotalGrossAmount": gross,
            "BillingDocumentIsCancelled": cancelled,
            "PurchaseOrderByCustomer": "PO 4500000017",
            "to_Item": {"results": items},
        }

    def billing(request):
        if request.query.get("$skiptoken") == "2":
            return {"d": {"results": [document("90000003", "F2", "10.00", True, [])]}}
        return {
            "d": {
                "results": [
                    document(
                        "90000001", "F2", "200.00", False, [item("10", "Trad. Good 11", "200.00")]
                    ),
                    document("90000002", "G2", "50.00", False, [item("10", "Return", "50.00")]),
                ],
                "__next": f"{erp.url}{BILLING}?$skiptoken=2",
            }
        }

    def pdf(_request):
        encoded = base64.b64encode(b"%PDF-1.4 sap").decode()
        return {"d": {"GetPDF": {"__metadata": {}, "BillingDocumentBinary": encoded}}}

    erp.route("GET", f"{base}/API_BUSINESS_PARTNER/A_Customer", customers)
    erp.route("GET", f"{base}/API_BILLING_DOCUMENT_SRV/A_BillingDocument", billing)
    erp.route("GET", f"{base}/API_BILLING_DOCUMENT_SRV/GetPDF", pdf)
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
    first = invoice(db, "90000001")
    assert (str(first.issue_date), str(first.due_date), first.total, first.po_number) == (
        "2026-10-01",
        "2026-10-15",
        Decimal("200"),
        "PO 4500000017",
    )
    assert invoice(db, "90000002").kind == "credit_note"
    assert invoice(db, "90000003").status == "void"
    assert nothing_changed(sync(db, sap, "s4", environ))
    with open_connector(load_source(sap, "s4", environ)) as connector:
        record = next(iter(connector.invoices(None)))
        assert connector.document(record) == b"%PDF-1.4 sap"


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
