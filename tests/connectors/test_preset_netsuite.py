"""NetSuite preset against a local server replaying SuiteQL: POSTed queries with Prefer: transient,
limit/offset paging until hasMore is false, and NetSuite's error body."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from connectors.sync.engine import SyncFailed
from core.documents.eligibility import Missing
from core.models import Account
from tests.connectors.conftest import einvoice_gaps, invoice, sync, write_sources
from tests.connectors.fake_erp import Reply

# The columns of the SuiteQL tables the preset reads (Records Catalog), by the aliases its
# queries give them: a column NetSuite does not have is refused, as the real server does.
COLUMNS = {
    "c": {"id", "entityid", "companyname", "email", "currency", "vatregnumber", "terms",
          "defaultbillingaddress", "lastmodifieddate"},
    "ea": {"nkey", "addr1", "addr2", "addr3", "addressee", "city", "state", "zip", "country"},
    "cur": {"id", "symbol"},
    "t": {"id", "tranid", "type", "entity", "trandate", "duedate", "currency", "foreigntotal",
          "foreignamountremaining", "otherrefnum", "voided", "terms", "memo",
          "lastmodifieddate"},
    "tl": {"transaction", "linesequencenumber", "item", "memo", "quantity", "rate",
           "foreignamount", "mainline", "taxline", "taxcode", "taxrate1"},
}  # fmt: skip
COLUMNS["x"] = COLUMNS["tl"]


def unknown_column(query: str) -> str | None:
    for alias, column in re.findall(r"\b([a-z]+)\.([a-z0-9_]+)\b", query):
        if alias in COLUMNS and column not in COLUMNS[alias]:
            return f"Search error occurred: Field '{column}' was not found."
    return None


def netsuite_error(detail: str) -> dict:
    return {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
        "title": "Bad Request",
        "status": 400,
        "o:errorDetails": [{"detail": detail, "o:errorCode": "INVALID_PARAMETER"}],
    }


@pytest.fixture
def netsuite(erp, tmp_path):
    path = "/services/rest/query/v1/suiteql"

    def suiteql(request):
        query = request.json()["q"]
        # NetSuite refuses a query POST without Prefer: transient or a token; the stricter fake
        # also refuses offset paging without an ORDER BY (pages could overlap or miss rows).
        for wrong, refused in (
            (request.headers.get("prefer") != "transient", "Prefer: transient header required"),
            (not request.headers.get("authorization", "").startswith("Bearer "), "Unauthorized"),
            ("ORDER BY" not in query, "Paging requires ORDER BY"),
            (int(request.query.get("limit", 1000)) > 1000, "limit must be at most 1000"),
            (bool(unknown_column(query)), unknown_column(query)),
        ):
            if wrong:
                return Reply(400, netsuite_error(refused))
        offset = int(request.query["offset"])
        if "FROM customer" in query:
            items = [
                {
                    "links": [],
                    "id": "1201",
                    "entityid": "CUST-1201",
                    "companyname": "Wolfe Electronics",
                    "email": "billing@wolfe.example",
                    "currency": "USD",
                    "vatregnumber": "GB123456789",
                    "terms": "Net 30",
                    "addr1": "2 Harbour Road",
                    "addr2": None,
                    "zip": "BS1 5TY",
                    "city": "Bristol",
                    "state": None,
                    "country": "GB",
                    "lastmodified": "2026-09-30 10:00:00",
                }
            ]
        elif "FROM transactionline tl" in query:
            items = (
                []
                if "CustCred" in query
                else [
                    {
                        "links": [],
                        "transaction": "9001",
                        "linesequencenumber": "1",
                        "item": "Widget",
                        "memo": "Widgets, blue",
                        "quantity": "3",
                        "rate": "25.00",
                        "amount": "75.00",
                        "taxcode": "S-GB",
                        "taxrate": "20",
                    }
                ]
            )
        elif "'CustPymt'" in query:
            items = [
                {
                    "links": [],
                    "id": "9100",
                    "tranid": "PYMT-3",
                    "entity": "1201",
                    "trandate": "2026-10-05",
                    "currency": "USD",
                    "foreigntotal": "75.00",
                    "lastmodified": "2026-10-05 08:00:00",
                }
            ]
        elif "'CustCred'" in query:
            items = [
                {
                    "links": [],
                    "id": "9050",
                    "tranid": "CM-12",
                    "entity": "1201",
                    "trandate": "2026-10-02",
                    "duedate": None,
                    "currency": "USD",
                    "foreigntotal": "10.00",
                    "foreignamountremaining": "10.00",
                    "voided": "F",
                    "lastmodified": "2026-10-02 08:00:00",
                }
            ]
        else:
            invoices = [
                {
                    "links": [],
                    "id": str(9001 + n),
                    "tranid": f"INV-{n}",
                    "type": "CustInvc",
                    "entity": "1201",
                    "trandate": "2026-10-01",
                    "duedate": "2026-10-31",
                    "currency": "USD",
                    "foreigntotal": "90.00",
                    "foreignamountremaining": "0" if n == 0 else "90.00",
                    "otherrefnum": None,
                    "voided": "F",
                    "terms": "Net 30",
                    "taxtotal": "15.00",
                    "lastmodified": "2026-10-01 09:00:00",
                }
                for n in range(3)
            ]
            page = invoices[offset : offset + 2]
            return {
                "links": [],
                "count": len(page),
                "hasMore": offset + 2 < 3,
                "items": page,
                "offset": offset,
                "totalResults": 3,
            }
        return {
            "links": [],
            "count": len(items),
            "hasMore": False,
            "items": items,
            "offset": 0,
            "totalResults": len(items),
        }

    erp.route("POST", path, suiteql)
    return write_sources(
        tmp_path,
        f"""
