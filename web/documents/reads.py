"""What serving a stored document reads, as prepared SQLAlchemy Core statements.

A cached invoice PDF is the portal's most frequent download: through the ORM its reads (invoice,
lines, account, payments, the stored file) cost more CPU than everything else in the request.
These statements are built once, run on the request's account-scoped connection and return plain
rows. The ORM's account criteria apply only to ORM statements, so each statement names the
account itself; on PostgreSQL row-level security applies to them as to every statement of the
scope.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, namedtuple
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from core.driver_statements import DriverStatement, Prefetch
from core.models import (
    Account,
    Document,
    DocumentKind,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
)

_ACCOUNT = bindparam("account_id")
_INVOICE_ID = bindparam("invoice_id")

_ORIGINAL = exists().where(
    Document.account_id == _ACCOUNT,
    Document.invoice_id == Invoice.id,
    Document.kind == DocumentKind.erp_original,
)
_INVOICE_COLUMNS = tuple(Invoice.__table__.c)
_ACCOUNT_COLUMNS = tuple(Account.__table__.c)


# A separator written into the SQL: given as a str, SQLAlchemy binds it "literal_execute", which
# renders the statement's text anew on every execution.
_SLASH = literal_column("'/'")


class row_text(FunctionElement[str]):
    """Columns' values as one text no other values share: PostgreSQL's row literal, SQLite's
    comma-separated SQL literals (``quote``). Either quotes what could be read as a separator and
    tells NULL from an empty text. (Short, too: psycopg parses a statement's text only once when
    it is under 4 KB.)"""

    type = String()
    name = "row_text"
    inherit_cache = True


@compiles(row_text)
def _row_text(element: row_text, compiler, **kw) -> str:
    return " || ',' || ".join(f"quote({compiler.process(c, **kw)})" for c in element.clauses)


@compiles(row_text, "postgresql")
def _row_text_postgresql(element: row_text, compiler, **kw) -> str:
    return f"CAST(ROW({compiler.process(element.clauses, **kw)}) AS TEXT)"


def _rows_text(columns: tuple[ColumnElement[Any], ...], *where, order_by) -> ColumnElement[str]:
    """The matching rows' ``columns`` as one text value (NULL without rows), in order."""
    rows = select(row_text(*columns).label("row")).where(*where).order_by(*order_by).subquery()
    return select(func.aggregate_strings(rows.c.row, _SLASH)).scalar_subquery()


# Everything a copy states about its lines and the payments applied to it, as two text values
# of the invoice's row: part of the text its cache key is the hash of (``_COPY_TEXT``).
_LINES_TEXT = _rows_text(
    tuple(InvoiceLine.__table__.c),
    InvoiceLine.invoice_id == _INVOICE_ID,
    InvoiceLine.account_id == _ACCOUNT,
    order_by=(InvoiceLine.line_no, InvoiceLine.id),
)
_PAYMENTS_TEXT = _rows_text(
    (PaymentAllocation.applied_on, Payment.reference, PaymentAllocation.amount, Payment.currency,
     Payment.received_on, Payment.id),
    Payment.id == PaymentAllocation.payment_id,
    PaymentAllocation.invoice_id == _INVOICE_ID,
    PaymentAllocation.account_id == _ACCOUNT,
    order_by=(PaymentAllocation.applied_on, PaymentAllocation.id),
)  # fmt: skip
# Bookkeeping columns no document states: a sync moves them without changing a copy's content.
UNSTATED = frozenset({"created_at", "updated_at", "source_updated_at", "data_as_of"})


class sha256_hex(FunctionElement[str]):
    """The SHA-256 of a text's UTF-8, in hex: PostgreSQL's own, SQLite's registered by
    ``core.db`` on every connection."""

    type = String()
    name = "sha256_hex"
    inherit_cache = True


@compiles(sha256_hex)
def _sha256_hex(element: sha256_hex, compiler, **kw) -> str:
    return f"ardesk_sha256({compiler.process(element.clauses, **kw)})"


@compiles(sha256_hex, "postgresql")
def _sha256_hex_postgresql(element: sha256_hex, compiler, **kw) -> str:
    return f"encode(sha256(convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')), 'hex')"


_SEMICOLON = literal_column("';'", String)
_NONE = literal_column("'-'", String)


