"""What ``core.driver_statements`` keeps with each pooled connection, and the messages it sends
to PostgreSQL past psycopg's cursors.

Kept with a pooled connection (``kept``): psycopg's adaptation (``transformer``, ``literals``),
a driver cursor, the names of the statements prepared on it, and a statement's rows read ahead
for the transaction that read them (``keep_prefetched``). Each is checked to belong to the
driver connection the pool holds now. The messages go by libpq's ``PQexec`` (``executed``), or
with every result read (``sent``); either raises a driver error as SQLAlchemy raises it, with a
dropped connection invalidated (``wrapped``).
"""

from __future__ import annotations

import select
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import adapt
from psycopg.pq import ExecStatus
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from core.driver_statements import DriverStatement

_SUCCEEDED = (ExecStatus.COMMAND_OK, ExecStatus.TUPLES_OK, ExecStatus.EMPTY_QUERY)


def run_script(connection: Connection, sql: str | bytes) -> None:
    """Run SQL without parameters (several statements in one message are allowed: the driver
    sends it with the simple protocol), errors raised as SQLAlchemy's."""
    if connection.dialect.name == "postgresql":
        executed(connection, sql if isinstance(sql, bytes) else sql.encode())
        return
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
    except connection.dialect.loaded_dbapi.Error as error:
        raise wrapped(connection, error, sql) from error
    finally:
        cursor.close()


def executed(connection: Connection, sql: bytes) -> Any:
    """The result of the last statement of ``sql``, run by libpq's ``PQexec`` on the
    connection's psycopg connection (the simple protocol: one message, its statements in
    order, stopping at the first error, which is raised as psycopg and SQLAlchemy raise it).
    A psycopg cursor's execution costs about as much CPU again as the round trip itself: it
    collects and describes the result of every statement of the message, which for a
    transaction's opening (BEGIN, its settings, the statement) nobody reads."""
    driver = connection.connection.dbapi_connection
    try:
        result = driver.pgconn.exec_(sql)
        if result.status not in _SUCCEEDED:
            raise psycopg.errors.error_from_result(result, encoding=driver.info.encoding)
    except psycopg.Error as error:
        raise wrapped(connection, error, sql.decode(errors="replace")) from error
    return result


def sent(connection: Connection, sql: bytes) -> tuple[list[Any], psycopg.Error | None]:
    """The results of ``sql``'s statements, one each, up to the first that failed, and that
    one's error (None if none did): sent as ``executed`` sends it, with each result read. A
    connection that fails is raised as SQLAlchemy's error, the connection invalidated. The wait
    for the server is in ``poll``, which lets other threads run (libpq's own wait for a
    result would hold the interpreter)."""
    driver = connection.connection.dbapi_connection
    pgconn = driver.pgconn
    results, failed = [], None
    try:
        pgconn.send_query(sql)
        waiting = select.poll()
        waiting.register(pgconn.socket, select.POLLOUT)
        while pgconn.flush():
            waiting.poll()
        waiting.modify(pgconn.socket, select.POLLIN)
        while True:
            while pgconn.is_busy():
                waiting.poll()
                pgconn.consume_input()
            result = pgconn.get_result()
            if result is None:
                break
            if result.status in _SUCCEEDED:
                results.append(result)
            elif failed is None:
                failed = psycopg.errors.error_from_result(result, encoding=driver.info.encoding)
        if failed is not None and pgconn.status != psycopg.pq.ConnStatus.OK:
            raise failed
    except psycopg.Error as error:
        raise wrapped(connection, error, sql.decode(errors="replace")) from error
    return results, failed


# A statement's rows fetched with a transaction's opening (``Prefetch``), kept with the pooled
# connection until the statement asks for them, for the SQLAlchemy transaction that fetched them.
_PREFETCHED = "ardesk.prefetched"


def keep_prefetched(
    connection: Connection, statement: DriverStatement, params: Mapping[str, Any], rows: list
) -> None:
    transaction = connection.get_transaction()
    if transaction is not None:
        held = (transaction, statement, dict(params), rows)
        connection.connection.info[_PREFETCHED] = held


def take_prefetched(
    connection: Connection, statement: DriverStatement, params: Mapping[str, Any]
) -> list | None:
    """The rows prefetched for ``statement`` with these very values in this transaction (once),
    or None."""
    info = connection.connection.info
    held = info.get(_PREFETCHED)
    if held is None or held[1] is not statement or held[0] is not connection.get_transaction():
        return None
    if held[2] != params:
        return None
    del info[_PREFETCHED]
    return held[3]


def forget_prefetched(connection: Connection) -> None:
    connection.connection.info.pop(_PREFETCHED, None)


def kept(connection: Connection, key: str, make: Callable[[Any], Any]) -> Any:
    """What this module keeps with a pooled connection under ``key`` (``make`` of its driver
    connection, made on first use), checked to belong to the driver connection it holds now:
    a connection the pool replaced gets its own."""
    pooled = connection.connection
    driver_connection = pooled.dbapi_connection
    held = pooled.info.get(key)
    if held is not None and held[0] is driver_connection:
        return held[1]
    kept = make(driver_connection)
    pooled.info[key] = (driver_connection, kept)
    return kept


def prepared_names(connection: Connection) -> set[str]:
    """The names this module has prepared on the connection's driver connection (as far as it
    knows: psycopg may have dropped them since, which ``first_after`` finds out)."""
    return kept(connection, "ardesk.prepared_names", lambda _: set())


def cursor(connection: Connection) -> tuple[Any, bool]:
    """A driver cursor, and whether it is kept. On PostgreSQL one is made per driver connection
    (making one cost a tenth of running a key lookup) and kept with the pooled connection:
    psycopg has read every row of a result when ``execute`` returns, so a result left unread
    holds nothing on the server, and the next execution replaces it. SQLite's cursor is a
    statement stepping through its rows, which holds a read transaction open until it is
    closed: a new one each time, closed after."""
    if connection.dialect.name != "postgresql":
        return connection.connection.cursor(), False
    return kept(connection, "ardesk.driver_cursor", lambda driver: driver.cursor()), True


def transformer(connection: Connection) -> Any:
    """psycopg's adaptation for this PostgreSQL connection (its encoding, its string settings,
    the adapters of each type), kept with the pooled connection as ``cursor``'s cursor is:
    making one for every use cost more than the use."""
    return kept(connection, "ardesk.transformer", adapt.Transformer)


def literals(connection: Connection) -> Callable[[Any], bytes]:
    """Values as SQL literals by psycopg's own quoting for this connection, as its client-side
    cursor writes them (``mogrify``, which also parsed the statement's text on every call)."""
    quote = transformer(connection).as_literal
    return lambda value: b"NULL" if value is None else quote(value)


def wrapped(connection: Connection, error: Exception, sql: str) -> DBAPIError:
    dialect = connection.dialect
    dropped = dialect.is_disconnect(error, connection.connection.dbapi_connection, None)
    if dropped:
        connection.invalidate(error)
    return DBAPIError.instance(
        sql, None, error, dialect.loaded_dbapi.Error, connection_invalidated=dropped,
        dialect=dialect,
    )  # fmt: skip
