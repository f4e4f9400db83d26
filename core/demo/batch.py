"""A batch of generated rows, table by table, in the order they can be inserted."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from core.demo.accounts import ACCOUNT_COLUMNS, CHAT_MAPPING_COLUMNS, CONTACT_COLUMNS

INVOICE_COLUMNS = ("id", "source", "erp_id", "number", "kind", "issue_date", "due_date",
                   "currency", "subtotal", "tax", "total", "amount_paid", "balance", "status",
                   "po_number", "source_updated_at", "created_at", "updated_at", "account_id")
LINE_COLUMNS = ("id", "invoice_id", "line_no", "sku", "description", "quantity", "unit_price",
                "tax_rate", "net_amount", "tax_amount", "tax_category", "account_id")
PAYMENT_COLUMNS = ("id", "source", "erp_id", "reference", "received_on", "method", "currency",
                   "amount", "source_updated_at", "created_at", "account_id")
ALLOCATION_COLUMNS = ("id", "payment_id", "invoice_id", "amount", "applied_on", "account_id")

COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": ACCOUNT_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "chat_mappings": CHAT_MAPPING_COLUMNS,
    "invoices": INVOICE_COLUMNS,
    "invoice_lines": LINE_COLUMNS,
    "payments": PAYMENT_COLUMNS,
    "payment_allocations": ALLOCATION_COLUMNS,
}


@dataclass
class Batch:
    """Rows in stored form; the field names are the table names, in foreign-key order."""

    accounts: list[tuple] = field(default_factory=list)
    contacts: list[tuple] = field(default_factory=list)
    chat_mappings: list[tuple] = field(default_factory=list)
    invoices: list[tuple] = field(default_factory=list)
    invoice_lines: list[tuple] = field(default_factory=list)
    payments: list[tuple] = field(default_factory=list)
    payment_allocations: list[tuple] = field(default_factory=list)

    def take(self) -> Batch:
        """Hand over what was collected and start empty again."""
        taken = Batch(**{f.name: getattr(self, f.name) for f in fields(self)})
        for f in fields(self):
            setattr(self, f.name, [])
        return taken

    def tables(self) -> list[tuple[str, tuple[str, ...], list[tuple]]]:
        return [(f.name, COLUMNS[f.name], getattr(self, f.name)) for f in fields(self)]

    @property
    def row_count(self) -> int:
        return sum(len(getattr(self, f.name)) for f in fields(self))

    def __bool__(self) -> bool:
        return self.row_count > 0
