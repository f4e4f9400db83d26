"""What keeps the portal fast, checked as behaviour (never as timings): the cookie is not re-sent
on every response, PostgreSQL plans with the values, and "open, by due date" reads its index."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from core.models import Invoice, WebSession
from tests.web.conftest import open_portal
from web.portal.listing import InvoiceFilters, open_invoices, page
from web.visitor import TOUCH_EVERY, _read_visitor


def test_an_unchanged_session_sends_no_cookie(app, client, world):
    open_portal(app, client, world.alice_contact)
    client.get("/invoices")  # the new session's first page adds its CSRF secret
    assert client.get("/invoices").headers.get("Set-Cookie") is None
    with app.extensions["ardesk.db"].admin_session() as s:
        (row,) = s.scalars(select(WebSession))
        row.last_seen_at -= TOUCH_EVERY  # a minute since the time was written
        aged = row.last_seen_at
    refreshed = client.get("/invoices")
    assert refreshed.status_code == 200
    # The server moves the session's time; the browser's cookie stays as it is.
    assert refreshed.headers.get("Set-Cookie") is None
    with app.extensions["ardesk.db"].admin_session() as s:
        assert s.scalar(select(WebSession.last_seen_at)) > aged


def test_the_portal_plans_postgresql_queries_with_their_values(app, db):
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    database = app.extensions["ardesk.db"]
    with database.portal_engine.connect() as connection:
        assert connection.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
    # Pages that only look rows up by key let the server reuse plans, for their transaction only.
    account_id = 1
    with database.account_scope(account_id, generic_plans=True) as scoped:
        assert scoped.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
    with database.account_scope(account_id) as scoped:
        assert scoped.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"


def _signed_in_on_postgresql(app, client, db, world) -> str:
    """Alice's portal session opened, its key returned (skips on other databases)."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    open_portal(app, client, world.alice_contact)
    with app.extensions["ardesk.db"].admin_session() as s:
        (key,) = s.scalars(select(WebSession.id))
    return key


def test_a_list_page_reads_its_visitor_with_a_reused_plan_and_its_rows_with_custom_ones(
    app, client, db, world
):
    """The session's key lookup may reuse a plan on every page; after it, a page that is not
    all key lookups has its queries planned with their values (see web.planning)."""
    key = _signed_in_on_postgresql(app, client, db, world)
    database = app.extensions["ardesk.db"]
    for key_lookups_only, mode in ((True, "auto"), (False, "force_custom_plan")):
        with app.app_context(), database.request_scope(world.alice, generic_plans=True) as scope:
            show = text("SHOW plan_cache_mode")
            assert scope.connection.execute(show).scalar() == "auto"
            visitor = _read_visitor(scope, key, key_lookups_only)
            assert visitor.contact_id == world.alice_contact
            assert scope.connection.execute(show).scalar() == mode


def test_after_its_rows_the_invoice_list_lets_the_audit_insert_reuse_its_plan(
    app, client, db, world
):
    """The list's statement is planned with its values; the statements after it (the audit
    insert and its foreign-key checks) reuse theirs again, when the page asks for it."""
    key = _signed_in_on_postgresql(app, client, db, world)
    database = app.extensions["ardesk.db"]
    show = text("SHOW plan_cache_mode")
    pages = {}
    for reuse, mode in ((True, "auto"), (False, "force_custom_plan")):
        with app.app_context(), database.request_scope(world.alice, generic_plans=True) as scope:
            _read_visitor(scope, key, key_lookups_only=False)
            listed = page(
                scope.connection, world.alice, InvoiceFilters(), [], reuse_plans_after=reuse
            )
            assert scope.connection.execute(show).scalar() == mode
            pages[reuse] = [row.number for row in listed.rows]
    assert pages[True] == pages[False] and pages[True]


def test_open_invoices_by_due_date_read_the_partial_index_on_sqlite(db):
    if db.dialect != "sqlite":
        pytest.skip("SQLite only: PostgreSQL picks by statistics, which a test database lacks")
    query = (
        select(Invoice)
        .where(Invoice.account_id == 1, open_invoices())
        .order_by(Invoice.due_date.desc(), Invoice.id.desc())
        .limit(26)
    )
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as connection:
        plan = " ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "ix_invoices_open_account_due" in plan


def test_a_requests_statements_are_parsed_once_per_connection_by_psycopg():
    """psycopg keeps a statement's parsed text only under 4 KB and 50 parameters: a longer one is
    split anew on every execution (it was a tenth of a cached PDF's CPU). Nor may a statement be
    re-rendered per execution by SQLAlchemy ("literal_execute" parameters)."""
    from psycopg import _queries
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    from web.documents import reads
    from web.visitor import _VISITOR_QUERY

    dialect = PGDialect_psycopg()
    hot = (_VISITOR_QUERY, reads._COPY.statement, reads._CONTENT)
    for statement in hot:
        compiled = statement.compile(dialect=dialect)
        assert len(str(compiled).encode()) < _queries.MAX_CACHED_STATEMENT_LENGTH
        assert len(compiled.params) < _queries.MAX_CACHED_STATEMENT_PARAMS
        assert "POSTCOMPILE" not in str(compiled)
