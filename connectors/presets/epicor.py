"""Epicor Kinetic, REST API v2 (OData v4).

    [sources.kinetic]
    kind = "epicor"
    server = "https://kinetic.example.com/ERP11"   # the server and instance
    company = "EPIC06"
    auth = { type = "basic", username = "ardesk", password_env = "KINETIC_PASSWORD",
             api_key_header = "X-API-Key", api_key_env = "KINETIC_API_KEY" }

Customers from ``Erp.BO.CustomerSvc/Customers``; AR invoices and credit memos from
``Erp.BO.ARInvoiceSvc/ARInvoices`` with their ``InvcDtls``; cash receipts from
``Erp.BO.CashRecSvc/CashHeads``. Amounts in the document currency (the ``Doc…`` fields);
the open balance is Kinetic's ``DocInvoiceBal``. Pages with ``$top`` / ``$skip`` in key order
(``$orderby``): offset paging in no stated order can repeat or skip rows between pages.

Changes are found by ``ChangeDate``, a date in the server's time zone (``timezone``): each run
asks from the day of the newest change it saw (less the overlap), so it re-reads at most a day's
changes and never misses one.
"""

from __future__ import annotations

from connectors.config import SourceConfig
from connectors.sources.rest import RestConnector

PAGE = {"type": "offset", "offset_param": "$skip", "limit_param": "$top", "limit": 500}
POSTED = "Posted eq true"
CHANGED = POSTED + " and ChangeDate ge {since}"
CUSTOMERS = {"path": "Erp.BO.CustomerSvc/Customers", "params": {"$orderby": "CustNum"}}
DEFAULTS = {
    "base_url": "{server}/api/v2/odata/{company}",
    "auth": {"type": "basic", "api_key_header": "X-API-Key"},
    "paging": PAGE,
    "items": "value",
    "since_format": "%Y-%m-%dT00:00:00Z",  # ChangeDate is a date: from the start of the day
    "endpoints": {
        "accounts": CUSTOMERS,
        "contacts": CUSTOMERS,
        "invoices": {
            "path": "Erp.BO.ARInvoiceSvc/ARInvoices",
            "params": {"$expand": "InvcDtls", "$orderby": "InvoiceNum", "$filter": CHANGED},
            "full_params": {"$filter": POSTED},
        },
        "payments": {
            "path": "Erp.BO.CashRecSvc/CashHeads",
            "params": {"$orderby": "GroupID,HeadNum", "$filter": CHANGED},
            "full_params": {"$filter": POSTED},
        },
    },
}
MAPPING = {
    "accounts": {
        "erp_id": "CustNum",
        "name": "Name",
        "currency": {"field": "CurrencyCode", "default": "{currency}"},
        "address_line1": "Address1",
        "address_line2": "Address2",
        "postal_code": "Zip",
        "city": "City",
        "region": "State",
        "payment_terms": "TermsCode",
    },
    "contacts": {
        "skip_empty": ["email"],
        "account": "CustNum",
        "email": "EMailAddress",
        "name": "Name",
    },
    "invoices": {
        "erp_id": "InvoiceNum",
        "number": "InvoiceNum",
        "account": "CustNum",
        "kind": {"field": "CreditMemo", "values": {"True": "credit_note"}, "other": "invoice"},
        "issue_date": "InvoiceDate",
        "due_date": "DueDate",
        "currency": "CurrencyCode",
        "total": "DocInvoiceAmt",
        "balance": "DocInvoiceBal",
        "po_number": "PONum",
        "payment_terms": "TermsCode",
        "legal_entity": "Company",
        "updated_at": {"field": "ChangeDate", "timezone": "{timezone}"},
    },
    "lines": {
        "nested": "InvcDtls",
        "line_no": "InvoiceLine",
        "sku": "PartNum",
        "description": "LineDesc",
        "quantity": "SellingShipQty",
        "unit_price": "DocUnitPrice",
        "net_amount": "DocExtPrice",
    },
    "payments": {
        "erp_id": {"fields": ["GroupID", "HeadNum"], "join": "-"},
        "account": "CustNum",
        "received_on": "TranDate",
        "currency": "CurrencyCode",
        "amount": "DocTranAmt",
        "reference": "CheckRef",
        "updated_at": {"field": "ChangeDate", "timezone": "{timezone}"},
    },
}


def connect(config: SourceConfig) -> RestConnector:
    from connectors.presets import fill

    parts = {
        "server": str(config.require("server")).rstrip("/"),
        "company": config.require("company"),
        "currency": config.get("currency", "USD"),
        "timezone": config.get("timezone", "UTC"),  # Kinetic's dates are the server's local time
    }
    return RestConnector(config, defaults=fill(DEFAULTS, parts), mapping=fill(MAPPING, parts))
