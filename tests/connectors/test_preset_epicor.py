"""Epicor Kinetic REST v2 preset against a local server: CustomerSvc, ARInvoiceSvc with InvcDtls,
CashRecSvc, $top/$skip paging, the X-API-Key header."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.documents.eligibility import Missing
from core.models import Account
from tests.connectors.conftest import einvoice_gaps, invoice, nothing_changed, sync, write_sources
from tests.connectors.fake_erp import Request
from tests.connectors.odata import EntitySet, ODataRefusal

ARINVOICES = "/ERP11/api/v2/odata/EPIC06/Erp.BO.ARInvoiceSvc/ARInvoices"
ENVIRON = {"KINETIC_PASSWORD": "pw", "KINETIC_API_KEY": "key-123"}


def kinetic_error(refusal: ODataRefusal) -> dict:
    return {
        "HttpStatus": refusal.status,
        "ReasonPhrase": "REST API Exception",
        "ErrorMessage": str(refusal),
        "ErrorType": "Ice.Common.BusinessObjectException",
    }


KINETIC = {
    "headers": {"X-API-Key": "key-123"},
    "required": ["$orderby", "$top"],
    "error_body": kinetic_error,
}


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
            "Address1": "1200 Addison Road",
            "Address2": "",
            "City": "Chicago",
            "State": "IL",
            "Zip": "60613",
            "Country": "USA",
            "CountryNum": 1,
            "ResaleID": "36-4512789",
            "TermsCode": "N30",
        },
        {
            "Company": "EPIC06",
            "CustNum": 2,
            "CustID": "DALTON",
            "Name": "Dalton Manufacturing",
            "CurrencyCode": "USD",
            "EMailAddress": "",
            "Address1": "",
            "Address2": "",
            "City": "",
            "State": "",
            "Zip": "",
            "Country": "",
            "CountryNum": 0,
            "ResaleID": "",
            "TermsCode": "N30",
        },
    ]

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
            "ChangeDate": f"2026-09-0{n + 1}T00:00:00",
            "TermsCode": "N30",
            "InvcDtls": [
                {
                    "InvoiceNum": 100 + n,
                    "InvoiceLine": 1,
                    "PartNum": "DSK-100",
                    "LineDesc": "Desk",
                    "SellingShipQty": n + 1,
                    "DocUnitPrice": Decimal("100.00"),
                    "DocExtPrice": Decimal("100.00") * (n + 1),
                    "TaxCatID": "GOODS",
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
            "ChangeDate": "2026-09-10T00:00:00",
            "TermsCode": "N30",
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
            "ChangeDate": "2026-09-15T00:00:00",
        }
    ]
    countries = [
        {"Company": "EPIC06", "CountryNum": 1, "Description": "USA", "ISOCode": "US"},
        {"Company": "EPIC06", "CountryNum": 2, "Description": "Germany", "ISOCode": "DE"},
    ]
    unposted = {**invoices[0], "InvoiceNum": 300, "Posted": False, "DocInvoiceAmt": Decimal(9)}
    # Kinetic answers its own error body; the stricter fake wants the key, an order for every
    # page and knows only the fields the rows have.
    sets = {
        "Erp.BO.CustomerSvc/Customers": EntitySet(customers, **KINETIC),
        "Erp.BO.ARInvoiceSvc/ARInvoices": EntitySet(
            [*invoices, unposted], navigation=["InvcDtls"], **KINETIC
        ),
        "Erp.BO.CashRecSvc/CashHeads": EntitySet(cash, **KINETIC),
        "Erp.BO.CountrySvc/Countries": EntitySet(countries, **KINETIC),
    }
    for path, entity_set in sets.items():
        erp.route("GET", f"{base}/{path}", entity_set)
    erp.sets = sets
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
    report = sync(db, epicor, "kinetic", ENVIRON)

    assert report.rejected == []
    assert report.inserted == {
        "accounts": 2,
        "contacts": 1,
        "invoices": 4,  # not the unposted one
        "lines": 3,
        "payments": 1,
    }
    third = invoice(db, "102")
    assert (third.total, third.balance, third.status, third.payment_terms) == (
        Decimal("300"),
        Decimal("100"),
        "partially_paid",
        "N30",
    )
    credit = invoice(db, "200")
    assert credit.kind == "credit_note" and credit.total == Decimal("-40")
    pages = erp.sets["Erp.BO.ARInvoiceSvc/ARInvoices"].requests
    assert [(p["$skip"], p["$top"], p["$orderby"]) for p in pages] == [
        ("0", "2", "InvoiceNum"),
        ("2", "2", "InvoiceNum"),
        ("4", "2", "InvoiceNum"),
    ]
    assert pages[0]["$filter"] == "Posted eq true"

    assert nothing_changed(sync(db, epicor, "kinetic", ENVIRON))
    # The next run asks for what changed since the day of the newest change only.
    since = erp.sets["Erp.BO.ARInvoiceSvc/ARInvoices"].requests[-1]["$filter"]
    assert since == "Posted eq true and ChangeDate ge 2026-09-09T00:00:00Z"


def test_a_change_later_on_the_same_day_is_not_missed(db, erp, epicor):
    sync(db, epicor, "kinetic", ENVIRON)
    rows = erp.sets["Erp.BO.ARInvoiceSvc/ARInvoices"].rows
    credit = next(row for row in rows if row["InvoiceNum"] == 200)
    credit["DocInvoiceBal"] = Decimal("0.00")  # applied the same day: ChangeDate stays

    report = sync(db, epicor, "kinetic", ENVIRON)

    assert report.updated["invoices"] == 1
    assert invoice(db, "200").status == "paid"


def test_kinetic_refuses_paging_without_an_order_or_a_key(erp, epicor):
    invoices = erp.sets["Erp.BO.ARInvoiceSvc/ARInvoices"]
    with_key = {"x-api-key": "key-123"}
    unordered = invoices(Request("GET", ARINVOICES, {"$top": "2", "$skip": "2"}, with_key, b""))
    assert (unordered.status, unordered.body["ErrorType"]) == (
        400,
        "Ice.Common.BusinessObjectException",
    )
    keyless = invoices(Request("GET", ARINVOICES, {"$top": "2", "$orderby": "InvoiceNum"}, {}, b""))
    assert keyless.status == 401
    unknown = {"$top": "2", "$orderby": "InvoiceNum", "$filter": "ChangedOn ge 2026-01-01"}
    bad = invoices(Request("GET", ARINVOICES, unknown, with_key, b""))
    assert "Could not find a property named 'ChangedOn'" in bad.body["ErrorMessage"]


def test_what_an_einvoice_needs_comes_from_kinetic(db, erp, epicor):
    """The customer's address, ResaleID and country (by ISO code from the Country table), the
    invoice's terms and company, each line's tax category through the source's table. Kinetic
    keeps line tax rates in the invoice's tax records, which the preset does not read: an
    invoice with tax is not offered as an e-invoice, one without is."""
    categories = 'tax_categories = { GOODS = "S", EXPORT = "G" }\n[sources.kinetic.auth]'
    epicor.write_text(epicor.read_text().replace("[sources.kinetic.auth]", categories))
    erp.sets["Erp.BO.ARInvoiceSvc/ARInvoices"].rows[0]["InvcDtls"][0]["TaxCatID"] = "EXPORT"

    report = sync(db, epicor, "kinetic", ENVIRON)

    assert report.rejected == []
    with db.admin_session() as s:
        addison = s.scalars(select(Account).where(Account.erp_id == "1")).one()
        assert (addison.tax_id, addison.address_line1, addison.postal_code) == (
            "36-4512789",
            "1200 Addison Road",
            "60613",
        )
        assert (addison.city, addison.region, addison.country_code) == ("Chicago", "IL", "US")
    # The countries were asked for their ISO codes only, in key order, with the key.
    assert erp.sets["Erp.BO.CountrySvc/Countries"].requests[0] == (
        {"$orderby": "CountryNum", "$select": "CountryNum,ISOCode", "$skip": "0", "$top": "2"}
    )
    export = invoice(db, "100")
    assert (export.payment_terms, export.legal_entity) == ("N30", "EPIC06")
    assert export.lines[0].tax_category == "G"
    assert einvoice_gaps(db, "100") == ()  # an export: no tax, nothing missing
    # A standard-rated line needs its rate, which the tax records hold.
    assert invoice(db, "101").lines[0].tax_category == "S"
    assert einvoice_gaps(db, "101") == (Missing.tax_category,)
