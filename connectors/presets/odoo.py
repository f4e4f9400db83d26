"""Odoo, through its external API: JSON-RPC ``execute_kw`` on ``/jsonrpc`` up to Odoo 18, and
the JSON-2 API (``/json/2/<model>/<method>``, an API key as bearer token) from Odoo 19, which
deprecates ``/jsonrpc``. The version chooses; ``api = "jsonrpc"`` or ``"json2"`` overrides.

    [sources.odoo]
    kind = "odoo"
    url = "https://mycompany.odoo.com"
    database = "mycompany"
    version = 19                                   # the server's major version
    username = "ardesk@mycompany.com"              # JSON-RPC only: JSON-2 knows the key's user
    auth = { password_env = "ODOO_API_KEY" }       # an API key (Preferences → Account Security)

Partners (``res.partner``, companies as accounts, their people with an email as contacts),
customer invoices and credit notes (``account.move``, ``out_invoice`` / ``out_refund``, posted or
cancelled) with their product lines (``account.move.line``), inbound payments
(``account.payment``). ``search_read`` pages by offset and limit in id order; changes by
``write_date``. The balance is Odoo's ``amount_residual``, the customer's own figure ``credit``.

Originals are the invoice PDFs Odoo keeps as attachments (``invoice_pdf_report_id``, made when an
invoice is sent or printed), read through the same API: the report route needs a web login,
which Odoo refuses to API keys, and answers a failed one with its HTML login page.
"""

from __future__ import annotations

import base64
import binascii
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from connectors.config import SourceConfig
from connectors.errors import SourceConfigError, SourceError
from connectors.records import InvoiceRecord, Original
from connectors.sources.rest import RestConnector

PAGE = 500
STAMP = "%Y-%m-%d %H:%M:%S"  # Odoo stores write_date in UTC, without a zone
MOVES = [("move_type", "in", ["out_invoice", "out_refund"]), ("state", "in", ["posted", "cancel"])]
MODELS: dict[str, tuple[str, list, list[str]]] = {
    "accounts": (
        "res.partner",
        [("is_company", "=", True), ("customer_rank", ">", 0)],
        [
            "id",
            "name",
            "email",
            "currency_id",
            "active",
            "write_date",
            "vat",
            "street",
            "street2",
            "zip",
            "city",
            "state_id",
            "country_code",
            "property_payment_term_id",
            "credit",
        ],
    ),
    "contacts": (
        "res.partner",
        [("is_company", "=", False), ("parent_id", "!=", False), ("email", "!=", False)],
        ["id", "name", "email", "parent_id", "lang", "active", "write_date"],
    ),
    "invoices": (
        "account.move",
        MOVES,
        [
            "id",
            "name",
            "move_type",
            "partner_id",
            "commercial_partner_id",
            "invoice_date",
            "invoice_date_due",
            "currency_id",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "amount_residual",
            "state",
            "ref",
            "write_date",
            "invoice_payment_term_id",
            "payment_reference",
            "company_id",
            "invoice_pdf_report_id",
        ],
    ),
    "lines": (
        "account.move.line",
        [
            ("move_id.move_type", "in", ["out_invoice", "out_refund"]),
            ("display_type", "=", "product"),
        ],
        [
            "id",
            "move_id",
            "sequence",
            "product_id",
            "name",
            "quantity",
            "price_unit",
            "price_subtotal",
            "price_total",
            "tax_ids",
        ],
    ),
    "payments": (
        "account.payment",
        [("payment_type", "=", "inbound"), ("state", "in", ["posted", "paid", "in_process"])],
        ["id", "name", "partner_id", "date", "amount", "currency_id", "memo", "write_date"],
    ),
}
# What "changed since" reads per listing: the lines of every invoice listed again, changed or not
# (a payment changes the invoice, not its lines; an invoice written without its lines would
# lose them).
CHANGED_BY = {"lines": "move_id.write_date"}
MAPPING = {
    "accounts": {
        "erp_id": "id",
        "name": "name",
        "currency": {"field": "currency_id.1", "default": "{currency}"},
        "status": {"field": "active", "values": {"False": "closed"}, "other": "active"},
        "updated_at": "write_date",
        "tax_id": "vat",
        "address_line1": "street",
        "address_line2": "street2",
        "postal_code": "zip",
        "city": "city",
        "region": "state_id.1",
        "country_code": "country_code",
        "payment_terms": "property_payment_term_id.1",
        "erp_balance": "credit",
    },
    "contacts": {
        "account": "parent_id.0",
        "erp_id": "id",
        "email": "email",
        "name": "name",
        "language": "lang",
        "active": "active",
        "updated_at": "write_date",
    },
    "invoices": {
        "erp_id": "id",
        "number": "name",
        "account": "commercial_partner_id.0",
        "kind": {"field": "move_type", "values": {"out_refund": "credit_note"}, "other": "invoice"},
        "issue_date": "invoice_date",
        "due_date": "invoice_date_due",
        "currency": "currency_id.1",
        "subtotal": "amount_untaxed",
        "tax": "amount_tax",
        "total": "amount_total",
        "balance": "amount_residual",
        "status": {"field": "state", "values": {"cancel": "void"}, "other": "open"},
        "po_number": "ref",
        "updated_at": "write_date",
        "payment_terms": "invoice_payment_term_id.1",
        "payment_reference": "payment_reference",
        "legal_entity": "company_id.1",
        "document_ref": "invoice_pdf_report_id.0",
    },
    "lines": {
        "invoice": "move_id.0",
        "line_no": "sequence",
        "sku": "product_id.1",
        "description": "name",
        "quantity": "quantity",
        "unit_price": "price_unit",
        "net_amount": "price_subtotal",
        # Worked out from the line's taxes (see OdooConnector.taxed): Odoo stores no rate,
        # category or tax amount on the line itself.
        "tax_rate": "tax_rate",
        "tax_amount": "tax_amount",
        "tax_category": "tax_category",
    },
    "payments": {
        "erp_id": "id",
        "account": "partner_id.0",
        "received_on": "date",
        "currency": "currency_id.1",
        "amount": "amount",
        "reference": "memo",
        "updated_at": "write_date",
    },
}


