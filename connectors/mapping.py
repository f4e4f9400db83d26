"""The mapping engine: a TOML mapping names, for each canonical field, the source field and the
transforms that make its value canonical; rows in, canonical records out.

A mapping has one table per record type (``accounts``, ``contacts``, ``invoices``, ``lines``,
``payments``, ``allocations``). A field is either the source field's name, or a table:

    total     = { field = "Amount", decimal = ",", thousands = "." }
    issue_date = { field = "DocDate", format = "%d.%m.%Y" }
    kind      = { field = "DocType", values = { INV = "invoice", CRN = "credit_note" } }
    name      = { fields = ["FirstName", "LastName"], join = " " }
    currency  = { constant = "USD" }
    due_date  = { field = "DocDate", add_days = 30 }

Nested sources name where child rows are (``[lines] nested = "salesInvoiceLines"``); flat sources
name the parent's id in each child row (``[lines] invoice = "DocNo"``). Field names may be dotted
paths into JSON (``entity.id``). The mapping is compiled once; applying it is a few calls a field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from connectors import transforms as t
from connectors.errors import FieldError, SourceConfigError

# Canonical fields of each record type: their kind, and whether a row without them is rejected.
TEXT, DECIMAL, DATE, DATETIME = "text", "decimal", "date", "datetime"
BOOL, INT, LIST = "bool", "int", "list"
FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "accounts": {
        "erp_id": (TEXT, True), "name": (TEXT, True), "currency": (TEXT, True),
        "email_domains": (LIST, False), "status": (TEXT, False), "updated_at": (DATETIME, False),
        "deleted": (BOOL, False), "tax_id": (TEXT, False), "address_line1": (TEXT, False),
        "address_line2": (TEXT, False), "postal_code": (TEXT, False), "city": (TEXT, False),
        "region": (TEXT, False), "country_code": (TEXT, False), "payment_terms": (TEXT, False),
        "legal_entity": (TEXT, False), "erp_balance": (DECIMAL, False),
        "vat_exemption_reason": (TEXT, False), "vat_exemption_code": (TEXT, False),
    },
    "contacts": {
        "account": (TEXT, True), "email": (TEXT, True), "name": (TEXT, False),
        "erp_id": (TEXT, False), "role": (TEXT, False), "language": (TEXT, False),
        "active": (BOOL, False), "updated_at": (DATETIME, False), "deleted": (BOOL, False),
    },
    "invoices": {
        "erp_id": (TEXT, True), "number": (TEXT, False), "account": (TEXT, True),
        "issue_date": (DATE, True), "due_date": (DATE, False), "currency": (TEXT, True),
        "total": (DECIMAL, True), "subtotal": (DECIMAL, False), "tax": (DECIMAL, False),
        "kind": (TEXT, False), "amount_paid": (DECIMAL, False), "balance": (DECIMAL, False),
        "status": (TEXT, False), "void": (BOOL, False), "po_number": (TEXT, False),
        "updated_at": (DATETIME, False), "deleted": (BOOL, False), "document_ref": (TEXT, False),
        "payment_terms": (TEXT, False), "legal_entity": (TEXT, False),
        "payment_reference": (TEXT, False), "vat_exemption_reason": (TEXT, False),
        "vat_exemption_code": (TEXT, False), "delivery_date": (DATE, False),
    },
    "lines": {
        "invoice": (TEXT, False), "line_no": (INT, False), "description": (TEXT, False),
        "quantity": (DECIMAL, False), "unit_price": (DECIMAL, False),
        "net_amount": (DECIMAL, False), "tax_rate": (DECIMAL, False),
        "tax_amount": (DECIMAL, False), "sku": (TEXT, False), "tax_category": (TEXT, False),
    },
    "payments": {
        "erp_id": (TEXT, True), "account": (TEXT, True), "received_on": (DATE, True),
        "currency": (TEXT, True), "amount": (DECIMAL, True), "reference": (TEXT, False),
        "method": (TEXT, False), "updated_at": (DATETIME, False), "deleted": (BOOL, False),
    },
    "allocations": {
        "payment": (TEXT, False), "invoice": (TEXT, True), "amount": (DECIMAL, True),
        "applied_on": (DATE, False),
    },
}  # fmt: skip
# Credit notes listed apart from invoices (their own endpoint, file or query) map like invoices.
FIELDS["credit_notes"] = FIELDS["invoices"]
FIELDS["credit_note_lines"] = FIELDS["lines"]
# Keys of a record table that configure it rather than name a canonical field.
STRUCTURE_KEYS = {"nested", "skip_empty"}
_MISSING = object()

Converter = Callable[[Mapping[str, Any]], Any]


def lookup(row: Mapping[str, Any], path: str) -> Any:
    """A field of a row; a dotted path walks into nested JSON objects."""
    value = row.get(path, _MISSING)
    if value is not _MISSING or "." not in path:
        return None if value is _MISSING else value
    current: Any = row
    for part in path.split("."):
        if isinstance(current, list) and part.isdigit():
            # Odoo's many-to-one values are [id, name] pairs: partner_id.0 is the id.
            index = int(part)
            current = current[index] if index < len(current) else None
        elif isinstance(current, Mapping):
            current = current.get(part)
        else:
            return None
    return current


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class RecordMapping:
    record: str
    converters: dict[str, Converter]
    nested: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    # The source field behind each canonical one, where there is a single one.
    sources: dict[str, str] = field(default_factory=dict)

    def convert(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """Canonical values by field name; raises FieldError naming the first bad field."""
        values: dict[str, Any] = {}
        for name, convert in self.converters.items():
            try:
                values[name] = convert(row)
            except FieldError:
                raise
            except (ValueError, TypeError, ArithmeticError) as exc:
                raise FieldError(name, str(exc)) from None
        return values

    def has(self, name: str) -> bool:
        return name in self.converters


def _compile_field(name: str, kind: str, required: bool, spec: Any, zone: tzinfo) -> Converter:
    if isinstance(spec, str):
        spec = {"field": spec}
    if not isinstance(spec, dict):
        raise SourceConfigError(f"mapping of {name!r} must be a field name or a table")
    unknown = set(spec) - {
        "field", "fields", "join", "constant", "default", "format", "decimal", "thousands",
        "negate", "values", "other", "split", "lower", "upper", "add_days", "timezone",
    }  # fmt: skip
    if unknown:
        raise SourceConfigError(f"mapping of {name!r}: unknown option {sorted(unknown)[0]!r}")
    source, fields = spec.get("field"), spec.get("fields")
    default = spec.get("default")
    fmt = spec.get("format", "iso")
    decimal_sep, thousands = spec.get("decimal", "."), spec.get("thousands", "")
    values, other = spec.get("values"), spec.get("other", _MISSING)
    field_zone = ZoneInfo(spec["timezone"]) if "timezone" in spec else zone

    if "constant" in spec:
        constant = spec["constant"]

        def raw(_row: Mapping[str, Any]) -> Any:
            return constant
    elif fields:
        joiner = spec.get("join", " ")

        def raw(row: Mapping[str, Any]) -> Any:
            parts = [t.to_text(v) for f in fields if not _empty(v := lookup(row, f))]
            return joiner.join(parts) if parts else None
    elif source and "." not in source:

        def raw(row: Mapping[str, Any]) -> Any:
            return row.get(source)
    elif source:

        def raw(row: Mapping[str, Any]) -> Any:
            return lookup(row, source)
    else:
        raise SourceConfigError(f"mapping of {name!r} needs field, fields or constant")

    typed = _typed(kind, spec, fmt, decimal_sep, thousands, field_zone)
    if values is not None:
        plain = typed

        def typed(value: Any) -> Any:
            key = t.to_text(value)
            if key in values:
                return plain(values[key])
            if other is not _MISSING:
                return plain(other)
            raise ValueError(f"unknown value {key!r}")

    is_bool = kind == BOOL

    def convert(row: Mapping[str, Any]) -> Any:
        value = raw(row)
        if value is False and not is_bool:
            value = None  # Odoo writes false for an empty field of any type
        if value is None or (value.__class__ is str and not value.strip()):
            if default is not None:
                return typed(default)
            if required:
                raise FieldError(name, "missing")
            return None
        return typed(value)

    return convert


def _typed(kind: str, spec: dict, fmt: str, decimal_sep: str, thousands: str, zone: tzinfo):
    """The conversion of one present value, specialised once per field: the common cases
    (ISO dates, plain decimals, text) take a short path, since a big import runs it millions
    of times."""
    if kind == TEXT:
        case = "lower" if spec.get("lower") else "upper" if spec.get("upper") else None

        def text(value: Any) -> str:
            result = value.strip() if value.__class__ is str else t.to_text(value)
            return getattr(result, case)() if case else result

        return text
    if kind == DECIMAL:
        sign = -1 if spec.get("negate") else 1
        plain = decimal_sep == "." and not thousands

        def number(value: Any) -> Decimal:
            if plain and value.__class__ is str:
                try:
                    result = Decimal(value)
                except InvalidOperation:
                    result = t.to_decimal(value)  # trailing minus, spaces: or a clear error
                if not result.is_finite():
                    raise ValueError(f"not a number: {value!r}")
            else:
                result = t.to_decimal(value, decimal_sep=decimal_sep, thousands_sep=thousands)
            return -result if sign < 0 else result

        return number
    if kind == DATE:
        shift = timedelta(days=int(spec["add_days"])) if "add_days" in spec else None
        iso = fmt == "iso"

        def day(value: Any) -> date:
            if iso and value.__class__ is str and len(value) >= 10 and value[4] == "-":
                try:
                    result = date.fromisoformat(value[:10])
                except ValueError:
                    result = t.to_date(value, fmt)
            else:
                result = t.to_date(value, fmt)
            return result + shift if shift else result

        return day
    if kind == DATETIME:
        return lambda value: t.to_datetime(value, fmt, zone)
    if kind == BOOL:
        return t.to_bool
    if kind == INT:

        def integer(value: Any) -> int:
            if value.__class__ is int:
                return value
            if value.__class__ is str and value.isdigit():  # "3", the common case, directly
                return int(value)
            return int(t.to_decimal(value))

        return integer
    if kind == LIST:
        separator = spec.get("split", ",")

        def items(value: Any) -> list[str]:
            if isinstance(value, list):
                return [t.to_text(v) for v in value if not _empty(v)]
            return [p.strip() for p in t.to_text(value).split(separator) if p.strip()]

        return items
    raise AssertionError(kind)


def compile_mapping(spec: dict[str, Any]) -> dict[str, RecordMapping]:
    """Compile a mapping (the parsed TOML) into one RecordMapping per record type it maps."""
    options = spec.get("options", {})
    zone: tzinfo = ZoneInfo(options["timezone"]) if options.get("timezone") else UTC
    compiled: dict[str, RecordMapping] = {}
    for record, table in spec.items():
        if record == "options":
            continue
        if record not in FIELDS:
            raise SourceConfigError(f"mapping: unknown record type [{record}]")
        known = FIELDS[record]
        converters: dict[str, Converter] = {}
        for name, field_spec in table.items():
            if name in STRUCTURE_KEYS:
                continue
            if name not in known:
                raise SourceConfigError(f"mapping [{record}]: unknown field {name!r}")
            kind, required = known[name]
            converters[name] = _compile_field(name, kind, required, field_spec, zone)
        missing = [n for n, (_, req) in known.items() if req and n not in converters]
        if missing:
            raise SourceConfigError(f"mapping [{record}] must map {', '.join(missing)}")
        sources = {
            name: s if isinstance(s, str) else s.get("field", "")
            for name, s in table.items()
            if name not in STRUCTURE_KEYS and (isinstance(s, str) or "field" in s)
        }
        record_options = {**options, "skip_empty": table.get("skip_empty", [])}
        compiled[record] = RecordMapping(
            record, converters, table.get("nested"), record_options, sources
        )
    return compiled
