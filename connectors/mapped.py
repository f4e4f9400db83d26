"""A connector made of raw rows and a mapping: what the generic sources and presets share.

A subclass only lists raw rows per entity (``rows``); this class turns them into canonical
records, attaches lines to invoices and allocations to payments (nested in the parent row or in
rows of their own), keeps what changed since the watermark, and reports bad rows.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from connectors import builders
from connectors.base import Connector
from connectors.errors import FieldError
from connectors.mapping import RecordMapping, lookup
from connectors.records import (
    AccountRecord,
    AllocationRecord,
    ContactRecord,
    InvoiceRecord,
    LineRecord,
    PaymentRecord,
    Rejection,
)

Row = Mapping[str, Any]


class MappedConnector(Connector):
    def __init__(self, name: str, mapping: dict[str, RecordMapping]) -> None:
        self.name = name
        self.mapping = mapping

    @abstractmethod
    def rows(self, entity: str, since: datetime | None) -> Iterator[tuple[str, Row]]:
        """Raw rows of one entity as (row label for reports, row); ``since`` lets a source
        filter on its side, rows older than it are dropped here anyway."""

    # The interface

    def accounts(self, since: datetime | None) -> Iterator[AccountRecord | Rejection]:
        return self._simple("accounts", since, builders.build_account)

    def contacts(self, since: datetime | None) -> Iterator[ContactRecord | Rejection]:
        if "contacts" not in self.mapping:
            return iter(())
        return self._simple("contacts", since, builders.build_contact)

    def invoices(self, since: datetime | None) -> Iterator[InvoiceRecord | Rejection]:
        yield from self._with_children(
            "invoices", "lines", "invoice", since, builders.build_invoice, self._line
        )
        if "credit_notes" in self.mapping:
            yield from self._with_children(
                "credit_notes", "credit_note_lines", "invoice", since, _credit_note, self._line
            )

    def payments(self, since: datetime | None) -> Iterator[PaymentRecord | Rejection]:
        if "payments" not in self.mapping:
            return iter(())
        return self._with_children(
            "payments", "allocations", "payment", since, builders.build_payment, self._allocation
        )

    def provides(self, kind: str) -> bool:
        return kind in self.mapping

    def gives_balances(self) -> bool:
        invoices = self.mapping.get("invoices")
        return invoices is not None and (invoices.has("amount_paid") or invoices.has("balance"))

    # The machinery

    def _simple(self, entity: str, since: datetime | None, build) -> Iterator[Any]:
        mapping = self.mapping[entity]
        skip_empty = [mapping.sources.get(f, f) for f in mapping.options.get("skip_empty", [])]
        for label, row in self.rows(entity, since):
            if any(lookup(row, f) in (None, "", False) for f in skip_empty):
                continue  # e.g. a customer without an email address is no contact
            try:
                record = build(mapping.convert(row))
            except FieldError as exc:
                yield Rejection(entity, label, exc.field, exc.reason)
                continue
            if _changed_since(record, since):
                record.row = label
                yield record

    def _with_children(
        self, entity: str, child: str, parent_key: str, since, build, build_child
    ) -> Iterator[Any]:
        mapping = self.mapping[entity]
        child_mapping = self.mapping.get(child)
        flat: dict[str, list[tuple[str, Any]]] | None = None
        bad_parents: set[str] = set()
        if child_mapping is not None and child_mapping.nested is None:
            flat, rejected_children, bad_parents = self._group_children(
                child, parent_key, since, build_child
            )
            yield from rejected_children
        for label, row in self.rows(entity, since):
            try:
                record = build(mapping.convert(row))
            except FieldError as exc:
                yield Rejection(entity, label, exc.field, exc.reason)
                continue
            if not _changed_since(record, since):
                continue
            record.row = label
            children: list[Any] | None = None
            if child_mapping is not None and child_mapping.nested is not None:
                children = []
                failed = None
                for position, child_row in enumerate(lookup(row, child_mapping.nested) or [], 1):
                    try:
                        children.append(build_child(child_mapping.convert(child_row), position))
                    except FieldError as exc:
                        failed = Rejection(child, f"{label}/{position}", exc.field, exc.reason)
                        break
                if failed is not None:
                    yield failed
                    yield Rejection(entity, label, child, f"{child} {failed.row} rejected")
                    continue
            elif flat is not None:
                if record.erp_id in bad_parents:
                    yield Rejection(entity, label, child, f"a row of {child} was rejected")
                    continue
                group = flat.pop(record.erp_id, None)
                # A changes-only line listing may filter lines by their own change time: an
                # invoice it lists without lines keeps those stored instead of losing them.
                # A complete listing is believed: no lines there means none.
                keep = group is None and since is not None and isinstance(record, InvoiceRecord)
                children = None if keep else [c for _, c in group or []]
            if isinstance(record, InvoiceRecord):
                if children and record.kind == "credit_note":
                    children = [builders.credit_note_line(line) for line in children]
                record.lines = children
            elif children is not None:
                record.allocations = children
            yield record

    def _group_children(self, child: str, parent_key: str, since, build_child):
        mapping = self.mapping[child]
        groups: dict[str, list[tuple[str, Any]]] = {}
        rejected: list[Rejection] = []
        bad_parents: set[str] = set()
        for label, row in self.rows(child, since):
            try:
                values = mapping.convert(row)
                parent = values.get(parent_key)
                if not parent:
                    raise FieldError(parent_key, "missing")
                group = groups.setdefault(parent, [])
                group.append((label, build_child(values, len(group) + 1)))
            except FieldError as exc:
                rejected.append(Rejection(child, label, exc.field, exc.reason))
                # The parent is kept out too: an invoice without one of its lines would lie.
                source_field = mapping.sources.get(parent_key)
                if source_field:
                    bad_parents.add(str(lookup(row, source_field) or ""))
        return groups, rejected, bad_parents

    @staticmethod
    def _line(values: dict[str, Any], position: int) -> LineRecord:
        return builders.build_line(values, position)

    @staticmethod
    def _allocation(values: dict[str, Any], _position: int) -> AllocationRecord:
        return builders.build_allocation(values)


def _credit_note(values: dict[str, Any]) -> InvoiceRecord:
    return builders.build_invoice({**values, "kind": values.get("kind") or "credit_note"})


def _changed_since(record: Any, since: datetime | None) -> bool:
    updated = getattr(record, "updated_at", None)
    return since is None or updated is None or updated > since
