"""Microsoft Dynamics 365 Business Central, API v2.0 (OData v4).

    [sources.bc]
    kind = "bc365"
    tenant = "contoso.onmicrosoft.com"
    environment = "production"
    company_id = "6f1a…"                       # GET …/api/v2.0/companies lists them
    auth = { client_id = "…", client_secret_env = "BC_CLIENT_SECRET" }

Customers, salesInvoices with salesInvoiceLines, salesCreditMemos with salesCreditMemoLines;
changes by ``lastModifiedDateTime``; paging by ``@odata.nextLink``; the original PDF from
``salesInvoices({id})/pdfDocument/pdfDocumentContent``. Business Central gives each invoice's
``remainingAmount``, so balances are the ERP's.

The sales document entities list unposted documents too: a Draft or In Review invoice is no
invoice yet, so it is never imported (and removed if it was). Payments come from the posted
customer ledger (the finance reports API's ``customerLedgerEntries`` of type Payment), not from
``customerPayments``, which are payment-journal lines that may never be posted.
"""

from __future__ import annotations

from connectors.config import SourceConfig
from connectors.sources.rest import RestConnector

ROOT = "https://api.businesscentral.dynamics.com/v2.0/{tenant}/{environment}"
CHANGED = {"$filter": "lastModifiedDateTime gt {since}"}
LEDGER = "{api_root}/api/microsoft/reports/v1.0/companies({company_id})/customerLedgerEntries"

DEFAULTS = {
    "base_url": "{api_root}/api/v2.0/companies({company_id})",
    "auth": {
        "type": "oauth2",
        "token_url": "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        "scope": "https://api.businesscentral.dynamics.com/.default",
    },
    "paging": {"type": "odata"},
    "items": "value",
    "since_format": "%Y-%m-%dT%H:%M:%SZ",
    "endpoints": {
        "accounts": {"path": "customers", "params": CHANGED},
        "contacts": {"path": "customers", "params": CHANGED},
        "invoices": {
            "path": "salesInvoices",
            "params": {**CHANGED, "$expand": "salesInvoiceLines,paymentTerm"},
        },
        "credit_notes": {
            "path": "salesCreditMemos",
            "params": {**CHANGED, "$expand": "salesCreditMemoLines,paymentTerm"},
        },
        "payments": {
            "path": LEDGER,
            "params": {"$filter": "documentType eq 'Payment' and lastModifiedDateTime gt {since}"},
            "full_params": {"$filter": "documentType eq 'Payment'"},
        },
        "document": "salesInvoices({erp_id})/pdfDocument/pdfDocumentContent",
        "credit_note_document": "salesCreditMemos({erp_id})/pdfDocument/pdfDocumentContent",
    },
}
# Business Central's status values: a canceled invoice is void; a draft or one in review is not
# issued yet. A status this list does not know is rejected and reported, never guessed.
STATUS = {
    "values": {
        "Draft": "draft",
        "In Review": "draft",
        "Open": "open",
        "Paid": "paid",
        "Canceled": "void",
        "Corrective": "open",  # corrected by a credit memo: remainingAmount follows it
    },
}
DOCUMENT = {
    "erp_id": "id",
    "number": "number",
    "account": "customerNumber",
    "currency": {"field": "currencyCode", "default": "{currency}"},
    "subtotal": "totalAmountExcludingTax",
    "tax": "totalTaxAmount",
    "total": "totalAmountIncludingTax",
    "balance": "remainingAmount",
    "status": {"field": "status", **STATUS},
    "updated_at": "lastModifiedDateTime",
    # The document gives only paymentTermsId: the expanded paymentTerm gives its name.
    "payment_terms": "paymentTerm.displayName",
}
LINES = {
    "line_no": "sequence",
    "sku": "lineObjectNumber",
    "description": "description",
    "quantity": "quantity",
    "unit_price": "unitPrice",
    "tax_rate": "taxPercent",
    "net_amount": "amountExcludingTax",
    "tax_amount": "totalTaxAmount",
}
MAPPING = {
    "accounts": {
        "erp_id": "number",
        "name": "displayName",
        "currency": {"field": "currencyCode", "default": "{currency}"},
        "status": {"field": "blocked", "values": {"All": "on_hold"}, "other": "active"},
        "updated_at": "lastModifiedDateTime",
        "tax_id": "taxRegistrationNumber",
        "address_line1": "addressLine1",
        "address_line2": "addressLine2",
        "postal_code": "postalCode",
        "city": "city",
        "region": "state",
        "country_code": "country",
        "erp_balance": "balanceDue",
    },
    "contacts": {
        "skip_empty": ["email"],
        "account": "number",
        "email": "email",
        "name": "displayName",
    },
    "invoices": {
        **DOCUMENT,
        "issue_date": "invoiceDate",
        "due_date": "dueDate",
        "po_number": "customerPurchaseOrderReference",
    },
    "lines": {"nested": "salesInvoiceLines", **LINES},
    "credit_notes": {**DOCUMENT, "issue_date": "creditMemoDate", "due_date": "dueDate"},
    "credit_note_lines": {"nested": "salesCreditMemoLines", **LINES},
    "payments": {
        "erp_id": "entryNumber",
        "account": "customerNumber",
        "received_on": "postingDate",
        "currency": {"field": "currencyCode", "default": "{currency}"},
        # A payment is a credit on the customer's ledger: Business Central shows it negative.
        "amount": {"field": "amount", "negate": True},
        "reference": "documentNumber",
        "updated_at": "lastModifiedDateTime",
    },
}


def connect(config: SourceConfig) -> RestConnector:
    from connectors.presets import fill, legal_entity, tax_categories

    parts = {
        "tenant": config.require("tenant"),
        "environment": config.get("environment", "production"),
        "company_id": config.require("company_id"),
        "currency": config.get("currency", "USD"),  # the company's local currency
    }
    # Where the tenant's APIs live: the standard API and the finance reports API beside it.
    parts["api_root"] = str(config.get("api_root") or fill(ROOT, parts)).rstrip("/")
    mapping = fill(MAPPING, parts)
    # A line's taxCode is the company's own VAT identifier (or tax group): which UNTDID 5305
    # category each one is, the source says. The company is the issuer.
    category = tax_categories(config, "taxCode")
    for lines in ("lines", "credit_note_lines"):
        if category:
            mapping[lines] = {**mapping[lines], "tax_category": category}
    issuer = legal_entity(config)
    for documents in ("invoices", "credit_notes"):
        if issuer:
            mapping[documents] = {**mapping[documents], "legal_entity": issuer}
    return RestConnector(config, defaults=fill(DEFAULTS, parts), mapping=mapping)
