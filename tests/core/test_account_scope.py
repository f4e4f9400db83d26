"""Account scoping: a customer-facing session sees one account, in code and in PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.orm import Session

from core.db import ScopeViolation
from core.models import Account, AuditEvent, Contact, Invoice, InvoiceLine, Payment
from tests.support import builders as b


@pytest.fixture
def alice_and_bob(db):
    """Two customers, each with a contact, two invoices and a payment."""
    with db.admin_session() as s:
        alice = b.account(s, "A1", "Alice Manufacturing")
        bob = b.account(s, "B1", "Bob Logistics")
        for acc, prefix in ((alice, "A"), (bob, "B")):
            b.contact(s, acc, f"ap@{prefix.lower()}.example")
            first = b.invoice(s, acc, f"{prefix}-100", "100.00", issued=date(2026, 1, 5))
            b.invoice(s, acc, f"{prefix}-101", "200.00", issued=date(2026, 1, 6))
            b.payment(
                s,
                acc,
                f"{prefix}-PAY",
                "100.00",
                received=date(2026, 2, 1),
                allocations={first: "100.00"},
            )
        return alice.id, bob.id


def test_it_shows_a_scoped_session_only_its_own_rows(db, alice_and_bob):
    alice, bob = alice_and_bob
    with db.account_scope(alice) as s:
        assert {i.number for i in s.scalars(select(Invoice))} == {"A-100", "A-101"}
        assert [a.name for a in s.scalars(select(Account))] == ["Alice Manufacturing"]
        assert [c.email for c in s.scalars(select(Contact))] == ["ap@a.example"]
        assert s.scalar(select(func.count()).select_from(InvoiceLine)) == 2
        assert [p.reference for p in s.scalars(select(Payment))] == ["A-PAY"]
        # Joins and explicit filters for the other account find nothing either.
        joined = s.scalars(select(InvoiceLine).join(Invoice).where(Invoice.account_id == bob))
        assert joined.all() == []
        assert s.scalars(select(Invoice).where(Invoice.number == "B-100")).all() == []


def test_it_returns_nothing_for_another_accounts_id(db, alice_and_bob):
    alice, bob = alice_and_bob
    with db.admin_session() as s:
        bobs_invoice = s.scalar(select(Invoice.id).where(Invoice.account_id == bob))
    with db.account_scope(alice) as s:
        assert s.get(Invoice, bobs_invoice) is None
        assert s.get(Account, bob) is None


def test_it_refuses_to_write_another_accounts_rows_in_a_scope(db, alice_and_bob):
    alice, bob = alice_and_bob
    with pytest.raises(ScopeViolation), db.account_scope(alice) as s:
        s.add(AuditEvent(account_id=bob, action="document.view", actor="test"))
        s.flush()


def test_it_lets_the_privileged_session_see_every_account(db, alice_and_bob):
    with db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 4


def test_it_keeps_the_audit_trail_append_only(db, alice_and_bob):
    alice, _ = alice_and_bob
    with db.admin_session() as s:
        s.add(AuditEvent(account_id=alice, action="document.view", actor="contact:1"))
    with pytest.raises(DBAPIError, match="append-only"), db.admin_session() as s:
        s.execute(text("UPDATE audit_events SET action = 'nothing'"))
    with pytest.raises(DBAPIError, match="append-only"), db.admin_session() as s:
        s.execute(text("DELETE FROM audit_events"))


def test_an_account_and_contact_removed_keep_their_audit_trail(db):
    with db.admin_session() as s:
        gone = b.account(s, "G1", "Gone Trading")
        account_id, contact_id = gone.id, b.contact(s, gone, "ap@gone.example").id
        s.add(AuditEvent(account_id=account_id, contact_id=contact_id, action="x", actor="y"))
    with db.admin_session() as s:  # an operator removes them (the foreign keys refused this)
        s.execute(text("DELETE FROM contacts WHERE id = :id"), {"id": contact_id})
        s.execute(text("DELETE FROM accounts WHERE id = :id"), {"id": account_id})
    with db.admin_session() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.account_id == account_id))
        assert (event.contact_id, event.action) == (contact_id, "x")


# PostgreSQL: the same isolation enforced by row-level security, underneath the code.


@pytest.fixture
def pg_alice_and_bob(pg_db):
    with pg_db.admin_session() as s:
        alice = b.account(s, "A1", "Alice Manufacturing")
        bob = b.account(s, "B1", "Bob Logistics")
        b.invoice(s, alice, "A-100", "100.00", issued=date(2026, 1, 5))
        b.invoice(s, bob, "B-100", "100.00", issued=date(2026, 1, 5))
        b.invoice(s, bob, "B-101", "300.00", issued=date(2026, 1, 6))
        return pg_db, alice.id, bob.id


def _with_context(session: Session, account_id: int) -> None:
    session.execute(
        text("SELECT set_config('ardesk.account_id', :v, true)"), {"v": str(account_id)}
    )


def test_it_shows_the_portal_role_nothing_without_an_account_context(pg_alice_and_bob):
    db, _, _ = pg_alice_and_bob
    with db.portal_engine.connect() as conn:
        for table in ("accounts", "contacts", "invoices", "invoice_lines", "payments"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0


def test_it_filters_raw_sql_by_row_level_security(pg_alice_and_bob):
    db, alice, bob = pg_alice_and_bob
    # Raw SQL bypasses the ORM's criteria entirely; only PostgreSQL stands in the way.
    with db.account_scope(bob) as s:
        rows = s.execute(text("SELECT number FROM invoices ORDER BY number")).scalars().all()
        assert rows == ["B-100", "B-101"]
        assert (
            s.execute(
                text("SELECT count(*) FROM invoices WHERE account_id = :a"), {"a": alice}
            ).scalar_one()
            == 0
        )
        assert s.execute(text("SELECT count(*) FROM accounts")).scalar_one() == 1


def test_it_carries_no_context_into_the_next_transaction_on_a_pooled_connection(pg_alice_and_bob):
    db, alice, bob = pg_alice_and_bob
    engine = create_engine(db.portal_engine.url, pool_size=1, max_overflow=0)
    try:
        with Session(engine) as s, s.begin():
            _with_context(s, alice)
            assert s.execute(text("SELECT count(*) FROM invoices")).scalar_one() == 1
            backend = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with engine.connect() as conn:  # the same pooled connection, no context set
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() == backend
            assert conn.execute(text("SELECT count(*) FROM invoices")).scalar_one() == 0
        with Session(engine) as s, s.begin():
            _with_context(s, bob)
            numbers = s.execute(text("SELECT number FROM invoices ORDER BY 1")).scalars().all()
            assert numbers == ["B-100", "B-101"]
    finally:
        engine.dispose()


def test_it_refuses_the_portal_role_writes_into_another_account(pg_alice_and_bob):
    db, alice, bob = pg_alice_and_bob
    with pytest.raises(ProgrammingError, match="row-level security"), db.account_scope(alice) as s:
        s.execute(
            text(
                "INSERT INTO audit_events (at, account_id, action, actor, detail) "
                "VALUES (now(), :b, 'document.view', 'x', '{}')"
            ),
            {"b": bob},
        )


def test_it_gives_the_portal_role_no_way_around_the_policies(pg_alice_and_bob):
    db, _, _ = pg_alice_and_bob
    with db.portal_engine.connect() as conn:
        me = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
        assert tuple(me) == (False, False)
        owners = (
            conn.execute(
                text("SELECT DISTINCT tableowner FROM pg_tables WHERE tablename = 'invoices'")
            )
            .scalars()
            .all()
        )
        assert conn.execute(text("SELECT current_user")).scalar_one() not in owners
        with pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text("DELETE FROM invoices"))


def test_it_forces_row_level_security_on_every_account_owned_table(pg_db):
    from core.models import ACCOUNT_SCOPED_TABLES

    with pg_db.admin_session() as s:
        rows = s.execute(
            text(
                "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
                "WHERE relkind = 'r' AND relname = ANY(:names)"
            ),
            {"names": [*ACCOUNT_SCOPED_TABLES, "accounts"]},
        ).all()
    assert {r[0] for r in rows} == {*ACCOUNT_SCOPED_TABLES, "accounts"}
    assert all(r[1] and r[2] for r in rows)


def test_it_rolls_a_scope_back_whole_on_postgresql(pg_alice_and_bob):
    # The scope's transaction is begun by its own statement (the driver is in autocommit): a
    # write before an error must still vanish with it.
    db, alice, _ = pg_alice_and_bob
    with db.admin_session() as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(RuntimeError), db.account_scope(alice) as s:
        s.execute(
            text(
                "INSERT INTO audit_events (at, account_id, action, actor, detail) "
                "VALUES (now(), :a, 'document.view', 'x', '{}')"
            ),
            {"a": alice},
        )
        raise RuntimeError("the page failed")
    with db.account_scope(alice) as s:
        s.execute(
            text(
                "INSERT INTO audit_events (at, account_id, action, actor, detail) "
                "VALUES (now(), :a, 'document.view', 'kept', '{}')"
            ),
            {"a": alice},
        )
    with db.admin_session() as s:
        actors = s.scalars(select(AuditEvent.actor).order_by(AuditEvent.id)).all()
    assert len(actors) == before + 1 and actors[-1] == "kept"


def test_it_reopens_a_scope_whose_pooled_connection_the_server_dropped(pg_alice_and_bob, postgres):
    # What a database restart does to every pooled connection: the next customer request must
    # still be served, not fail once per stale connection.
    db, alice, _ = pg_alice_and_bob
    with db.account_scope(alice) as s:
        backend = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    postgres.sql(f"SELECT pg_terminate_backend({int(backend)})")
    with db.account_scope(alice) as s:
        assert s.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
        assert s.execute(text("SELECT count(*) FROM invoices")).scalar_one() == 1


# -- the web request's scope (Database.request_scope): a connection, an ORM session on demand --


def test_a_request_scope_shows_only_its_own_rows_on_its_session_and_connection(db, alice_and_bob):
    alice, bob = alice_and_bob
    with db.request_scope(alice) as scope:
        numbers = {i.number for i in scope.session().scalars(select(Invoice))}
        everything = scope.connection.execute(text("SELECT number FROM invoices")).scalars()
        bobs = scope.session().scalars(select(Invoice).where(Invoice.account_id == bob)).all()
    assert numbers == {"A-100", "A-101"}
    assert bobs == []
    if db.dialect == "postgresql":  # raw SQL names no account: row-level security holds
        assert set(everything) == {"A-100", "A-101"}


def test_a_request_scope_refuses_to_write_another_accounts_rows(db, alice_and_bob):
    alice, bob = alice_and_bob
    with pytest.raises(ScopeViolation), db.request_scope(alice) as scope:
        scope.session().add(AuditEvent(account_id=bob, action="document.view", actor="test"))


def test_a_request_scope_commits_its_session_and_connection_together_or_neither(db, alice_and_bob):
    from core import audit

    alice, _ = alice_and_bob

    def write(scope, actor: str) -> None:
        event = audit.values("document.view", actor=actor, account_id=alice)
        audit.insert_events(scope.connection, [event])
        scope.session().add(AuditEvent(account_id=alice, action="invoice.view", actor=actor))

    with pytest.raises(RuntimeError), db.request_scope(alice) as scope:
        write(scope, "lost")
        raise RuntimeError("the page failed")
    with db.request_scope(alice) as scope:
        write(scope, "kept")
    with db.admin_session() as s:
        actors = s.scalars(select(AuditEvent.actor).where(AuditEvent.actor != "system")).all()
    assert sorted(actors) == ["kept", "kept"]


def test_a_request_scope_reopens_on_a_pooled_connection_the_server_dropped(
    pg_alice_and_bob, postgres
):
    db, alice, _ = pg_alice_and_bob
    with db.request_scope(alice) as scope:
        backend = scope.connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    postgres.sql(f"SELECT pg_terminate_backend({int(backend)})")
    with db.request_scope(alice) as scope:
        assert scope.connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
        assert scope.connection.execute(text("SELECT count(*) FROM invoices")).scalar_one() == 1
    with db.portal_engine.connect() as plain:  # the account went with the transaction
        assert plain.execute(text("SELECT count(*) FROM invoices")).scalar_one() == 0
