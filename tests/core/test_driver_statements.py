"""Statements run on the driver's cursor (``core.driver_statements``): the rows and values
SQLAlchemy's own execution gives, inside the caller's transaction and account scope, with the
driver's errors raised as SQLAlchemy raises them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Integer, String, bindparam, func, insert, literal_column, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.db import ACCOUNT_SETTING, Opening
from core.driver_messages import run_script
from core.driver_statements import DriverStatement, Prefetch
from core.models import AuditEvent, Invoice, InvoiceStatus
from tests.core.test_account_scope import alice_and_bob  # noqa: F401  (a fixture)

_INVOICES = (
    select(
        Invoice.id,
        Invoice.number,
        Invoice.status,
        Invoice.issue_date,
        Invoice.total,
        Invoice.po_number,
        Invoice.created_at,
        func.count().over().label("matching"),
    )
    .where(Invoice.account_id == bindparam("account_id"), Invoice.total >= bindparam("least"))
    .order_by(Invoice.id)
)


def test_it_returns_the_rows_and_values_sqlalchemy_returns(db, alice_and_bob):  # noqa: F811
    alice, _ = alice_and_bob
    params = {"account_id": alice, "least": Decimal("150.00")}
    with db.account_scope(alice) as scoped:
        connection = scoped.connection()
        expected = [tuple(row) for row in connection.execute(_INVOICES, params)]
        rows = DriverStatement(_INVOICES).all(connection, params)
    assert rows == expected
    (row,) = rows  # the amount was bound as the column's type stores it (SQLite: an integer)
    _, number, status, issued, total, po_number, created_at, matching = row
    assert (number, status, issued, total, po_number, matching) == (
        "A-101", InvoiceStatus.open, date(2026, 1, 6), Decimal("200.0000"), None, 1
    )  # fmt: skip
    assert created_at.tzinfo is not None


def test_first_gives_one_row_or_none(db, alice_and_bob):  # noqa: F811
    alice, _ = alice_and_bob
    statement = DriverStatement(_INVOICES)
    with db.account_scope(alice) as scoped:
        connection = scoped.connection()
        found = statement.first(connection, {"account_id": alice, "least": Decimal(0)})
        missing = statement.first(connection, {"account_id": alice, "least": Decimal(10**6)})
    assert found[1] == "A-100"
    assert missing is None


def test_an_insert_is_part_of_the_callers_transaction(db, alice_and_bob):  # noqa: F811
    alice, _ = alice_and_bob
    columns = ("at", "action", "actor", "account_id", "detail")
    statement = DriverStatement(
        insert(AuditEvent.__table__).values({c: bindparam(c) for c in columns})
    )
    event = {
        "at": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        "action": "test.driver",
        "actor": "system",
        "account_id": alice,
        "detail": {"note": "kept", "amount": "1.50"},
    }
    with pytest.raises(RuntimeError), db.account_scope(alice) as scoped:
        statement.execute(scoped.connection(), event)
        raise RuntimeError("the request failed")  # rolled back with the scope
    with db.account_scope(alice) as scoped:
        statement.execute(scoped.connection(), event)
    with db.admin_session() as s:
        (stored,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "test.driver"))
    assert (stored.at, stored.detail) == (event["at"], event["detail"])


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(db):
    statement = DriverStatement(
        insert(AuditEvent.__table__).values(
            id=bindparam("id"), at=bindparam("at"), action="x", actor="system", detail={}
        )
    )
    event = {"id": 7, "at": datetime.now(UTC)}
    with pytest.raises(IntegrityError), db.admin_session() as s:
        statement.execute(s.connection(), event)
        statement.execute(s.connection(), event)  # the same id again


def test_under_row_level_security_it_sees_only_the_scopes_account(db, alice_and_bob):  # noqa: F811
    """No account named in the statement: on PostgreSQL the scope's policies still hold."""
    if db.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    alice, _ = alice_and_bob
    everything = DriverStatement(select(Invoice.number).order_by(Invoice.number))
    with db.account_scope(alice) as scoped:
        numbers = [n for (n,) in everything.all(scoped.connection(), {})]
    assert numbers == ["A-100", "A-101"]


