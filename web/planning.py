"""PostgreSQL plans the portal's queries with their values, every time.

psycopg prepares a statement after its fifth run, and PostgreSQL then tries a generic plan, made
without the parameter values. For the portal that plan assumes an average account: the capped
count of the invoice list went from 0.2 ms to 20–30 ms on the eleventh request at 100,000
invoices on one account (a sort of every invoice of the account instead of 1,001 index entries).
Planning these small queries with their values costs about 0.05 ms each.

Statements that look rows up by key — the session, an invoice by id, its stored documents, the
audit insert — gain nothing from it: a cached PDF made eight such statements and cost the server
1.3 ms of CPU planned each time, 0.5 ms with its plans reused, and the session's own five-table
lookup took 0.24 ms to plan on every page. So every portal request opens its account scope with
the server's own choice (``plan_cache_mode = auto`` for that transaction only) and reads its
session that way; a page that is not all key lookups (not in ``KEY_LOOKUPS``) switches the rest
of its transaction to custom plans in that same statement (``web.visitor``).
"""

from __future__ import annotations

from sqlalchemy import Engine, event

# Endpoints that only look rows up by key: nothing their plans depend on varies by account.
KEY_LOOKUPS = frozenset({"documents.invoice_pdf", "portal.invoice"})


def plan_with_values(engine: Engine, pooled: bool = False) -> None:
    """Have every connection of ``engine`` (PostgreSQL only) use custom plans.

    Not behind a pooler in transaction mode: nothing is prepared there (so every plan is
    custom), and a session setting would stay on a server connection other clients share."""
    if engine.dialect.name != "postgresql" or pooled:
        return

    @event.listens_for(engine, "connect")
    def _custom_plans(dbapi_connection, _record) -> None:
        # A fresh psycopg connection is not in autocommit: the SET opens a transaction, which
        # is committed so the setting lasts for the connection's life.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
        dbapi_connection.commit()
