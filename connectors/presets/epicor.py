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
the open balance is Kinetic's ``DocInvoiceBal``. Pages with ``$top`` / ``$skip``.
"""

from __future__ import annotations

from connectors.config import SourceConfig
from connectors.sources.rest import RestConnector

PAGE = {"type": "offset", "offset_param": "$skip", "limit_param": "$top", "limit": 500}
DEFAULTS = {
    "base_url": "{server}/api/v2/odata/{company}",
    "auth": {"type": "basic", "api_key_header": "X-API-Key"},
    "paging": PAGE,
    "items": "value",
    "endpoints": {
        "accounts": "Erp.BO.CustomerSvc/Customers",
        "contacts": "Erp.BO.CustomerSvc/Customers",
        "invoices": {
            "path": "Erp.BO.ARInvoiceSvc/ARInvoices",
            "params": {"$expand": "InvcDtls", "$filter": "Posted eq true"},
        },
        "payments": {
            "path": "Erp.BO.CashRecSvc/CashHeads",
            "params": {"$filter": "Posted eq true"},
        },
    },
}
MAPPING = {
    "accounts": {
        "erp_id": "CustNum",
        "name": "Name",
        "currency": {"field": "CurrencyCode", "default": "{currency}"},
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
