"""What keeps the portal fast, checked as behaviour (never as timings): the cookie is not re-sent
on every response, PostgreSQL plans with the values, and "open, by due date" reads its index."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from core.models import Invoice, LinkScope, WebSession
from tests.web.conftest import follow, issue_link, open_portal
from web.planning import Planning, planning_for
from web.portal.listing import InvoiceFilters, open_invoices, page
from web.visitor import TOUCH_EVERY, _read_visitor, visitor_opening


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


def _signed_in_on_postgresql(app, client, db, world, scope=LinkScope.portal, targets=None) -> str:
    """Alice's portal session opened from a link of ``scope``, its key returned (skips on other
    databases)."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    link = issue_link(app, world.alice_contact, scope, targets)
    assert follow(client, link.token).status_code == 303
    with app.extensions["ardesk.db"].admin_session() as s:
        (key,) = s.scalars(select(WebSession.id).where(WebSession.link_id == link.id))
    return key


def _visitor_scope(app, world, key: str, planning: Planning):
    """A request's account scope, opened with the visitor's statement as a page opens it."""
    database = app.extensions["ardesk.db"]
    opening = visitor_opening(database, key, world.alice, planning)
    return database.request_scope(world.alice, generic_plans=True, opening=opening)


def _plans_after_the_visitor(app, world, key: str, planning: Planning) -> str:
    with app.app_context(), _visitor_scope(app, world, key, planning) as scope:
        visitor = _read_visitor(scope, key)
        assert visitor.contact_id == world.alice_contact
        return scope.connection.execute(text("SHOW plan_cache_mode")).scalar()


def test_a_list_page_reads_its_visitor_with_a_reused_plan_and_its_rows_with_custom_ones(
    app, client, db, world
):
    """The session's key lookup may reuse a plan on every page; after it, a page that is not
    all key lookups has its queries planned with their values (see web.planning)."""
    key = _signed_in_on_postgresql(app, client, db, world)
    assert _plans_after_the_visitor(app, world, key, Planning.reused) == "auto"
    assert _plans_after_the_visitor(app, world, key, Planning.custom) == "force_custom_plan"


@pytest.mark.parametrize(
    ("scope", "targets", "mode"),
    [
        (LinkScope.portal, None, "force_generic_plan"),
        (LinkScope.list, {"status": "paid"}, "force_custom_plan"),
        (LinkScope.invoice, {"invoice_ids": [1, 2]}, "force_custom_plan"),
    ],
)
def test_the_whole_lists_first_page_reuses_one_plan_only_on_a_portal_link(
    app, client, db, world, scope, targets, mode
):
    """A generic plan is the same plan for the unfiltered list's first page; a narrower link
    adds conditions of its own, which are planned with their values."""
    key = _signed_in_on_postgresql(app, client, db, world, scope, targets)
    assert _plans_after_the_visitor(app, world, key, Planning.generic) == mode


@pytest.mark.parametrize(
    ("endpoint", "query", "planning"),
    [
        ("portal.invoices", "", Planning.generic),
        ("portal.invoices", "sort=due&dir=asc", Planning.generic),
        ("portal.invoices", "status=all&sort=amount", Planning.generic),
        ("portal.invoices", "status=open", Planning.custom),
        ("portal.invoices", "status=all&status=paid", Planning.custom),
        ("portal.invoices", "q=INV", Planning.custom),
        ("portal.invoices", "min=500", Planning.custom),
        ("portal.invoices", "from=2026-01-01", Planning.custom),
        ("portal.invoices", "after=WyIyMDI2LTA2LTAxIiwgMTBd", Planning.custom),
        ("portal.invoices", "before=WyIyMDI2LTA2LTAxIiwgMTBd", Planning.custom),
        ("portal.invoices", "sort=due&sort=amount", Planning.custom),
        ("portal.statements", "", Planning.custom),
        ("portal.invoice", "", Planning.reused),
        ("documents.invoice_pdf", "format=pdf", Planning.reused),
    ],
)
def test_only_the_whole_lists_first_page_asks_for_generic_plans(endpoint, query, planning):
    """A filter or a page cursor makes a generic plan read or sort most of a large account
    (bench/list_plans.py): those pages are planned with their values."""
    assert planning_for(endpoint, MultiDict(parse_qsl(query))) is planning


def test_after_its_rows_the_invoice_list_lets_the_audit_insert_reuse_its_plan(
    app, client, db, world
):
    """The list's statement is planned with its values; the statements after it (the audit
    insert and its foreign-key checks) reuse theirs again, when the page asks for it."""
    key = _signed_in_on_postgresql(app, client, db, world)
    show = text("SHOW plan_cache_mode")
    pages = {}
    for reuse, mode in ((True, "auto"), (False, "force_custom_plan")):
        with app.app_context(), _visitor_scope(app, world, key, Planning.custom) as scope:
            _read_visitor(scope, key)
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


def test_after_a_page_fails_in_the_database_the_next_page_opens(
    app, client, db, world, monkeypatch
):
    """A failed page's transaction is rolled back, and psycopg then drops the connection's
    prepared statements, the session statement's included (PostgreSQL): the next page still
    reads its visitor and answers."""
    open_portal(app, client, world.alice_contact)
    for _ in range(6):  # psycopg prepares a statement it has run five times
        assert client.get("/invoices").status_code == 200
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the error page, as a browser gets it
    with monkeypatch.context() as patched:

        def failing(connection, *args, **kwargs):
            connection.exec_driver_sql("SELECT 1/0")  # the server refuses it mid-transaction

        patched.setattr("web.portal.invoices.listing.page", failing)
        assert client.get("/invoices").status_code == 500
    for _ in range(2):
        page = client.get("/invoices")
        assert page.status_code == 200
        assert "A-100" in page.get_data(as_text=True)


def test_a_portal_page_takes_two_round_trips_to_postgresql(app, client, db, world, monkeypatch):
    """The scope's opening carries the session's lookup and, from the session's second request
    on, the page's own query; the commit carries the audit insert: a cached PDF or a list page
    sends two messages, and the driver's own commit finds nothing left to send."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's round trips")
    import psycopg

    from core import driver_messages

    open_portal(app, client, world.alice_contact)
    pdf = f"/invoices/{world.invoices['A-100']}/pdf"
    # The copy rendered and stored, then its bytes kept by the worker; the CSRF secret written.
    for path in (pdf, pdf, "/invoices"):
        assert client.get(path).status_code == 200
    sent, commits_with_work = [], []
    execute, commit = psycopg.Cursor.execute, psycopg.Connection.commit
    executed = driver_messages.executed  # libpq's PQexec, past psycopg's cursors
    sent_past = driver_messages.sent  # a message whose every result is read, past them too

    def counted_execute(cursor, query, *args, **kwargs):
        sent.append(query)
        return execute(cursor, query, *args, **kwargs)

    def counted_exec(connection, sql):
        sent.append(sql)
        return executed(connection, sql)

    def counted_sent(connection, sql):
        sent.append(sql)
        return sent_past(connection, sql)

    def watched_commit(connection):
        idle = connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        commits_with_work.append(not idle)
        return commit(connection)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
    monkeypatch.setattr(driver_messages, "executed", counted_exec)
    monkeypatch.setattr(driver_messages, "sent", counted_sent)
    monkeypatch.setattr(psycopg.Connection, "commit", watched_commit)
    for path in (pdf, "/invoices"):
        sent.clear()
        assert client.get(path).status_code == 200
        assert len(sent) == 2, (path, [str(q)[:60] for q in sent])
    assert commits_with_work and not any(commits_with_work)
