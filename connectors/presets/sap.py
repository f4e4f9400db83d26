"""SAP S/4HANA, OData v2: API_BUSINESS_PARTNER and API_BILLING_DOCUMENT_SRV.

    [sources.s4]
    kind = "sap"
    host = "https://my-s4.example.com"          # or an SAP BTP destination URL
    sap_client = "100"
    auth = { type = "basic", username = "ARDESK_COMM_USER", password_env = "S4_PASSWORD" }
    currency = "EUR"                             # customers' currency (sales area data)
    payment_days = 30                            # due date when no open-items source is set

Customers from ``A_Customer``; billing documents (F2 invoices, G2 credit memos; cancelled ones
void) with ``to_Item``; changes by ``LastChangeDateTime``; paging by ``__next`` ($skiptoken);
the original PDF through the ``GetPDF`` function import. SAP's amounts arrive as strings and
its dates as ``/Date(ms)/``, which the mapping reads as they are.
"""

from __future__ import annotations

import base64
import binascii

from connectors.config import SourceConfig
from connectors.errors import SourceError
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
        "accounts": {
            "path": "API_BUSINESS_PARTNER/A_Customer",
            "params": {"$format": "json"},
        },
        "invoices": {
            "path": "API_BILLING_DOCUMENT_SRV/A_BillingDocument",
            "params": {
                "$format": "json",
                "$expand": "to_Item",
                "$filter": "LastChangeDateTime gt datetimeoffset'{since}Z'",
            },
        },
        "document": "API_BILLING_DOCUMENT_SRV/GetPDF?BillingDocument='{erp_id}'&$format=json",
    },
}
MAPPING = {
    "accounts": {
        "erp_id": "Customer",
        "name": {"fields": ["CustomerFullName", "CustomerName"], "join": " "},
        "currency": {"constant": "{currency}"},
        "status": {
            "field": "DeletionIndicator",
            "values": {"true": "closed", "True": "closed"},
            "other": "active",
        },
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
    },
}


class SapConnector(RestConnector):
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
    from connectors.presets import fill

    parts = {
        "host": str(config.require("host")).rstrip("/"),
        "sap_client": config.get("sap_client", "100"),
        "currency": config.get("currency", "EUR"),
        "payment_days": str(config.get("payment_days", 30)),
    }
    return SapConnector(config, defaults=fill(DEFAULTS, parts), mapping=fill(MAPPING, parts))
