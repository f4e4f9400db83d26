"""SAP S/4HANA preset against a local server replaying OData v2: A_BusinessPartner with
to_Customer and its addresses, A_BillingDocument with to_Item and their pricing elements,
/Date()/ values, __next paging, GetPDF and the error body of the SAP Gateway."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from sqlalchemy import select

from connectors.config import load_source
from connectors.registry import open_connector
from connectors.sync.engine import SyncFailed
from core.models import Account
from tests.connectors.conftest import (
    einvoice_gaps,
    invoice,
    nothing_changed,
    snapshot,
    sync,
    write_sources,
)
from tests.connectors.fake_erp import Reply
from tests.connectors.odata import EntitySet, ODataRefusal
from tests.connectors.pdfs import pdf_bytes

BILLING = "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument"
EARLIER = "1790812800000"  # changed at midnight, eight hours before the first
GET_PDF = "/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/GetPDF"
# The communication user's basic credentials and the client on every request.
COMM_USER = {
    "Authorization": "Basic " + base64.b64encode(b"COMM_USER:pw").decode(),
    "sap-client": "100",
}


@pytest.fixture
def sap(erp, tmp_path):
    base = "/sap/opu/odata/sap"

    partners = EntitySet(
        [
            {
                "__metadata": {"type": "API_BUSINESS_PARTNER.A_BusinessPartnerType"},
                "BusinessPartner": "17100001",
                "Customer": "17100001",
                "Supplier": "",
                "BusinessPartnerCategory": "2",
                "BusinessPartnerFullName": "Domestic US Customer 1",
                "BusinessPartnerName": "Domestic US Customer 1",
                "to_Customer": {
                    "__metadata": {"type": "API_BUSINESS_PARTNER.A_CustomerType"},
                    "Customer": "17100001",
                    "CustomerName": "Domestic US Customer 1",
                    "CustomerFullName": "Domestic US Customer 1",
                    "DeletionIndicator": False,
                    "VATRegistration": "US123456789",
                },
                "to_BusinessPartnerAddress": [
                    {
                        "__metadata": {"type": "API_BUSINESS_PARTNER.A_BusinessPartnerAddressType"},
                        "BusinessPartner": "17100001",
                        "AddressID": "22860",
                        "StreetName": "Dunmore Avenue",
                        "HouseNumber": "3999",
                        "PostalCode": "94043",
                        "CityName": "Mountain View",
                        "Region": "CA",
                        "Country": "US",
                    }
                ],
            },
            {  # a supplier only: not a customer, never asked for
                "BusinessPartner": "17300001",
                "Customer": "",
                "Supplier": "17300001",
                "BusinessPartnerCategory": "2",
                "BusinessPartnerFullName": "Domestic US Supplier 1",
                "BusinessPartnerName": "Domestic US Supplier 1",
                "to_Customer": None,
                "to_BusinessPartnerAddress": [],
            },
        ],
        navigation=["to_Customer", "to_BusinessPartnerAddress"],
        # A listing of every business partner would bring suppliers and persons too.
        required=["$format", "$filter", "$expand"],
        v2=True,
        headers=COMM_USER,
    )

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
            "to_PricingElement": [
                {
                    "BillingDocument": "90000001",
                    "BillingDocumentItem": number,
                    "PricingProcedureStep": "10",
                    "PricingProcedureCounter": "1",
                    "ConditionType": "PPR0",
                    "ConditionCategory": "H",
                    "ConditionRateValue": "100.000000000",
                    "ConditionAmount": net,
                    "TaxCode": "",
                    "ConditionIsForStatistics": False,
                    "ConditionInactiveReason": "",
                },
                {
                    "BillingDocument": "90000001",
                    "BillingDocumentItem": number,
                    "PricingProcedureStep": "900",
                    "PricingProcedureCounter": "1",
                    "ConditionType": "TTX1",
                    "ConditionCategory": "D",
                    "ConditionRateValue": "0.000000000",
                    "ConditionAmount": "0.00",
                    "TaxCode": "O0",
                    "ConditionIsForStatistics": False,
                    "ConditionInactiveReason": "",
                },
            ],
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
        nested={"to_Item": ["to_PricingElement"]},
        page_size=2,
        # The service needs the $format; ardesk must name the items it wants.
        required=["$format", "$expand"],
        v2=True,
        headers=COMM_USER,
    )

    def pdf(request):
        key = request.query.get("BillingDocument", "")
        if not any(f"'{row['BillingDocument']}'" == key for row in billing.rows):
            return Reply(404, billing.error(ODataRefusal(404, f"Billing document {key} not found")))
        encoded = base64.b64encode(pdf_bytes(f"SAP {key}")).decode()
        return {"d": {"GetPDF": {"__metadata": {}, "BillingDocumentBinary": encoded}}}

    erp.route("GET", f"{base}/API_BUSINESS_PARTNER/A_BusinessPartner", partners)
    erp.route("GET", f"{base}/API_BILLING_DOCUMENT_SRV/A_BillingDocument", billing)
    erp.route("GET", f"{base}/API_BILLING_DOCUMENT_SRV/GetPDF", pdf)
    erp.billing, erp.partners = billing, partners
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
    expand = "to_Item,to_Item/to_PricingElement"
    assert first_page == {"$format": "json", "$expand": expand}
    assert second_page == {"$format": "json", "$expand": expand, "$skiptoken": "2"}
    assert erp.partners.requests[0] == {
        "$format": "json",
        "$filter": "Customer ne ''",
        "$expand": "to_Customer,to_BusinessPartnerAddress",
    }
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


def test_what_an_einvoice_needs_comes_from_s4hana(db, erp, sap):
    """The customer master's VAT number and the partner's address, the billing document's
    terms, company code and tax, each item's tax condition: a Factur-X can be built."""
    sap.write_text(sap.read_text() + 'tax_categories = { A1 = "S", O0 = "O" }\n')
    taxed = erp.billing.rows[0]
    taxed.update(TotalNetAmount="200.00", TaxAmount="38.00", TotalGrossAmount="238.00")
    [tax] = [e for e in taxed["to_Item"][0]["to_PricingElement"] if e["ConditionCategory"] == "D"]
    tax.update(ConditionType="MWST", ConditionRateValue="19.000000000", TaxCode="A1")
    taxed["to_Item"][0]["TaxAmount"] = "38.00"

    report = sync(db, sap, "s4", {"S4_PASSWORD": "pw"})

    assert report.rejected == []
    with db.admin_session() as s:
        customer = s.scalars(select(Account)).one()  # the supplier was never listed
        assert (customer.tax_id, customer.address_line1, customer.city) == (
            "US123456789",
            "Dunmore Avenue 3999",
            "Mountain View",
        )
        assert (customer.postal_code, customer.region, customer.country_code) == (
            "94043",
            "CA",
            "US",
        )
    first = invoice(db, "90000001")
    assert (first.tax, first.payment_terms, first.legal_entity) == (Decimal(38), "0004", "1710")
    assert [(x.tax_category, x.tax_rate, x.tax_amount) for x in first.lines] == [
        ("S", Decimal(19), Decimal(38))
    ]
    assert einvoice_gaps(db, "90000001") == ()
