"""The invoice list: filters from the query string, keyset pagination, a capped count.

Keyset pagination (``after``/``before`` the last row seen, on the sort column and the id) reads
one page from an index whatever the page number, so the list stays fast at 100,000 invoices on
one account; the count stops at ``COUNT_CAP`` instead of scanning them all on every page.
"""

from __future__ import annotations

import base64
import json
from collections import namedtuple
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    null,
    or_,
    select,
)
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from core.db import written_limit
from core.driver_statements import DriverStatement, Prefetch
from core.models import OPEN_STATUSES, Invoice, InvoiceStatus
from web.planning import plans_reused
from web.row_ids import MAX_ROW_ID

PAGE_SIZE = 25  # a screenful on a phone; rendering, not the query, is what a page costs
COUNT_CAP = 1000
STATUSES = ("all", "open", "paid")
SORTS = {
    "issued": Invoice.issue_date,
    "due": Invoice.due_date,
    "number": Invoice.number,
    "amount": Invoice.total,
}
MAX_SEARCH = 64
MAX_AMOUNT = Decimal("1e14")  # amount filters and cursors refuse larger ones (400)
MAX_DECIMALS = 12  # and more decimal places than this
MAX_CURSOR = 512  # characters: a cursor holds one sort value and an id


def open_invoices() -> ColumnElement[bool]:
    """``status IN ('open', 'partially_paid')`` with the values written into the SQL: SQLite uses
    the partial index on open invoices (``core.models.portal_indexes``) only for a condition
    that repeats the index's own, and bound parameters are not the same text."""
    # Literal columns, not a "literal_execute" parameter: that would render the statement's text
    # anew on every execution. The values are the enum's own.
    return Invoice.status.in_([literal_column(f"'{status.value}'") for status in OPEN_STATUSES])


def _date(args: MultiDict[str, str], name: str) -> date | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} is not a date") from None


def _amount(args: MultiDict[str, str], name: str) -> Decimal | None:
    value = args.get(name, "").strip().replace(",", ".")
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise BadRequest(f"{name} is not an amount") from None
    if not _storable(amount):
        raise BadRequest(f"{name} is not an amount")
    return amount


def _storable(amount: Decimal) -> bool:
    """Whether the list can filter or page by this amount: finite, under ``MAX_AMOUNT`` and
    with at most ``MAX_DECIMALS`` places (compared exactly: ``abs()`` would round, and raise on
    an exponent like ``1e999999999``)."""
    return (
        amount.is_finite()
        and amount.copy_abs() < MAX_AMOUNT
        and int(amount.as_tuple().exponent) >= -MAX_DECIMALS
    )


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = "all"
    search: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    sort: str = "issued"
    descending: bool = True

    @classmethod
    def from_args(cls, args: MultiDict[str, str], fixed: dict[str, Any]) -> InvoiceFilters:
        """Filters from the query string; ``fixed`` (a list link's own filters) always wins."""
        status = args.get("status", "all")
        sort = args.get("sort", "issued")
        filters = cls(
            status=status if status in STATUSES else "all",
            search=args.get("q", "").strip()[:MAX_SEARCH],
            issued_from=_date(args, "from"),
            issued_to=_date(args, "to"),
            amount_min=_amount(args, "min"),
            amount_max=_amount(args, "max"),
            sort=sort if sort in SORTS else "issued",
            descending=args.get("dir", "desc") != "asc",
        )
        return replace(filters, **fixed) if fixed else filters

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.status == "open":
            conditions.append(open_invoices())
        elif self.status == "paid":
            conditions.append(Invoice.status == InvoiceStatus.paid)
        if self.search:
            conditions.append(_search(self.search))
        if self.issued_from:
            conditions.append(Invoice.issue_date >= self.issued_from)
        if self.issued_to:
            conditions.append(Invoice.issue_date <= self.issued_to)
        if self.amount_min is not None:
            conditions.append(Invoice.total >= self.amount_min)
        if self.amount_max is not None:
            conditions.append(Invoice.total <= self.amount_max)
        return conditions

    def as_args(self) -> dict[str, str]:
        """The query string that reproduces these filters (for sort links, pages and exports)."""
        args = {
            "status": self.status,
            "q": self.search,
            "from": self.issued_from.isoformat() if self.issued_from else "",
            "to": self.issued_to.isoformat() if self.issued_to else "",
            "min": str(self.amount_min) if self.amount_min is not None else "",
            "max": str(self.amount_max) if self.amount_max is not None else "",
            "sort": self.sort,
            "dir": "desc" if self.descending else "asc",
        }
        return {name: value for name, value in args.items() if value}


