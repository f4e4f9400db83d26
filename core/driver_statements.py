"""Statements compiled once by SQLAlchemy and run straight on the driver's cursor.

Every portal request runs the same handful of statements: its account scope, its session, a row
or two, its audit event. Through ``Connection.execute`` each one pays SQLAlchemy's per-execution
machinery (an execution context, parameter processing, a result object): on PostgreSQL about as
much CPU as the driver's own work, and on SQLite several times it. A ``DriverStatement`` keeps
what SQLAlchemy works out once — the SQL text for the dialect, the parameters' order and
converters, the columns' result converters — and per execution only binds, runs and converts.

It runs on the connection of the caller's transaction, so it is part of that transaction and,
on PostgreSQL, under the same row-level security as every other statement of the scope. A
driver error is raised as SQLAlchemy raises it (a ``DBAPIError``), with a dropped connection
invalidated, so callers and error pages see no difference. What is kept with each pooled
connection, and the messages sent past psycopg's cursors, are ``core.driver_messages``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ClauseElement

from core import driver_messages

Converter = Callable[[Any], Any] | None
_GIVEN = object()  # a parameter's value comes from the caller


@dataclass
class _Compiled:
    sql: str
    # Each parameter's name in the text, its fixed value (a literal of the statement) or
    # _GIVEN, and the converter of its type; for a positional paramstyle, in the text's order.
    parameters: tuple[tuple[str, Any, Converter], ...]
    positional: bool
    # The result columns' types, and their converters once the driver has described them.
    result_types: tuple[Any, ...]
    dialect: Dialect
    converters: tuple[tuple[int, Callable[[Any], Any]], ...] | None = None
    template: _Template | None = None  # the text cut at its parameters (``_cut``), once used


@dataclass
class _Prepared:
    """The statement as PostgreSQL's SQL PREPARE takes it ($1, $2, …), under a name of its own."""

    name: str
    compiled: _Compiled
    preparation: bytes  # PREPARE name AS …
    # The parameters' values as literals, where the statement fixes them (written once).
    literals: dict[int, bytes] | None = None


@dataclass(frozen=True)
class _Template:
    """A statement's psycopg text cut at its parameters, so that their values can be written in
    as literals: ``parts[0]``, the value of ``names[0]``, ``parts[1]`` and so on."""

    parts: tuple[bytes, ...]
    names: tuple[str, ...]

    def written(self, literal: Callable[[Any], bytes], values: Mapping[str, Any]) -> bytes:
        pieces = [self.parts[0]]
        for name, part in zip(self.names, self.parts[1:], strict=True):
            pieces.append(literal(values[name]))
            pieces.append(part)
        return b"".join(pieces)


@dataclass(frozen=True)
class Prefetch:
    """A statement a transaction's opening sends along with its own (``first_after``), run with
    ``params`` in the same round trip; its rows are kept for the transaction, and ``first`` or
    ``all`` of the same statement with equal values returns them instead of asking again."""

    statement: DriverStatement
    params: Mapping[str, Any]


# psycopg's placeholders in a statement's text, and its escaped percent sign.
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")


# The statements' text for PREPARE: numbered parameters in place of psycopg's named ones.
_NUMBERED = PGDialect_psycopg(paramstyle="numeric_dollar")
# psycopg's errors for a prepared statement that is not there, or is already there.
_NO_SUCH_STATEMENT = "26000"
_ALREADY_PREPARED = "42P05"