def test_a_dropped_connection_is_reported_and_not_reused(db, alice_and_bob, request):  # noqa: F811
    """The server ends the connection under a statement: the error says so, and the next scope
    gets a working connection."""
    if db.dialect != "postgresql":
        pytest.skip("a server to drop the connection")
    alice, _ = alice_and_bob
    statement = DriverStatement(select(Invoice.number).where(Invoice.id == bindparam("id")))
    with pytest.raises(DBAPIError) as raised, db.account_scope(alice) as scoped:
        connection = scoped.connection()
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        request.getfixturevalue("postgres").sql(f"SELECT pg_terminate_backend({int(pid)})")
        statement.first(connection, {"id": 1})
    assert raised.value.connection_invalidated
    with db.account_scope(alice) as scoped:
        assert statement.first(scoped.connection(), {"id": 1}) == ("A-100",)


def test_a_statement_whose_text_would_change_per_execution_is_refused(db):
    expanding = select(Invoice.id).where(Invoice.id.in_(bindparam("ids", expanding=True)))
    with db.account_scope(1) as scoped, pytest.raises(ValueError, match="must not change"):
        DriverStatement(expanding).all(scoped.connection(), {"ids": [1, 2]})


# A value of every kind the quoting must carry through intact: quotes, a backslash, a
# placeholder, a statement separator, non-ASCII text.
_AWKWARD = "O'Brien \\ %s $1 '); DROP TABLE invoices; -- «Zürich» 東京"
_ECHO = DriverStatement(
    select(
        bindparam("text", type_=String),
        Invoice.number,
    ).where(Invoice.id == bindparam("id"))
)


def _opened_with(db, account_id: int, statement: DriverStatement, params) -> tuple | None:
    with db.request_scope(account_id, opening=Opening(statement, params)) as scope:
        return scope.opened


def test_a_scope_opens_with_its_statement_under_its_account(db, alice_and_bob):  # noqa: F811
    """The opening statement runs inside the scope: its values arrive as given, and on
    PostgreSQL row-level security already holds (no account is named in the statement)."""
    alice, bob = alice_and_bob
    with db.admin_session() as s:
        ids = dict(s.execute(select(Invoice.number, Invoice.id)).all())
    assert _opened_with(db, alice, _ECHO, {"text": _AWKWARD, "id": ids["A-100"]}) == (
        _AWKWARD,
        "A-100",
    )
    if db.dialect == "postgresql":  # elsewhere the code's own account criteria keep accounts
        assert _opened_with(db, alice, _ECHO, {"text": "x", "id": ids["B-100"]}) is None
    assert _opened_with(db, bob, _ECHO, {"text": "x", "id": ids["B-100"]}) == ("x", "B-100")


def test_an_opening_survives_the_driver_dropping_its_prepared_statements(
    db,
    alice_and_bob,  # noqa: F811
):
    """psycopg drops a connection's prepared statements after a rollback (``DEALLOCATE ALL``),
    and a name the module thinks is gone may still be there. Either way the statement runs, on
    one connection throughout, and it stays prepared once."""
    if db.dialect != "postgresql":
        pytest.skip("prepared statements of PostgreSQL")
    alice, _ = alice_and_bob
    with db.admin_session() as s:
        first = s.scalar(select(Invoice.id).where(Invoice.number == "A-100"))
    begin = ("BEGIN", f"SELECT set_config('{ACCOUNT_SETTING}', '{alice}', true)")
    params = {"text": "t", "id": first}
    engine = db.portal_engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:

        def opened() -> tuple | None:
            row = _ECHO.first_after(connection, begin, params)
            connection.exec_driver_sql("COMMIT")
            return row

        assert opened() == ("t", "A-100")
        connection.exec_driver_sql("DEALLOCATE ALL")
        assert opened() == ("t", "A-100")
        connection.connection.info.clear()  # the names are forgotten, the statement is there
        assert opened() == ("t", "A-100")
        prepared = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'ardesk%%'"
        ).scalar()
    assert prepared == 1


def test_inserts_and_their_commit_keep_every_value(db, alice_and_bob):  # noqa: F811
    """``execute_then_commit``: the rows are committed with their values intact, or, when one
    is refused, none is and the error is SQLAlchemy's."""
    alice, _ = alice_and_bob
    columns = ("at", "action", "actor", "account_id", "user_agent", "detail")
    statement = DriverStatement(
        insert(AuditEvent.__table__).values({c: bindparam(c) for c in columns})
    )
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    events = [
        {"at": at, "action": "test.commit", "actor": "system", "account_id": alice,
         "user_agent": _AWKWARD, "detail": {"note": _AWKWARD, "n": i}}
        for i in range(2)
    ]  # fmt: skip
    with db.request_scope(alice) as scope:
        statement.execute_then_commit(scope.connection, events)
    with db.admin_session() as s:
        stored = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "test.commit").order_by(AuditEvent.id)
        ).all()
    assert [(e.at, e.user_agent, e.detail) for e in stored] == [
        (at, _AWKWARD, {"note": _AWKWARD, "n": 0}),
        (at, _AWKWARD, {"note": _AWKWARD, "n": 1}),
    ]
    refused = [events[0], {**events[1], "actor": None}]  # the second breaks NOT NULL
    with pytest.raises(IntegrityError), db.request_scope(alice) as scope:
        statement.execute_then_commit(scope.connection, refused)
    with db.admin_session() as s:
        count = s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "test.commit")
        )
    assert count == 2


