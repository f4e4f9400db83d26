"""Oracle NetSuite: SuiteQL over the REST web services.

    [sources.netsuite]
    kind = "netsuite"
    account_id = "1234567"                       # as in 1234567.suitetalk.api.netsuite.com
    auth = { type = "bearer", token_env = "NETSUITE_TOKEN" }   # an OAuth 2.0 access token

Customers, invoices (``CustInvc``) and credit memos (``CustCred``) with their lines, customer
payments (``CustPymt``), each a SuiteQL query POSTed to ``/query/v1/suiteql`` with
``Prefer: transient``, paged by ``limit`` / ``offset`` until ``hasMore`` is false. Changes by
``lastmodifieddate``. Dates are formatted in the query (``TO_CHAR``) so account preferences do
not matter; the open balance is NetSuite's ``foreignamountremaining``.
"""

from __future__ import annotations

from connectors.config import SourceConfig
from connectors.sources.rest import RestConnector


def suiteql(query: str) -> dict:
    return {"path": "query/v1/suiteql", "method": "POST", "body": {"q": query}}


# Dates are formatted in the query so the account's date preferences do not matter; the
# watermark fills {since} (NetSuite compares in the account's time zone).
CUSTOMERS = """
SELECT c.id, c.entityid, c.companyname, c.email, cur.symbol AS currency, c.vatregnumber,
       BUILTIN.DF(c.terms) AS terms, ea.addr1, ea.addr2, ea.zip, ea.city, ea.state, ea.country,
       TO_CHAR(c.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodified
FROM customer c JOIN currency cur ON cur.id = c.currency
LEFT JOIN entityaddress ea ON ea.nkey = c.defaultbillingaddress
WHERE c.lastmodifieddate > TO_DATE('{since}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY c.id"""
TRANSACTIONS = """
SELECT t.id, t.tranid, t.type, t.entity, TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate,
       TO_CHAR(t.duedate, 'YYYY-MM-DD') AS duedate, cur.symbol AS currency, t.foreigntotal,
       t.foreignamountremaining, t.otherrefnum, t.voided, BUILTIN.DF(t.terms) AS terms,
       (SELECT SUM(ABS(x.foreignamount)) FROM transactionline x
        WHERE x.transaction = t.id AND x.taxline = 'T') AS taxtotal,
       TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodified
FROM transaction t JOIN currency cur ON cur.id = t.currency
WHERE t.type = 'CustInvc'
  AND t.lastmodifieddate > TO_DATE('{since}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY t.id"""
LINES = """
SELECT tl.transaction, tl.linesequencenumber, BUILTIN.DF(tl.item) AS item, tl.memo,
       ABS(tl.quantity) AS quantity, tl.rate, ABS(tl.foreignamount) AS amount,
       BUILTIN.DF(tl.taxcode) AS taxcode, tl.taxrate1 AS taxrate
FROM transactionline tl JOIN transaction t ON t.id = tl.transaction
WHERE t.type = 'CustInvc' AND tl.mainline = 'F' AND tl.taxline = 'F'
  AND t.lastmodifieddate > TO_DATE('{since}', 'YYYY-MM-DD HH24:MI:SS')
ORDER BY tl.transaction, tl.linesequencenumber"""
PAYMENTS = """
SELECT t.id, t.tranid, t.entity, TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate,
       cur.symbol AS currency, t.foreigntotal, t.memo,
       TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodified
FROM transaction t JOIN currency cur ON cur.id = t.currency
WHERE t.type = 'CustPymt'
  AND t.lastmodifieddate > TO_DATE('{since}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY t.id"""

DEFAULTS = {
    "base_url": "https://{account}.suitetalk.api.netsuite.com/services/rest",
    "auth": {"type": "bearer"},
    "headers": {"Prefer": "transient"},
    "paging": {"type": "offset", "limit": 1000, "more_path": "hasMore"},
    "items": "items",
    "since_format": "%Y-%m-%d %H:%M:%S",
    "endpoints": {
        "accounts": suiteql(CUSTOMERS),
        "contacts": suiteql(CUSTOMERS),
        "invoices": suiteql(TRANSACTIONS),
        "lines": suiteql(LINES),
        "credit_notes": suiteql(TRANSACTIONS.replace("'CustInvc'", "'CustCred'")),
        "credit_note_lines": suiteql(LINES.replace("'CustInvc'", "'CustCred'")),
        "payments": suiteql(PAYMENTS),
    },
}
DOCUMENT = {
    "erp_id": "id",
    "number": "tranid",
    "account": "entity",
    "issue_date": "trandate",
    "due_date": "duedate",
    "currency": "currency",
    "total": "foreigntotal",
    "balance": "foreignamountremaining",
    "void": {"field": "voided", "values": {"T": "true", "F": "false"}},
    "po_number": "otherrefnum",
    "updated_at": {"field": "lastmodified", "timezone": "{timezone}"},
    "tax": {"field": "taxtotal", "default": "0"},  # the sum of the document's tax lines
    "payment_terms": "terms",
}
LINE = {
    "invoice": "transaction",
    "line_no": "linesequencenumber",
    "sku": "item",
    "description": "memo",
    "quantity": "quantity",
    "unit_price": "rate",
    "net_amount": "amount",
    "tax_rate": "taxrate",  # legacy tax: the line's tax code rate, in percent
}
MAPPING = {
    "accounts": {
        "erp_id": "id",
        "name": {"fields": ["companyname"], "default": "{unnamed}"},
        "currency": "currency",
        "updated_at": {"field": "lastmodified", "timezone": "{timezone}"},
        # The default billing address of the customer's address book.
        "tax_id": "vatregnumber",
        "address_line1": "addr1",
        "address_line2": "addr2",
        "postal_code": "zip",
        "city": "city",
        "region": "state",
        "country_code": "country",
        "payment_terms": "terms",
    },
    "contacts": {"skip_empty": ["email"], "account": "id", "email": "email", "name": "companyname"},
    "invoices": DOCUMENT,
    "lines": LINE,
    "credit_notes": {**DOCUMENT, "kind": {"constant": "credit_note"}},
    "credit_note_lines": LINE,
    "payments": {
        "erp_id": "id",
        "account": "entity",
        "received_on": "trandate",
        "currency": "currency",
        "amount": "foreigntotal",
        "reference": "tranid",
        "updated_at": {"field": "lastmodified", "timezone": "{timezone}"},
    },
}


def connect(config: SourceConfig) -> RestConnector:
    from connectors.presets import fill, legal_entity, tax_categories

    account = str(config.require("account_id")).lower().replace("_", "-")
    parts = {
        "account": account,
        # NetSuite's timestamps are in the account's time zone, not UTC.
        "timezone": config.get("timezone", "America/Los_Angeles"),
        "unnamed": "(no company name)",
    }
    mapping = fill(MAPPING, parts)
    # Tax codes are the account's own: which UNTDID 5305 category each one is, the source says.
    category = tax_categories(config, "taxcode")
    issuer = legal_entity(config)  # a subsidiary (OneWorld) or the company
    for lines, documents in (("lines", "invoices"), ("credit_note_lines", "credit_notes")):
        if category:
            mapping[lines] = {**mapping[lines], "tax_category": category}
        if issuer:
            mapping[documents] = {**mapping[documents], "legal_entity": issuer}
    return RestConnector(config, defaults=fill(DEFAULTS, parts), mapping=mapping)