[sources.ns]
kind = "netsuite"
account_id = "1234567_SB1"
base_url = "{erp.url}/services/rest"
paging = {{ limit = 2 }}
http_backoff_s = 0
auth = {{ token_env = "NS_TOKEN" }}
""",
    )


def test_netsuite(db, erp, netsuite):
    report = sync(db, netsuite, "ns", {"NS_TOKEN": "tok"})

    assert report.rejected == []
    assert report.inserted == {
        "accounts": 1,
        "contacts": 1,
        "invoices": 4,
        "lines": 1,
        "payments": 1,
    }
    assert invoice(db, "INV-0").status == "paid" and invoice(db, "INV-1").status == "open"
    assert invoice(db, "CM-12").total == Decimal("-10")
    assert (
        len(
            [
                r
                for r in erp.requests
                if "'CustInvc'" in r.json()["q"] and "FROM transactionline tl" not in r.json()["q"]
            ]
        )
        == 2
    )
    assert "TO_DATE('1900-01-01 00:00:00'" in erp.requests[0].json()["q"]


def test_netsuite_error_body(db, erp, netsuite):
    body = {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2",
        "title": "Unauthorized",
        "status": 401,
        "o:errorDetails": [{"detail": "Invalid login attempt.", "o:errorCode": "INVALID_LOGIN"}],
    }
    erp.fail_next("/services/rest/query/v1/suiteql", Reply(401, body), 10)

    with pytest.raises(SyncFailed, match=r"HTTP 401 \(INVALID_LOGIN\)"):
        sync(db, netsuite, "ns", {"NS_TOKEN": "tok"})


def test_suiteql_without_transient_is_refused_in_netsuites_shape(db, erp, netsuite, tmp_path):
    text = netsuite.read_text().replace("[sources.ns]", '[sources.ns]\nheaders = { Prefer = "" }')
    netsuite.write_text(text)

    with pytest.raises(SyncFailed, match=r"HTTP 400 \(INVALID_PARAMETER\)"):
        sync(db, netsuite, "ns", {"NS_TOKEN": "tok"})


def test_what_an_einvoice_needs_comes_from_netsuite(db, erp, netsuite):
    """The default billing address and VAT number of the customer, terms by name, the tax of
    the document's tax lines, each line's tax code and rate: a Factur-X can be built."""
    text = netsuite.read_text().replace(
        "[sources.ns]", '[sources.ns]\nlegal_entity = "UK01"\ntax_categories = { S-GB = "S" }'
    )
    netsuite.write_text(text)

    report = sync(db, netsuite, "ns", {"NS_TOKEN": "tok"})

    assert report.rejected == []
    first = invoice(db, "INV-0")
    assert (first.subtotal, first.tax, first.payment_terms, first.legal_entity) == (
        Decimal("75"),
        Decimal("15"),
        "Net 30",
        "UK01",
    )
    assert [(x.tax_category, x.tax_rate) for x in first.lines] == [("S", Decimal(20))]
    with db.admin_session() as s:
        wolfe = s.scalars(select(Account)).one()
        assert (wolfe.tax_id, wolfe.address_line1, wolfe.postal_code, wolfe.country_code) == (
            "GB123456789",
            "2 Harbour Road",
            "BS1 5TY",
            "GB",
        )
    [customers] = [r.json()["q"] for r in erp.requests if "FROM customer" in r.json()["q"]][:1]
    assert "LEFT JOIN entityaddress ea ON ea.nkey = c.defaultbillingaddress" in customers
    assert einvoice_gaps(db, "INV-0") == ()
    # An invoice without lines of its own has nothing to build an e-invoice from.
    assert einvoice_gaps(db, "INV-1") == (Missing.lines,)


def test_suiteql_refuses_a_column_netsuite_does_not_have(db, erp, netsuite):
    text = netsuite.read_text().replace(
        "[sources.ns]",
        '[sources.ns]\nendpoints = { payments = { path = "query/v1/suiteql", method = "POST", '
        'body = { q = "SELECT t.id, t.paymentdate FROM transaction t ORDER BY t.id" } } }',
    )
    netsuite.write_text(text)

    with pytest.raises(SyncFailed, match=r"HTTP 400 \(INVALID_PARAMETER\)"):
        sync(db, netsuite, "ns", {"NS_TOKEN": "tok"})