def test_a_percent_sign_in_a_statements_own_text_arrives_as_one(db, alice_and_bob):  # noqa: F811
    """A statement's text doubles a literal ``%`` for the driver (``%%``); the values written
    into it by ``execute_then_commit`` leave the statement's own text as the server must read
    it, the percent sign single."""
    alice, _ = alice_and_bob
    statement = DriverStatement(
        insert(AuditEvent.__table__).values(
            at=bindparam("at"), action=bindparam("action"), account_id=bindparam("account_id"),
            actor=literal_column("'100% sure'"), detail=bindparam("detail"),
        )
    )  # fmt: skip
    event = {"at": datetime(2026, 3, 2, tzinfo=UTC), "action": "test.percent",
             "account_id": alice, "detail": {"share": "50%"}}  # fmt: skip
    with db.request_scope(alice) as scope:
        statement.execute_then_commit(scope.connection, [event])
    with db.admin_session() as s:
        stored = s.scalars(select(AuditEvent).where(AuditEvent.action == "test.percent")).one()
    assert (stored.actor, stored.detail) == ("100% sure", {"share": "50%"})


def test_a_message_sent_past_the_cursor_reports_a_dropped_connection(
    db,
    alice_and_bob,  # noqa: F811
    request,
):
    """The opening and the commit go to the server as one message each, past psycopg's cursor
    (``run_script``): when the server has ended the connection under them, the error says the
    connection is gone, so the pool drops it, and the next scope opens on a working one."""
    if db.dialect != "postgresql":
        pytest.skip("a server to drop the connection")
    alice, _ = alice_and_bob
    with db.admin_session() as s:
        first = s.scalar(select(Invoice.id).where(Invoice.number == "A-100"))
    params = {"text": "t", "id": first}
    with pytest.raises(DBAPIError) as raised, db.request_scope(alice) as scope:
        pid = scope.connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        request.getfixturevalue("postgres").sql(f"SELECT pg_terminate_backend({int(pid)})")
        run_script(scope.connection, "SELECT 1; SELECT 2")
    # The message's own error, not one from the scope's end finding the connection gone later.
    assert raised.value.statement == "SELECT 1; SELECT 2"
    assert raised.value.connection_invalidated
    with db.request_scope(alice, opening=Opening(_ECHO, params)) as scope:
        assert scope.opened == ("t", "A-100")


def _ids(db) -> dict[str, int]:
    with db.admin_session() as s:
        return dict(s.execute(select(Invoice.number, Invoice.id)).all())


def test_rows_read_ahead_are_the_statements_own_and_serve_their_transaction_only(
    db,
    alice_and_bob,  # noqa: F811
):
    """A statement sent with the opening gives the page the rows (and values, converted) a run
    of it would give, for those very values, in that transaction; not in a later one on the same
    connection, which reads the data as it is then."""
    alice, _ = alice_and_bob
    statement = DriverStatement(_INVOICES)
    params = {"account_id": alice, "least": Decimal(0)}
    echo = {"text": "t", "id": _ids(db)["A-100"]}
    ahead = Opening(_ECHO, echo, then=Prefetch(statement, params))
    with db.request_scope(alice, opening=ahead) as scope:
        assert scope.opened == ("t", "A-100")
        expected = [tuple(row) for row in scope.connection.execute(_INVOICES, params)]
        assert statement.all(scope.connection, params) == expected
        other_values = statement.all(scope.connection, {**params, "least": Decimal(150)})
        assert [row[1] for row in other_values] == ["A-101"]
        first_driver = scope.connection.connection.dbapi_connection
    with db.request_scope(alice, opening=ahead) as scope:  # read ahead, never asked for
        assert scope.connection.connection.dbapi_connection is first_driver
    with db.admin_session() as s:
        s.execute(update(Invoice).where(Invoice.number == "A-100").values(po_number="PO-LATER"))
    with db.request_scope(alice) as scope:
        assert scope.connection.connection.dbapi_connection is first_driver
        rows = statement.all(scope.connection, params)
    assert rows[0][1] == "A-100" and rows[0][5] == "PO-LATER"


