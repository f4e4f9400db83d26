"""Odoo, through its external API (JSON-RPC ``execute_kw``).

    [sources.odoo]
    kind = "odoo"
    url = "https://mycompany.odoo.com"
    database = "mycompany"
    username = "ardesk@mycompany.com"
    auth = { password_env = "ODOO_API_KEY" }       # an API key (Preferences → Account Security)

Partners (``res.partner``, companies as accounts, their people with an email as contacts),
customer invoices and credit notes (``account.move``, ``out_invoice`` / ``out_refund``, posted or
cancelled) with their product lines (``account.move.line``), inbound payments
(``account.payment``). ``search_read`` pages by offset and limit; changes by ``write_date``.
The balance is Odoo's ``amount_residual``. Originals come from the invoice report
(``/report/pdf/account.report_invoice/ID``) after a web login (Odoo keeps it in a cookie).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from connectors.config import SourceConfig
from connectors.errors import SourceError
from connectors.records import InvoiceRecord
from connectors.sources.rest import RestConnector

PAGE = 500
STAMP = "%Y-%m-%d %H:%M:%S"  # Odoo stores write_date in UTC, without a zone
MOVES = [("move_type", "in", ["out_invoice", "out_refund"]), ("state", "in", ["posted", "cancel"])]
MODELS: dict[str, tuple[str, list, list[str]]] = {
    "accounts": (
        "res.partner",
        [("is_company", "=", True), ("customer_rank", ">", 0)],
        ["id", "name", "email", "currency_id", "active", "write_date"],
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
        ],
    ),
    "payments": (
        "account.payment",
        [("payment_type", "=", "inbound"), ("state", "in", ["posted", "paid", "in_process"])],
        ["id", "name", "partner_id", "date", "amount", "currency_id", "memo", "write_date"],
    ),
}
MAPPING = {
    "accounts": {
        "erp_id": "id",
        "name": "name",
        "currency": {"field": "currency_id.1", "default": "{currency}"},
        "status": {"field": "active", "values": {"False": "closed"}, "other": "active"},
        "updated_at": "write_date",
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
    },
    "lines": {
        "invoice": "move_id.0",
        "line_no": "sequence",
        "sku": "product_id.1",
        "description": "name",
        "quantity": "quantity",
        "unit_price": "price_unit",
        "net_amount": "price_subtotal",
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
        self.username = config.require("username")
        self.password = config.secret_from(config.get("auth", {}), "password")
        self._uid: int | None = None
        self._ids = itertools.count(1)

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
            denied = "AccessDenied" in name or "AccessError" in name
            raise SourceError(f"{self.name}: Odoo refused {method}: {name}", retryable=not denied)
        return body.get("result") if isinstance(body, dict) else None

    @property
    def uid(self) -> int:
        if self._uid is None:
            uid = self.call("common", "login", self.database, self.username, self.password)
            if not uid:
                raise SourceError(f"{self.name}: Odoo login refused", retryable=False)
            self._uid = int(uid)
        return self._uid

    def rows(self, entity: str, since: datetime | None) -> Iterator[tuple[str, Any]]:
        if entity not in MODELS or entity not in self.mapping:
            return
        model, domain, fields = MODELS[entity]
        domain = list(domain)
        if since is not None:
            domain.append(("write_date", ">", since.astimezone(UTC).strftime(STAMP)))
        for offset in itertools.count(0, PAGE):
            options = {"fields": fields, "offset": offset, "limit": PAGE, "order": "id"}
            rows = self.call(
                "object", "execute_kw", self.database, self.uid, self.password, model,
                "search_read", [domain], options,
            )  # fmt: skip
            for row in rows or []:
                yield f"{model} {row.get('id')}", row
            if not rows or len(rows) < PAGE:
                return

    def has_documents(self) -> bool:
        return True

    def document(self, invoice: InvoiceRecord) -> bytes | None:
        """The invoice report, rendered by Odoo, after a web login (Odoo keeps it in a cookie)."""
        self.client.json(
            "POST",
            "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": self.database, "login": self.username, "password": self.password},
            },
        )
        response = self.client.request(
            "GET", f"/report/pdf/account.report_invoice/{invoice.erp_id}"
        )
        return response.content


def connect(config: SourceConfig) -> OdooConnector:
    from connectors.presets import fill

    return OdooConnector(config, fill(MAPPING, {"currency": config.get("currency", "EUR")}))