def _part(value: ColumnElement[str]) -> ColumnElement[str]:
    """One part of a copy's text, NULL written ``-``. Each part is a row text (or rows of them)
    that reads back unambiguously, so the parts joined by ``;`` do too: different inputs,
    different texts."""
    return func.coalesce(value, _NONE)


# What a copy is made from: the invoice and its account (but bookkeeping), its lines and the
# payments applied to it. The copy's facts are worked out from no more than these, so their text,
# after what else shapes the copy (``copy_prefix``: the template, language, brand, whether it
# lists payments), hashed, is its cache key (``web.documents.render.copy_prefix``).
_COPY_TEXT = (
    bindparam("copy_prefix", type_=String)
    + row_text(*(c for c in _INVOICE_COLUMNS if c.key not in UNSTATED))
    + _SEMICOLON
    + row_text(*(c for c in _ACCOUNT_COLUMNS if c.key not in UNSTATED))
    + _SEMICOLON
    + _part(_LINES_TEXT)
    + _SEMICOLON
    + _part(_PAYMENTS_TEXT)
)


def _copy_statement(conditions: tuple[ColumnElement[bool], ...] = ()) -> Select:
    """The invoice's id, whether the ERP sent its PDF, the cache key of its copy, and the newest
    copy stored under that key (its columns NULL when there is none): a cached copy is found
    in one statement, without reading (and converting) the fifty columns its facts need."""
    wanted = (
        select(
            Invoice.id.label("invoice_id"),
            _ORIGINAL.label("has_original"),
            sha256_hex(_COPY_TEXT).label("copy_key"),
        )
        .join(Account, Account.id == Invoice.account_id)
        .where(Invoice.id == _INVOICE_ID, Invoice.account_id == _ACCOUNT, *conditions)
        # At most one row anyway; the limit keeps both databases from merging this query into
        # the join, which would work out the key twice (for the join and for the result).
        .limit(1)
        .subquery()
    )
    stored = and_(
        Document.inputs_hash == wanted.c.copy_key,
        Document.kind == DocumentKind.rendered_invoice,
        Document.account_id == _ACCOUNT,
    )
    return (
        select(wanted.c.invoice_id, wanted.c.has_original, wanted.c.copy_key, *_DOCUMENT_COLUMNS)
        .select_from(wanted.outerjoin(Document, stored))
        .order_by(Document.id.desc())
        .limit(1)
    )


# The invoice and its account in one statement (one round trip less on PostgreSQL); the two
# tables share column names, so each row is split by position into one tuple per table.
InvoiceRow = namedtuple("InvoiceRow", [c.key for c in _INVOICE_COLUMNS] + ["has_original"])
AccountRow = namedtuple("AccountRow", [c.key for c in _ACCOUNT_COLUMNS])
_INVOICE = (
    select(*_INVOICE_COLUMNS, _ORIGINAL.label("has_original"), *_ACCOUNT_COLUMNS)
    .join(Account, Account.id == Invoice.account_id)
    .where(Invoice.id == _INVOICE_ID, Invoice.account_id == _ACCOUNT)
)
_LINES = (
    select(InvoiceLine.__table__)
    .where(InvoiceLine.invoice_id == _INVOICE_ID, InvoiceLine.account_id == _ACCOUNT)
    .order_by(InvoiceLine.line_no)
)
_DOCUMENT_COLUMNS = (
    Document.id,
    Document.invoice_id,
    Document.kind,
    Document.verification_code,
    Document.content_type,
    Document.filename,
    Document.sha256,
)
_ORIGINAL_DOCUMENT = (
    select(*_DOCUMENT_COLUMNS)
    .where(
        Document.invoice_id == _INVOICE_ID,
        Document.kind == DocumentKind.erp_original,
        Document.account_id == _ACCOUNT,
    )
    .order_by(Document.id.desc())
    .limit(1)
)
_CONTENT = select(Document.content).where(
    Document.id == bindparam("document_id"), Document.account_id == _ACCOUNT
)
# The statements a cached PDF runs, compiled once and run on the driver's cursor
# (``core.driver_statements``): through SQLAlchemy's execution each cost twice as much.
_COPY = DriverStatement(_copy_statement())
_STORED_CONTENT = DriverStatement(_CONTENT)


