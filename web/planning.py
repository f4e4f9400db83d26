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
of its transaction to custom plans in that same statement (``web.visitor``). The invoice list
switches back in its own statement (``plans_reused``), so the audit insert after it, and the
foreign-key checks the insert makes, reuse their plans again.

One list is the exception: the first page of the whole list (any sort, no filter, no page
cursor) on a link to the whole portal. Its statements read the account's keyset index in order
from its start, whatever the account's size, so a generic plan is the same plan. Planning it
anew was nearly a quarter of the server's CPU per page, and under ``auto`` the server keeps
planning it (its generic estimate is the costlier). ``bench/list_plans.py`` times every case
both ways: these pages take 0.19–0.20 ms generic against 0.26–0.42 ms custom, for the largest
and the smallest account alike, while a later page or a filter can take 100 ms generic. So that
page asks for generic plans (``plan_cache_mode = force_generic_plan``), decided in the session
statement by the link's scope: a narrower link's own conditions are planned with their values.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import Engine, String, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from werkzeug.datastructures import MultiDict

# Endpoints that only look rows up by key: nothing their plans depend on varies by account.
KEY_LOOKUPS = frozenset({"documents.invoice_pdf", "portal.invoice"})
# What the whole list's first page may carry and still be that page: a sort, a direction, and
# "all" as its status (the default).
_PLAN_STABLE_ARGS = frozenset({"sort", "dir", "status"})


class Planning(Enum):
    """How the rest of a page's transaction is planned, after its session statement."""

    reused = "reused"  # the server's choice: key lookups
    generic = "generic"  # one plan reused: the whole list's first page, on a portal link
    custom = "custom"  # planned with the values: every other page


def planning_for(endpoint: str | None, args: MultiDict[str, str]) -> Planning:
    """The planning of a request for ``endpoint`` with the query string ``args``."""
    if endpoint in KEY_LOOKUPS:
        return Planning.reused
    if (
        endpoint == "portal.invoices"
        and _PLAN_STABLE_ARGS.issuperset(args)
        and all(len(args.getlist(name)) == 1 for name in args)
        and args.get("status", "all") == "all"
    ):
        return Planning.generic
    return Planning.custom


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


class plans_reused(FunctionElement[str]):
    """A column that lets the rest of the transaction reuse plans again (PostgreSQL's
    ``plan_cache_mode`` back to ``auto``): a select list is evaluated as rows are produced,
    after the statement itself was planned, so the statement keeps the plan made for its
    values. NULL on other databases."""

    type = String()
    name = "plans_reused"
    inherit_cache = True


@compiles(plans_reused)
def _plans_reused(element: plans_reused, compiler, **kw) -> str:
    return "NULL"


@compiles(plans_reused, "postgresql")
def _plans_reused_postgresql(element: plans_reused, compiler, **kw) -> str:
    return "set_config('plan_cache_mode', 'auto', true)"
