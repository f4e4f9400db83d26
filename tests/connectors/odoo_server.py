"""A fake Odoo serving both external APIs over one set of records: JSON-RPC (``/jsonrpc``:
``common.login``, then ``object.execute_kw`` with the uid and key on every call) and Odoo 19's
JSON-2 (``/json/2/<model>/<method>``, the API key as bearer token, the database in
``X-Odoo-Database``). Domains, fields, order, offset and limit are applied; what Odoo refuses is
refused in each protocol's shape: a wrong key, an unknown field, a domain it cannot read.

The web report route answers like Odoo without a web session: a redirect to its HTML login page.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from tests.connectors.fake_erp import FakeERP, Reply, Request

# Many-to-one fields a domain may walk through, and the model they point to.
RELATIONS = {("account.move.line", "move_id"): "account.move"}
MAGIC = {"id", "display_name", "create_date", "write_date"}  # every model has them
LOGIN_PAGE = b"<!DOCTYPE html><html><body><form action='/web/login'>Log in</form></body></html>"


class OdooRefusal(Exception):
    def __init__(self, name: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.name, self.status = name, status


@dataclass
class FakeOdoo:
    erp: FakeERP
    key: str = "api-key"
    database: str = "odoo"
    login: str = "ardesk@example.com"
    uid: int = 2
    records: dict[str, list[dict]] = field(default_factory=dict)
    fields: dict[str, set[str]] = field(default_factory=dict)  # beyond the rows' own keys
    calls: list[tuple[str, str, list, dict]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.erp.route("POST", "/jsonrpc", self.jsonrpc)
        for model in ("res.partner", "account.move", "account.move.line", "account.payment",
                      "account.tax", "ir.attachment"):  # fmt: skip
            for method in ("search_read", "read", "fields_get"):
                self.erp.route("POST", f"/json/2/{model}/{method}", self.json2)
        self.erp.route(
            "GET", "/web/login", Reply(200, LOGIN_PAGE, content_type="text/html; charset=utf-8")
        )

    def attach(self, attachment_id: int, content: bytes, mimetype: str = "application/pdf"):
        self.records.setdefault("ir.attachment", []).append(
            {"id": attachment_id, "datas": base64.b64encode(content).decode(), "mimetype": mimetype}
        )

    # JSON-RPC

    def jsonrpc(self, request: Request) -> Any:
        call = request.json()
        params = call["params"]
        try:
            if params["service"] == "common" and params["method"] == "login":
                ok = params["args"] == [self.database, self.login, self.key]
                return {"jsonrpc": "2.0", "id": call["id"], "result": self.uid if ok else False}
            db, uid, key, model, method, args, *rest = params["args"]
            if (db, uid, key) != (self.database, self.uid, self.key):
                raise OdooRefusal("odoo.exceptions.AccessDenied", "Access Denied")
            result = self.execute(model, method, args, rest[0] if rest else {})
            return {"jsonrpc": "2.0", "id": call["id"], "result": result}
        except OdooRefusal as refusal:
            error = {"name": refusal.name, "message": str(refusal), "arguments": [str(refusal)]}
            return {
                "jsonrpc": "2.0",
                "id": call["id"],
                "error": {"code": 200, "message": "Odoo Server Error", "data": error},
            }

    # JSON-2

    def json2(self, request: Request) -> Reply:
        _, _, _, model, method = request.path.split("/")
        try:
            if request.headers.get("authorization") != f"bearer {self.key}":
                raise OdooRefusal("werkzeug.exceptions.Unauthorized", "Invalid apikey", 401)
            if request.headers.get("x-odoo-database") != self.database:
                raise OdooRefusal("werkzeug.exceptions.NotFound", "Database not found", 404)
            body = dict(request.json())
            named = {"read": "ids", "search_read": "domain"}.get(method)
            args = [body.pop(named, [])] if named else []
            return Reply(200, self.execute(model, method, args, body))
        except OdooRefusal as refusal:
            return Reply(
                refusal.status,
                {"name": refusal.name, "message": str(refusal), "arguments": [str(refusal)]},
            )

    # The model layer both protocols share

    def execute(self, model: str, method: str, args: list, options: dict) -> list[dict] | dict:
        self.calls.append((model, method, args, options))
        rows = self.records.get(model, [])
        known = MAGIC | self.fields.get(model, set()) | {k for row in rows for k in row}
        if method == "fields_get":  # what this database's installed modules define
            return {name: {"type": "char"} for name in sorted(known)}
        wanted = options.get("fields") or sorted(known)
        for name in wanted:
            if name not in known:
                raise OdooRefusal("builtins.ValueError", f"Invalid field {name!r} on {model!r}")
        if method == "read":
            rows = [row for row in rows if row["id"] in args[0]]
        elif method == "search_read":
            rows = [row for row in rows if self._matches(model, row, args[0], known)]
            # Stricter than Odoo, which pages in its default order: without a stable order
            # a record changed between two pages can be read twice or never.
            if options.get("order") not in ("id", "id asc"):
                raise OdooRefusal("builtins.ValueError", "paging needs order='id'")
            rows.sort(key=lambda row: row["id"])
            offset = options.get("offset", 0)
            rows = rows[offset : offset + options["limit"] if "limit" in options else None]
        else:
            raise OdooRefusal("odoo.exceptions.UserError", f"no method {method}")
        return [{name: row.get(name, False) for name in wanted} for row in rows]

    def _matches(self, model: str, row: dict, domain: list, known: set[str]) -> bool:
        for term in domain:
            if not isinstance(term, list | tuple) or len(term) != 3:
                raise OdooRefusal("builtins.ValueError", f"Invalid leaf {term!r}")
            name, operator, value = term
            if not self._holds(model, row, name, operator, value, known):
                return False
        return True

    def _holds(self, model, row, name, operator, value, known) -> bool:
        head, _, rest = name.partition(".")
        if head not in known:
            raise OdooRefusal("builtins.ValueError", f"Invalid field {name!r} in leaf")
        actual = row.get(head, False)
        if rest:
            target = RELATIONS[(model, head)]
            related = next(r for r in self.records[target] if actual and r["id"] == actual[0])
            return self._holds(target, related, rest, operator, value, set(related))
        if isinstance(actual, list) and len(actual) == 2:
            actual = actual[0]  # a many-to-one compares by id
        if operator == "=":
            return actual == value
        if operator == "!=":
            return actual != value
        if operator == "in":
            return actual in value
        if operator == ">":
            return actual is not False and actual > value
        raise OdooRefusal("builtins.ValueError", f"Invalid operator {operator!r}")