class StoredDocument(NamedTuple):
    id: int
    invoice_id: int | None
    kind: DocumentKind
    verification_code: str
    content_type: str
    filename: str
    sha256: str


class Copy(NamedTuple):
    invoice_id: int
    has_original: bool  # the ERP supplied its PDF
    key: str  # the copy's cache key
    stored: StoredDocument | None  # the copy made from these inputs, if one is stored


def copy_ahead(account_id: int, invoice_id: int, prefix: str) -> Prefetch:
    """``copy``'s statement for a link to the whole portal, to send ahead (``web.prefetch``)."""
    return Prefetch(_COPY, _copy_params(account_id, invoice_id, prefix))


def _copy_params(account_id: int, invoice_id: int, prefix: str) -> dict[str, Any]:
    return {"invoice_id": invoice_id, "account_id": account_id, "copy_prefix": prefix}


def copy(
    connection: Connection, account_id: int, invoice_id: int, prefix: str, conditions=()
) -> Copy | None:
    """The invoice's copy, if ``conditions`` (a link's scope) hold for the invoice: its key, and
    the stored copy under it. ``prefix``: what else shapes the copy (``render.copy_prefix``)."""
    params = _copy_params(account_id, invoice_id, prefix)
    if conditions:
        row = connection.execute(_copy_statement(tuple(conditions)), params).first()
    else:
        row = _COPY.first(connection, params)
    if row is None:
        return None
    stored = None if row[3] is None else StoredDocument(*row[3:])
    return Copy(row[0], row[1], row[2], stored)


def invoice(
    connection: Connection, account_id: int, invoice_id: int
) -> tuple[InvoiceRow, AccountRow] | None:
    """The invoice (with ``has_original``) and its account: what its facts are worked out from."""
    params = {"invoice_id": invoice_id, "account_id": account_id}
    row = connection.execute(_INVOICE, params).first()
    if row is None:
        return None
    split = len(_INVOICE_COLUMNS) + 1
    return InvoiceRow(*row[:split]), AccountRow(*row[split:])


def lines(connection: Connection, account_id: int, invoice_id: int) -> list[Row]:
    params = {"invoice_id": invoice_id, "account_id": account_id}
    return list(connection.execute(_LINES, params))


def original(connection: Connection, account_id: int, invoice_id: int) -> StoredDocument | None:
    """The ERP's own PDF of the invoice (as ``core.documents.files.erp_original``)."""
    params = {"invoice_id": invoice_id, "account_id": account_id}
    row = connection.execute(_ORIGINAL_DOCUMENT, params).first()
    return None if row is None else StoredDocument(*row)


class ContentCache:
    """Stored files' bytes by their SHA-256, most recently used kept, at most ``limit`` bytes.

    A stored document never changes (a new rendering is a new row), so its bytes can be kept
    in the worker once read: a download then reads only the document's row, not the file — on
    PostgreSQL the file crosses the connection hex-encoded, which cost the server and the
    portal more than the rest of the request. Keyed by content hash, an entry is only ever
    served for a row the account's own scoped query found with that same hash.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, sha256: str) -> bytes | None:
        with self._lock:
            content = self._entries.get(sha256)
            if content is not None:
                self._entries.move_to_end(sha256)
            return content

    def put(self, sha256: str, content: bytes) -> None:
        if len(content) > self.limit // 4:
            return  # one large file must not push out everything else
        with self._lock:
            if sha256 in self._entries:
                return
            self._entries[sha256] = content
            self._size += len(content)
            while self._size > self.limit:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped)


_contents = ContentCache(32 * 1024 * 1024)


def content(connection: Connection, account_id: int, document: StoredDocument) -> bytes:
    """The bytes of ``document`` (a stored copy or the original): from the worker's cache,
    else read and kept. The hash is checked on the way in, so the cache holds only what the row
    says."""
    found = _contents.get(document.sha256)
    if found is not None:
        return found
    params = {"document_id": document.id, "account_id": account_id}
    (data,) = _STORED_CONTENT.first(connection, params)
    data = bytes(data)
    if hashlib.sha256(data).hexdigest() == document.sha256:
        _contents.put(document.sha256, data)
    return data
