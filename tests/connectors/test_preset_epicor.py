"""Epicor Kinetic REST v2 preset against a local server: CustomerSvc, ARInvoiceSvc with InvcDtls,
CashRecSvc, $top/$skip paging, the X-API-Key header."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.connectors.conftest import invoice, nothing_changed, sync, write_sources


@pytest.fixture
def epicor(erp, tmp_path):
    base = "/ERP11/api/v2/odata/EPIC06"
    customers = [
        {
            "Company": "EPIC06",
            "CustNum": 1,
            "CustID": "ADDISON",
            "Name": "Addison, Inc.",
            "CurrencyCode": "USD",
            "EMailAddress": "ap@addison.example",
        },
        {
            "Company": "EPIC06",
            "CustNum": 2,
            "CustID": "DALTON",
            "Name": "Dalton Manufacturing",
            "CurrencyCode": "USD",
            "EMailAddress": "",
        },
    ]

    def page(rows):
        def handler(request):
            assert request.headers["x-api-key"] == "key-123"
            skip, top = int(request.query.get("$skip", 0)), int(request.query["$top"])
            return {"@odata.context": "…", "value": rows[skip : skip + top]}

        return handler

    invoices = [
        {
            "Company": "EPIC06",
            "InvoiceNum": 100 + n,
            "InvoiceType": "SHP",
            "CreditMemo": False,
            "CustNum": 1,
            "InvoiceDate": f"2026-09-0{n + 1}T00:00:00",
            "DueDate": f"2026-10-0{n + 1}T00:00:00",
            "CurrencyCode": "USD",
            "DocInvoiceAmt": Decimal("100.00") * (n + 1),
            "DocInvoiceBal": Decimal("100.00"),
            "OpenInvoice": True,
            "PONum": "",
            "Posted": True,
            "InvcDtls": [
                {
                    "InvoiceNum": 100 + n,
                    "InvoiceLine": 1,
                    "PartNum": "DSK-100",
                    "LineDesc": "Desk",
                    "SellingShipQty": n + 1,
                    "DocUnitPrice": Decimal("100.00"),
                    "DocExtPrice": Decimal("100.00") * (n + 1),
                }
            ],
        }
        for n in range(3)
    ]
    invoices.append(
        {
            "Company": "EPIC06",
            "InvoiceNum": 200,
            "CreditMemo": True,
            "CustNum": 1,
            "InvoiceDate": "2026-09-10T00:00:00",
            "DueDate": None,
            "CurrencyCode": "USD",
            "DocInvoiceAmt": Decimal("-40.00"),
            "DocInvoiceBal": Decimal("-40.00"),
            "Posted": True,
            "InvcDtls": [],
        }
    )
    cash = [
        {
            "Company": "EPIC06",
            "GroupID": "CR0915",
            "HeadNum": 7,
            "CustNum": 1,
            "TranDate": "2026-09-15T00:00:00",
            "CurrencyCode": "USD",
            "DocTranAmt": Decimal("100.00"),
            "CheckRef": "CHK 5521",
            "Posted": True,
        }
    ]
    erp.route("GET", f"{base}/Erp.BO.CustomerSvc/Customers", page(customers))
    erp.route("GET", f"{base}/Erp.BO.ARInvoiceSvc/ARInvoices", page(invoices))
    erp.route("GET", f"{base}/Erp.BO.CashRecSvc/CashHeads", page(cash))
    return write_sources(
        tmp_path,
        f"""
[sources.kinetic]
kind = "epicor"
server = "{erp.url}/ERP11"
company = "EPIC06"
paging = {{ limit = 2 }}
http_backoff_s = 0
[sources.kinetic.auth]
username = "ardesk"
password_env = "KINETIC_PASSWORD"
api_key_env = "KINETIC_API_KEY"
""",
    )


def test_epicor_kinetic(db, erp, epicor):
    environ = {"KINETIC_PASSWORD": "pw", "KINETIC_API_KEY": "key-123"}

    report = sync(db, epicor, "kinetic", environ)

    assert report.rejected == []
    assert report.inserted == {
        "accounts": 2,
        "contacts": 1,
        "invoices": 4,
        "lines": 3,
        "payments": 1,
    }
    third = invoice(db, "102")
    assert (third.total, third.balance, third.status) == (
        Decimal("300"),
        Decimal("100"),
        "partially_paid",
    )
    credit = invoice(db, "200")
    assert credit.kind == "credit_note" and credit.total == Decimal("-40")
    assert [
        r.query["$skip"]
        for r in erp.calls("/ERP11/api/v2/odata/EPIC06/Erp.BO.ARInvoiceSvc/ARInvoices")
    ] == ["0", "2", "4"]
    assert nothing_changed(sync(db, epicor, "kinetic", environ))