class OdooConnector(RestConnector):
    def __init__(self, config: SourceConfig, mapping: dict[str, Any]) -> None:
        defaults = {"base_url": str(config.require("url")).rstrip("/"), "auth": {"type": "none"}}
        super().__init__(config, defaults=defaults, mapping=mapping)
        self.database = config.require("database")
        self.password = config.secret_from(config.get("auth", {}), "password")
        self.api = config.get("api") or (
            "json2" if int(config.get("version", 17)) >= 19 else "jsonrpc"
        )
        if self.api not in ("jsonrpc", "json2"):
            raise SourceConfigError(f"source {self.name!r}: api must be jsonrpc or json2")
        self.username = config.require("username") if self.api == "jsonrpc" else None
        self._uid: int | None = None
        self._taxes: dict[int, dict] = {}
        self._has_category_code: bool | None = None
        self._ids = itertools.count(1)

    # The two protocols

    def execute(self, model: str, method: str, args: list, options: dict) -> Any:
        """One model method, called the way the server's version wants."""
        if self.api == "json2":
            # JSON-2 names every argument; the key says who calls, the header which database.
            named = {"read": "ids", "search_read": "domain"}.get(method)
            body = {**({named: args[0]} if named else {}), **options}
            return self.client.json(
                "POST",
                f"/json/2/{model}/{method}",
                json=body,
                headers={
                    "Authorization": f"bearer {self.password}",
                    "X-Odoo-Database": self.database,
                },
            )
        return self.call(
            "object", "execute_kw", self.database, self.uid, self.password, model, method,
            args, options,
        )  # fmt: skip

    def call(self, service: str, method: str, *args: Any) -> Any:
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
            "id": next(self._ids),
        }
        body = self.client.json("POST", "/jsonrpc", json=payload)
        if isinstance(body, dict) and body.get("error"):
            # Odoo answers errors with HTTP 200 and an error object; its name is safe to show.
            error = body["error"]
            name = (error.get("data") or {}).get("name") or error.get("message") or "error"
            # A refused key or a field Odoo does not know stays refused: no point retrying.
            final = any(kind in name for kind in ("AccessDenied", "AccessError", "ValueError"))
            raise SourceError(f"{self.name}: Odoo refused {method}: {name}", retryable=not final)
        return body.get("result") if isinstance(body, dict) else None

    @property
    def uid(self) -> int:
        if self._uid is None:
            uid = self.call("common", "login", self.database, self.username, self.password)
            if not isinstance(uid, int) or isinstance(uid, bool) or uid <= 0:
                raise SourceError(f"{self.name}: Odoo login refused", retryable=False)
            self._uid = uid
        return self._uid

    # Listing

    def rows(self, entity: str, since: datetime | None) -> Iterator[tuple[str, Any]]:
        if entity not in MODELS or entity not in self.mapping:
            return
        model, domain, fields = MODELS[entity]
        domain = list(domain)
        if since is not None:
            changed = CHANGED_BY.get(entity, "write_date")
            domain.append((changed, ">", since.astimezone(UTC).strftime(STAMP)))
        for offset in itertools.count(0, PAGE):
            options = {"fields": fields, "offset": offset, "limit": PAGE, "order": "id"}
            rows = self.execute(model, "search_read", [domain], options)
            if not isinstance(rows, list):
                raise SourceError(f"{self.name}: Odoo's {model} search_read did not give a list")
            if model == "account.move.line":
                rows = self.taxed(rows)
            for row in rows:
                yield f"{model} {row.get('id')}", row
            if len(rows) < PAGE:
                return

    # Taxes

    def taxed(self, lines: list[dict]) -> list[dict]:
        """Lines with the rate, amount and UNTDID 5305 category of their taxes.

        The category is the tax's ``ubl_cii_tax_category_code`` where Odoo's e-invoicing module
        (``account_edi_ubl_cii``, installed with most localisations) gives one; otherwise a
        single percentage tax above zero is the standard rate (``S``). A zero rate could be
        zero-rated, exempt, reverse charge or an export, so without the module's code it stays
        empty — the invoice is then offered no e-invoice rather than a wrong one."""
        wanted = {i for line in lines for i in line.get("tax_ids") or [] if i not in self._taxes}
        if wanted:
            fields = ["id", "amount", "amount_type"]
            if self._has_category_code is None:
                known = self.execute("account.tax", "fields_get", [], {"attributes": ["type"]})
                self._has_category_code = "ubl_cii_tax_category_code" in (known or {})
            if self._has_category_code:
                fields.append("ubl_cii_tax_category_code")
            found = self.execute("account.tax", "read", [sorted(wanted)], {"fields": fields})
            self._taxes.update({tax["id"]: tax for tax in found or []})
        return [self._with_tax(line) for line in lines]

    def _with_tax(self, line: dict) -> dict:
        taxes = [self._taxes[i] for i in line.get("tax_ids") or [] if i in self._taxes]
        percent = [tax for tax in taxes if tax.get("amount_type") == "percent"]
        category = None
        if len(taxes) == 1 and len(percent) == 1:
            code = percent[0].get("ubl_cii_tax_category_code")
            if code:
                category = code
            elif Decimal(str(percent[0].get("amount") or 0)) > 0:
                category = "S"
        rate = sum((Decimal(str(tax.get("amount") or 0)) for tax in percent), Decimal(0))
        try:
            amount = Decimal(str(line["price_total"])) - Decimal(str(line["price_subtotal"]))
        except (KeyError, ArithmeticError, ValueError):
            amount = None  # the mapping reports the line's own bad amounts
        return {**line, "tax_rate": rate, "tax_amount": amount, "tax_category": category}

    # Originals

    def has_documents(self) -> bool:
        return True

    def document(self, invoice: InvoiceRecord) -> Original | None:
        """The invoice's PDF attachment, or None when Odoo has not made one yet."""
        if not invoice.document_ref or not invoice.document_ref.isdigit():
            return None
        found = self.execute(
            "ir.attachment",
            "read",
            [[int(invoice.document_ref)]],
            {"fields": ["datas", "mimetype"]},
        )
        if not found or not found[0].get("datas"):
            return None
        try:
            content = base64.b64decode(found[0]["datas"], validate=True)
        except (binascii.Error, ValueError):
            raise SourceError(
                f"{self.name}: attachment {invoice.document_ref} is not base64"
            ) from None
        return Original(content, found[0].get("mimetype") or None)


def connect(config: SourceConfig) -> OdooConnector:
    from connectors.presets import fill

    return OdooConnector(config, fill(MAPPING, {"currency": config.get("currency", "EUR")}))
