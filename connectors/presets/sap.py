"""SAP S/4HANA, OData v2: API_BUSINESS_PARTNER and API_BILLING_DOCUMENT_SRV.

    [sources.s4]
    kind = "sap"
    host = "https://my-s4.example.com"          # or an SAP BTP destination URL
    sap_client = "100"
    auth = { type = "basic", username = "ARDESK_COMM_USER", password_env = "S4_PASSWORD" }
    currency = "EUR"                             # customers' currency (sales area data)
    payment_days = 30                            # due date when no open-items source is set

Customers from ``A_BusinessPartner`` (those with a customer number) with ``to_Customer`` and
``to_BusinessPartnerAddress``; billing documents (F2 invoices, G2 credit memos; cancelled ones
void) with ``to_Item`` and each item's ``to_PricingElement`` (its tax condition); changes by
``LastChangeDateTime``; paging by ``__next`` ($skiptoken); the original PDF through the
``GetPDF`` function import. SAP's amounts arrive as strings and its dates as ``/Date(ms)/``,
which the mapping reads as they are.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connectors.config import SourceConfig
from connectors.errors import SourceError
from connectors.mapping import lookup
from connectors.records import InvoiceRecord, Original
from connectors.sources.rest import RestConnector

DEFAULTS = {
    "base_url": "{host}/sap/opu/odata/sap",
    "auth": {"type": "basic"},
    "headers": {"sap-client": "{sap_client}"},
    "paging": {"type": "odata"},
    "items": "d.results",
    "since_format": "%Y-%m-%dT%H:%M:%S",
    "endpoints": {
        # Business partners that are customers, with the customer master (name, VAT number,
        # deletion flag) and the partner's addresses, which A_Customer does not carry.
        "accounts": {
            "path": "API_BUSINESS_PARTNER/A_BusinessPartner",
            "params": {
                "$format": "json",
                "$filter": "Customer ne ''",
                "$expand": "to_Customer,to_BusinessPartnerAddress",
            },
        },
        "invoices": {
            "path": "API_BILLING_DOCUMENT_SRV/A_BillingDocument",
            "params": {
                "$format": "json",
                "$expand": "to_Item,to_Item/to_PricingElement",
                "$filter": "LastChangeDateTime gt datetimeoffset'{since}Z'",
            },
        },
        "document": "API_BILLING_DOCUMENT_SRV/GetPDF?BillingDocument='{erp_id}'&$format=json",
    },
}
ADDRESS = "to_BusinessPartnerAddress.results.0"
MAPPING = {
    "accounts": {
        "erp_id": "Customer",
        "name": {"fields": ["to_Customer.CustomerName"]},
        "currency": {"constant": "{currency}"},
        "status": {
            "field": "to_Customer.DeletionIndicator",
            "values": {"true": "closed", "True": "closed"},
            "other": "active",
        },
        "tax_id": "to_Customer.VATRegistration",
        # The partner's standard address: the first one listed.
        "address_line1": {"fields": [f"{ADDRESS}.StreetName", f"{ADDRESS}.HouseNumber"]},
        "postal_code": f"{ADDRESS}.PostalCode",
        "city": f"{ADDRESS}.CityName",
        "region": f"{ADDRESS}.Region",
        "country_code": f"{ADDRESS}.Country",
    },
    "invoices": {
        "erp_id": "BillingDocument",
        "number": "BillingDocument",
        "account": "PayerParty",
        "kind": {
            "field": "BillingDocumentType",
            "values": {"G2": "credit_note"},
            "other": "invoice",
        },
        "issue_date": "BillingDocumentDate",
        "due_date": {"field": "BillingDocumentDate", "add_days": "{payment_days}"},
        "currency": "TransactionCurrency",
        "subtotal": "TotalNetAmount",
        "tax": "TaxAmount",
        "total": "TotalGrossAmount",
        "void": "BillingDocumentIsCancelled",
        "po_number": "PurchaseOrderByCustomer",
        "updated_at": "LastChangeDateTime",
        "payment_terms": "CustomerPaymentTerms",
        "legal_entity": "CompanyCode",
    },
    "lines": {
        "nested": "to_Item.results",
        "line_no": "BillingDocumentItem",
        "sku": "Material",
        "description": "BillingDocumentItemText",
        "quantity": "BillingQuantity",
        "net_amount": "NetAmount",
        "tax_amount": "TaxAmount",
        "tax_rate": "tax_rate",  # from the item's tax condition (SapConnector.rows)
    },
}
TAX_CONDITION = "D"  # ConditionCategory of taxes in the pricing procedure


class SapConnector(RestConnector):
    def rows(self, entity: str, since: datetime | None) -> Iterator[tuple[str, Any]]:
        for label, row in super().rows(entity, since):
            if entity == "invoices":
                items = lookup(row, "to_Item.results") or []
                row = {**row, "to_Item": {"results": [_with_tax(item) for item in items]}}
            yield label, row

    def document(self, invoice: InvoiceRecord) -> Original | None:
        """GetPDF answers with the PDF base64-encoded inside the OData envelope (no content
        type of its own: the bytes are checked)."""
        path = self.endpoints["document"].format(erp_id=invoice.erp_id)
        body = self.client.json("GET", path)
        encoded = (body.get("d") or {}).get("GetPDF", {}).get("BillingDocumentBinary")
        if not encoded:
            return None
        try:
            return Original(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            raise SourceError(f"{self.name}: GetPDF of {invoice.erp_id} is not base64") from None


def connect(config: SourceConfig) -> SapConnector:
    from connectors.presets import fill, tax_categories

    parts = {
        "host": str(config.require("host")).rstrip("/"),
        "sap_client": config.get("sap_client", "100"),
        "currency": config.get("currency", "EUR"),
        "payment_days": str(config.get("payment_days", 30)),
    }
    mapping = fill(MAPPING, parts)
    # SAP's tax codes (A1, A0…) are each country's configuration: the source names their
    # UNTDID 5305 categories.
    category = tax_categories(config, "tax_code")
    if category:
        mapping["lines"] = {**mapping["lines"], "tax_category": category}
    return SapConnector(config, defaults=fill(DEFAULTS, parts), mapping=mapping)


def _with_tax(item: dict) -> dict:
    """A billing item with its tax condition's code and rate: the pricing elements hold them,
    one of category D (taxes) per item that is taxed, statistical ones aside."""
    elements = lookup(item, "to_PricingElement.results") or []
    taxes = [
        e
        for e in elements
        if isinstance(e, dict)
        and e.get("ConditionCategory") == TAX_CONDITION
        and not e.get("ConditionIsForStatistics")
        and not e.get("ConditionInactiveReason")
    ]
    if len(taxes) != 1:
        return {**item, "tax_code": None, "tax_rate": None}
    return {
        **item,
        "tax_code": taxes[0].get("TaxCode"),
        "tax_rate": taxes[0].get("ConditionRateValue"),
    }