def _search(text: str) -> ColumnElement[bool]:
    """Invoice or PO numbers starting with the text (an index range), or numbers ending in it
    ("10423" finds "INV-10423")."""
    upper = text + "\U0010ffff"
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(
        and_(Invoice.number >= text, Invoice.number < upper),
        and_(Invoice.po_number >= text, Invoice.po_number < upper),
        Invoice.number.like(f"%{escaped}", escape="\\"),
    )


def encode_cursor(value: Any, row_id: int) -> str:
    raw = json.dumps([str(value), row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    """The sort value and row id a page cursor holds; 400 for anything this list did not write
    (a cursor is the visitor's input: its value must be text, its id a row id)."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        text, last_id = json.loads(raw)
        if not isinstance(text, str):
            raise TypeError(text)
        value: Any = text
        if sort in ("issued", "due"):
            value = date.fromisoformat(text)
        elif sort == "amount":
            value = Decimal(text)
            if not _storable(value):
                raise ValueError(text)
        if not isinstance(last_id, int) or not 0 <= last_id <= MAX_ROW_ID:
            raise ValueError(last_id)
        return value, last_id
    except (ValueError, TypeError, InvalidOperation, RecursionError):
        raise BadRequest("not a page of this list") from None


# What a page of the list shows and its cursors need, read as plain rows with SQLAlchemy Core:
# loading 26 ORM objects a page cost more than the query. The ORM's account criteria apply only to
# ORM statements, so these name the account themselves (row-level security applies as ever).
LIST_COLUMNS = (
    Invoice.id,
    Invoice.number,
    Invoice.kind,
    Invoice.issue_date,
    Invoice.due_date,
    Invoice.po_number,
    Invoice.currency,
    Invoice.total,
    Invoice.balance,
    Invoice.status,
)
# A row of the page: LIST_COLUMNS, the capped count of all that match, and what the statement
# did to the transaction's planning (``reuse_plans_after``; nothing to show).
ListedInvoice = namedtuple(
    "ListedInvoice", [c.key for c in LIST_COLUMNS] + ["matching", "planning"]
)


@dataclass(frozen=True)
class Page:
    rows: list[ListedInvoice]
    next_cursor: str | None
    previous_cursor: str | None
    count: int
    count_capped: bool


def _sort_value(invoice: ListedInvoice, sort: str) -> Any:
    return getattr(invoice, SORTS[sort].key)


def base_query(filters: InvoiceFilters, scope: list[ColumnElement[bool]]) -> Select:
    return select(Invoice).where(*scope, *filters.conditions())


def page(
    connection: Connection,
    account_id: int,
    filters: InvoiceFilters,
    scope: list[ColumnElement[bool]],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
    reuse_plans_after: bool = False,
) -> Page:
    """A page of the list. ``reuse_plans_after``: the statements after this one may reuse their
    plans again (``web.planning``), when the transaction plans with values for this one."""
    backwards, cursor = _direction(after, before)
    account = {"account_id": account_id}
    params = _params(account_id, filters, cursor)
    if scope:  # a link's own scope (a list or some invoices): built for it
        query, count_query = _statements(
            filters, tuple(scope), backwards, bool(cursor), size, reuse_plans_after
        )
        rows = [ListedInvoice(*row) for row in connection.execute(query, params)]
        count = rows[0].matching if rows else connection.scalar(count_query, account) or 0
    else:
        prepared, prepared_count = _prepared(
            filters, backwards, bool(cursor), size, reuse_plans_after
        )
        rows = [ListedInvoice(*row) for row in prepared.all(connection, params)]
        # Each row carries the capped count (``matching``); a page past the end has no row to.
        count = rows[0].matching if rows else prepared_count.first(connection, account)[0]
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    has_next = more if not backwards else True
    has_previous = (cursor is not None) if not backwards else more
    return Page(
        rows=rows,
        next_cursor=encode_cursor(_sort_value(last, filters.sort), last.id)
        if last and has_next
        else None,
        previous_cursor=encode_cursor(_sort_value(first, filters.sort), first.id)
        if first and has_previous
        else None,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
    )


def page_ahead(
    account_id: int,
    filters: InvoiceFilters,
    *,
    after: str | None = None,
    before: str | None = None,
    reuse_plans_after: bool = False,
) -> Prefetch:
    """The statement ``page`` runs first for a link to the whole portal (no scope of its own),
    with its values, to send ahead (``web.prefetch``); a cursor it cannot read is a 400."""
    backwards, cursor = _direction(after, before)
    prepared, _ = _prepared(filters, backwards, bool(cursor), PAGE_SIZE, reuse_plans_after)
    return Prefetch(prepared, _params(account_id, filters, cursor))


def _direction(after: str | None, before: str | None) -> tuple[bool, str | None]:
    """Whether the page is read backwards (``before``: the order flipped, then the page flipped
    back), and its cursor."""
    return before is not None and after is None, after or before


def _params(account_id: int, filters: InvoiceFilters, cursor: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"account_id": account_id}
    if cursor:
        params["cursor_value"], params["cursor_id"] = decode_cursor(cursor, filters.sort)
    return params


def _statements(
    filters: InvoiceFilters,
    scope: tuple[ColumnElement[bool], ...],
    backwards: bool,
    with_cursor: bool,
    size: int,
    reuse_plans_after: bool = False,
) -> tuple[Select, Select]:
    """The page's query (its rows with the capped count of all that match) and that count on its
    own, with the account and the cursor as parameters (``account_id``, ``cursor_value``,
    ``cursor_id``)."""
    column = SORTS[filters.sort]
    conditions = [Invoice.account_id == bindparam("account_id"), *scope, *filters.conditions()]
    query = select(*LIST_COLUMNS).where(*conditions)
    descending = filters.descending != backwards
    if with_cursor:
        value, row_id = bindparam("cursor_value"), bindparam("cursor_id")
        if descending:
            # The plain bound lets the index start at the cursor instead of filtering up to it.
            query = query.where(
                column <= value, or_(column < value, and_(column == value, Invoice.id < row_id))
            )
        else:
            query = query.where(
                column >= value, or_(column > value, and_(column == value, Invoice.id > row_id))
            )
    order = (column.desc(), Invoice.id.desc()) if descending else (column.asc(), Invoice.id.asc())
    count = _capped_count(conditions, order[:1])
    # The count rides along with the page (one statement, one round trip less); it is the same
    # on every row, and PostgreSQL and SQLite work out an uncorrelated subquery once.
    planning = plans_reused() if reuse_plans_after else null()
    query = query.add_columns(count.scalar_subquery().label("matching"), planning.label("planning"))
    return query.order_by(*order).limit(written_limit(size + 1)), count


@lru_cache(maxsize=256)
def _prepared(
    filters: InvoiceFilters, backwards: bool, with_cursor: bool, size: int, reuse_plans_after: bool
) -> tuple[DriverStatement, DriverStatement]:
    """``_statements`` for a portal link's list, built and compiled once per process for each
    set of filters and direction (the filters' values are literals of the statement): building
    them cost more than running them, and running them through SQLAlchemy's execution as much
    again as through the driver."""
    query, count = _statements(filters, (), backwards, with_cursor, size, reuse_plans_after)
    return DriverStatement(query), DriverStatement(count)


def _capped_count(
    conditions: list[ColumnElement[bool]], order: tuple[ColumnElement[Any], ...]
) -> Select:
    """How many invoices match, counting no further than COUNT_CAP (one more, to tell).

    Counted in the page's own order, so the planner reads the index the page reads: unordered,
    PostgreSQL scans the table expecting matches spread evenly, and open invoices (the recent
    ones) are not — 66,000 rows read to find 1,001.
    """
    limited = (
        select(Invoice.id).where(*conditions).order_by(*order).limit(written_limit(COUNT_CAP + 1))
    )
    return select(func.count()).select_from(limited.subquery())
