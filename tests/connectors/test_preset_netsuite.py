"""NetSuite preset against a local server replaying SuiteQL: POSTed queries with Prefer: transient,
limit/offset paging until hasMore is false, and NetSuite's error body."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.sync.engine import SyncFailed
from tests.connectors.conftest import invoice, sync, write_sources
from tests.connectors.fake_erp import Reply


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
                    "lastmodified": "2026-09-30 10:00:00",
                }
            ]
        elif "FROM transactionline" in query:
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
                    "foreigntotal": "75.00",
                    "foreignamountremaining": "0" if n == 0 else "75.00",
                    "otherrefnum": None,
                    "voided": "F",
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
                if "'CustInvc'" in r.json()["q"] and "transactionline" not in r.json()["q"]
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