_DIVIDED = DriverStatement(select(literal_column("100") / bindparam("by", type_=Integer)))


def test_a_statement_read_ahead_that_fails_leaves_the_opening_to_the_page(
    db,
    alice_and_bob,  # noqa: F811
):
    """When the statement sent with the opening fails, the scope still opens; the page meets the
    error where it runs the statement itself."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite divides by zero without an error")
    alice, _ = alice_and_bob
    echo = {"text": "t", "id": _ids(db)["A-100"]}
    ahead = Opening(_ECHO, echo, then=Prefetch(_DIVIDED, {"by": 0}))
    with db.request_scope(alice, opening=ahead) as scope:
        opened = scope.opened
        with pytest.raises(DBAPIError, match="division by zero"):
            _DIVIDED.first(scope.connection, {"by": 0})
    assert opened == ("t", "A-100")
    divided = Opening(_ECHO, echo, then=Prefetch(_DIVIDED, {"by": 4}))
    with db.request_scope(alice, opening=divided) as scope:
        assert _DIVIDED.first(scope.connection, {"by": 4}) == (25,)


def test_an_opening_with_a_statement_read_ahead_survives_lost_prepared_statements(
    db,
    alice_and_bob,  # noqa: F811
):
    """After ``DEALLOCATE ALL`` both statements are prepared again; when the module forgot what
    it had prepared, the names already there are found out one by one. Each statement stays
    prepared once."""
    if db.dialect != "postgresql":
        pytest.skip("prepared statements of PostgreSQL")
    alice, _ = alice_and_bob
    statement = DriverStatement(_INVOICES)
    params = {"account_id": alice, "least": Decimal(0)}
    ahead = Opening(_ECHO, {"text": "t", "id": _ids(db)["A-101"]}, then=Prefetch(statement, params))
    for lose in ("nothing", "DEALLOCATE ALL", "the names"):
        with db.request_scope(alice, opening=ahead) as scope:
            if lose == "DEALLOCATE ALL":
                scope.connection.exec_driver_sql(lose)
            elif lose == "the names":
                scope.connection.connection.info.clear()
        with db.request_scope(alice, opening=ahead) as scope:
            assert scope.opened == ("t", "A-101")
            assert [row[1] for row in statement.all(scope.connection, params)] == ["A-100", "A-101"]
            prepared = scope.connection.exec_driver_sql(
                "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'ardesk%%'"
            ).scalar()
        assert prepared == 2, lose


_ECHO_TWICE = DriverStatement(
    select(bindparam("text", type_=String), Invoice.number, Invoice.number).where(
        Invoice.id == bindparam("id")
    )
)


def test_a_new_opening_statement_beside_a_lost_one_is_sent_again_once(
    db,
    alice_and_bob,  # noqa: F811
    monkeypatch,
):
    """After ``DEALLOCATE ALL``, an opening whose own statement is new to the connection (so
    prepared in the message) meets the lost statement read ahead after it: the message is sent
    once more, keeping what it had just prepared."""
    if db.dialect != "postgresql":
        pytest.skip("prepared statements of PostgreSQL")
    from core import driver_messages

    alice, _ = alice_and_bob
    statement = DriverStatement(_INVOICES)
    params = {"account_id": alice, "least": Decimal(0)}
    echo = {"text": "t", "id": _ids(db)["A-100"]}
    with db.request_scope(alice, opening=Opening(_ECHO, echo, then=Prefetch(statement, params))):
        pass
    with db.request_scope(alice) as scope:
        scope.connection.exec_driver_sql("DEALLOCATE ALL")
    sent, send = [], driver_messages.sent

    def counted(connection, sql):
        sent.append(sql)
        return send(connection, sql)

    monkeypatch.setattr(driver_messages, "sent", counted)
    new = Opening(_ECHO_TWICE, echo, then=Prefetch(statement, params))
    with db.request_scope(alice, opening=new) as scope:
        assert scope.opened == ("t", "A-100", "A-100")
        assert [row[1] for row in statement.all(scope.connection, params)] == ["A-100", "A-101"]
    assert len(sent) == 2
