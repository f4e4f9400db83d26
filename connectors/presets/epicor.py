"""Epicor Kinetic, REST API v2 (OData v4).

    [sources.kinetic]
    kind = "epicor"
    server = "https://kinetic.example.com/ERP11"   # the server and instance
    company = "EPIC06"
    auth = { type = "basic", username = "ardesk", password_env = "KINETIC_PASSWORD",
             api_key_header = "X-API-Key", api_key_env = "KINETIC_API_KEY" }

Customers from ``Erp.BO.CustomerSvc/Customers`` (their country's ISO code from
``Erp.BO.CountrySvc/Countries``); AR invoices and credit memos from
``Erp.BO.ARInvoiceSvc/ARInvoices`` with their ``InvcDtls``; cash receipts from
``Erp.BO.CashRecSvc/CashHeads``. Amounts in the document currency (the ``Doc…`` fields);
the open balance is Kinetic's ``DocInvoiceBal``. Pages with ``$top`` / ``$skip`` in key order
(``$orderby``): offset paging in no stated order can repeat or skip rows between pages.

Changes are found by ``ChangeDate``, a date in the server's time zone (``timezone``): each run
asks from the day of the newest change it saw (less the overlap), so it re-reads at most a day's
changes and never misses one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connectors.config import SourceConfig
from connectors.sources.rest import RestConnector

COUNTRIES = {
    "path": "Erp.BO.CountrySvc/Countries",
    "params": {"$orderby": "CountryNum", "$select": "CountryNum,ISOCode"},
}
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
        # The tax id Kinetic validates (VIES and the like) and prints; the ISO code of the
        # customer's country comes from the Country table (EpicorConnector.rows).
        "tax_id": "ResaleID",
        "country_code": "country_iso",
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


class EpicorConnector(RestConnector):
    def rows(self, entity: str, since: datetime | None) -> Iterator[tuple[str, Any]]:
        countries: dict[Any, str] | None = None
        for label, row in super().rows(entity, since):
            if entity == "accounts":
                if countries is None:  # read once per listing, only when there are customers
                    countries = {
                        c.get("CountryNum"): c.get("ISOCode") or None
                        for c in self.items(COUNTRIES, None)
                    }
                row = {**row, "country_iso": countries.get(row.get("CountryNum"))}
            yield label, row


def connect(config: SourceConfig) -> RestConnector:
    from connectors.presets import fill, tax_categories

    parts = {
        "server": str(config.require("server")).rstrip("/"),
        "company": config.require("company"),
        "currency": config.get("currency", "USD"),
        "timezone": config.get("timezone", "UTC"),  # Kinetic's dates are the server's local time
    }
    mapping = fill(MAPPING, parts)
    # A line's TaxCatID is the company's own tax category (SERV, FRT…): the source names its
    # UNTDID 5305 category.
    category = tax_categories(config, "TaxCatID")
    if category:
        mapping["lines"] = {**mapping["lines"], "tax_category": category}
    return EpicorConnector(config, defaults=fill(DEFAULTS, parts), mapping=mapping)