class DriverStatement:
    """A SELECT or INSERT without per-execution rendering (no expanding IN, no literal-execute
    parameters: the text must be the same for every execution)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}
        self._prepared: _Prepared | None = None

    def first(self, connection: Connection, params: Mapping[str, Any]) -> tuple | None:
        """The first row, converted as SQLAlchemy would, or None."""
        rows = self._rows(connection, params, lambda cursor: cursor.fetchmany(1))
        return rows[0] if rows else None

    def all(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple]:
        return self._rows(connection, params, lambda cursor: cursor.fetchall())

    def execute(self, connection: Connection, params: Mapping[str, Any]) -> None:
        """Run a statement that returns no rows (an INSERT)."""
        self._rows(connection, params, None)

    def execute_then_commit(
        self, connection: Connection, params: Sequence[Mapping[str, Any]]
    ) -> None:
        """Run the statement once per ``params``, then commit the connection's transaction.

        On PostgreSQL the statements and the COMMIT go to the server as one message: psycopg's
        quoting writes each statement's values into its text (``_literals``), so they run with
        the simple protocol, one round trip where each statement and the commit took one of
        their own. The server plans an INSERT it cannot reuse, but a round trip costs both
        sides more (``docs/benchmarks.md``, tenth pass)."""
        if connection.dialect.name != "postgresql":
            for values in params:
                self.execute(connection, values)
            connection.commit()
            return
        compiled = self._for(connection.dialect)
        template = compiled.template
        if template is None:
            template = compiled.template = _cut(compiled.sql)
        literal = driver_messages.literals(connection)
        sql = b"".join(
            template.written(literal, _bound(compiled, values)) + b";\n" for values in params
        )
        driver_messages.forget_prefetched(connection)
        driver_messages.run_script(connection, sql + b"COMMIT")
        connection.commit()  # the server's transaction has ended; SQLAlchemy's ends with it

    def first_after(
        self,
        connection: Connection,
        script: Sequence[str],
        params: Mapping[str, Any],
        then: Prefetch | None = None,
    ) -> tuple | None:
        """Run ``script`` (statements without parameters, such as a transaction's BEGIN), then
        this statement, then ``then``'s if given; this statement's first row, or None.

        On PostgreSQL they all go to the server as one message, one round trip where each took
        one of its own. Each statement is prepared on the connection under a name of its own
        (SQL ``PREPARE``, once per connection, so its plan is kept as psycopg's are) and run by
        ``EXECUTE``, its values written in by the driver's quoting. psycopg drops every prepared
        statement of a connection after a rollback (``DEALLOCATE ALL``), these included: an
        ``EXECUTE`` that finds none is rolled back and sent again with its ``PREPARE``. When
        only ``then``'s statement fails, the opening is sent again without it, and the page
        meets the error where it runs the statement itself. Not for a connection pooler that
        moves transactions between server connections (a prepared statement stays on one).
        PostgreSQL only."""
        parts: list[tuple[DriverStatement, Mapping[str, Any]]] = [(self, params)]
        if then is not None:
            parts.append((then.statement, then.params))
        driver_messages.forget_prefetched(connection)
        for attempt in range(3):
            names = driver_messages.prepared_names(connection)
            message, preparing, prepared_here = [";\n".join(script).encode()], [], []
            for statement, values in parts:
                prepared = statement._numbered()
                prepared_here.append(prepared.name not in names)
                if prepared_here[-1]:
                    message.append(prepared.preparation)
                    preparing.append(prepared.name)
                message.append(statement._execute_text(connection, prepared, values))
            sql = b";\n".join(message)
            results, failed = driver_messages.sent(connection, sql)
            state = None if failed is None else failed.sqlstate
            if state == _NO_SUCH_STATEMENT:
                names.clear()  # every statement of the connection went at once, before this
            made = sum(1 for result in results if result.command_status == b"PREPARE")
            names.update(preparing[:made])
            if failed is None:
                break
            known = state in (_NO_SUCH_STATEMENT, _ALREADY_PREPARED)
            if attempt == 2 or not (known or len(parts) > 1):
                text = sql.decode(errors="replace")
                raise driver_messages.wrapped(connection, failed, text) from failed
            driver_messages.run_script(connection, "ROLLBACK")
            if state == _ALREADY_PREPARED:
                names.add(preparing[made])  # there after all, from a message that failed later
            elif state != _NO_SUCH_STATEMENT:
                parts = parts[:1]  # the prefetched statement's own error: the page meets it
        # The results end with each part's EXECUTE, after that part's PREPARE if it had one.
        executed, at = [], len(results) - 1
        for here in reversed(prepared_here):
            executed.append(results[at])
            at -= 2 if here else 1
        executed.reverse()
        loading = driver_messages.transformer(connection)
        rows = []
        for (statement, _), result in zip(parts, executed, strict=True):
            compiled = statement._numbered().compiled
            if compiled.converters is None:
                types = [result.ftype(index) for index in range(result.nfields)]
                compiled.converters = _result_converters(compiled, types)
            loading.set_pgresult(result)
            rows.append(
                [_converted(loading.load_row(i, tuple), compiled.converters)
                 for i in range(result.ntuples)]
            )  # fmt: skip
        if len(parts) > 1:
            driver_messages.keep_prefetched(connection, parts[1][0], parts[1][1], rows[1])
        return rows[0][0] if rows[0] else None

    def _numbered(self) -> _Prepared:
        if self._prepared is None:
            compiled = _compile(self.statement, _NUMBERED)
            name = "ardesk_" + hashlib.sha256(compiled.sql.encode()).hexdigest()[:24]
            preparation = f"PREPARE {name} AS {compiled.sql}".encode()
            self._prepared = _Prepared(name, compiled, preparation)
        return self._prepared

    def _execute_text(
        self, connection: Connection, prepared: _Prepared, params: Mapping[str, Any]
    ) -> bytes:
        """``EXECUTE name(…)`` with the values as literals, by psycopg's quoting for this
        connection: the caller's each time, the statement's own (names, flags, which quote
        alike on any connection) once."""
        literal = driver_messages.literals(connection)
        values = _bound(prepared.compiled, params)
        literals = prepared.literals
        if literals is None:
            literals = prepared.literals = {
                index: literal(values[index])
                for index, (_, fixed, _) in enumerate(prepared.compiled.parameters)
                if fixed is not _GIVEN
            }
        written = [
            literals[index] if index in literals else literal(value)
            for index, value in enumerate(values)
        ]
        return b"EXECUTE %s(%s)" % (prepared.name.encode(), b", ".join(written))

    def _rows(self, connection: Connection, params: Mapping[str, Any], fetch) -> list[tuple]:
        if fetch is not None and connection.dialect.name == "postgresql":
            prefetched = driver_messages.take_prefetched(connection, self, params)
            if prefetched is not None:
                return prefetched
        compiled = self._for(connection.dialect)
        bound = _bound(compiled, params)
        cursor, kept = driver_messages.cursor(connection)
        try:
            cursor.execute(compiled.sql, bound)
            if fetch is None:
                return []
            rows = fetch(cursor)
            converters = compiled.converters
            if converters is None:
                types = [column[1] for column in cursor.description]
                converters = compiled.converters = _result_converters(compiled, types)
        except connection.dialect.loaded_dbapi.Error as error:
            raise driver_messages.wrapped(connection, error, compiled.sql) from error
        finally:
            if not kept:
                cursor.close()
        if not converters:
            return [tuple(row) for row in rows]
        return [_converted(row, converters) for row in rows]

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return found


def _converted(row: Sequence[Any], converters: tuple[tuple[int, Callable], ...]) -> tuple:
    values = list(row)
    for index, convert in converters:
        values[index] = convert(values[index])
    return tuple(values)


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    sql = str(compiled)
    if "POSTCOMPILE" in sql or compiled.literal_execute_params:
        raise ValueError("a DriverStatement's text must not change from one execution to the next")
    names = compiled.positiontup if compiled.positional else list(compiled.binds)
    parameters = []
    for name in names:
        bind = compiled.binds[name]
        fixed = _GIVEN if bind.required else bind.effective_value
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        parameters.append((name, fixed, convert))
    result_types = tuple(column.type for column in getattr(statement, "selected_columns", ()))
    return _Compiled(sql, tuple(parameters), compiled.positional, result_types, dialect)


def _cut(sql: str) -> _Template:
    """A statement's psycopg text cut at its named placeholders, ``%%`` read back as ``%``."""
    parts, names, piece, at = [], [], [], 0
    for found in _PLACEHOLDER.finditer(sql):
        piece.append(sql[at : found.start()])
        at = found.end()
        if found.group(1) is None:
            piece.append("%")
            continue
        parts.append("".join(piece).encode())
        names.append(found.group(1))
        piece = []
    piece.append(sql[at:])
    parts.append("".join(piece).encode())
    return _Template(tuple(parts), tuple(names))


def _bound(compiled: _Compiled, params: Mapping[str, Any]) -> list[Any] | dict[str, Any]:
    values = []
    for name, fixed, convert in compiled.parameters:
        value = params[name] if fixed is _GIVEN else fixed
        values.append(value if convert is None else convert(value))
    if compiled.positional:
        return values
    return {name: value for (name, _, _), value in zip(compiled.parameters, values, strict=True)}


def _result_converters(
    compiled: _Compiled, type_codes: Sequence[Any]
) -> tuple[tuple[int, Callable], ...]:
    """Each column's converter, from its type and the driver's type code of it (PostgreSQL's
    numeric converters depend on the column's type code)."""
    dialect = compiled.dialect
    converters = []
    described = zip(compiled.result_types, type_codes, strict=True)
    for index, (type_, type_code) in enumerate(described):
        convert = type_.dialect_impl(dialect).result_processor(dialect, type_code)
        if convert is not None:
            converters.append((index, convert))
    return tuple(converters)
