"""Database engines and the two session factories, named for who may use them.

* ``admin_session()`` — the privileged role (``ARDESK_DATABASE_URL``): migrations, loads, sync,
  the worker's sender lookup, the AR console. It sees every account.
* ``account_scope(account_id)`` — the customer-facing role (``ARDESK_PORTAL_DATABASE_URL``): every
  query is limited to one account, in code (loader criteria on every account-owned class) and, on
  PostgreSQL, by row-level security keyed on a transaction-local setting.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    create_engine,
    event,
    literal_column,
    text,
)
from sqlalchemy.engine import RootTransaction, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, with_loader_criteria

from core.config import ConfigError, Settings
from core.driver_messages import run_script
from core.driver_statements import DriverStatement, Prefetch
from core.models import Account, AccountScoped

_Opened = TypeVar("_Opened")

# The PostgreSQL setting the row-level security policies read (see the first migration).
ACCOUNT_SETTING = "ardesk.account_id"


class ScopeViolation(Exception):
    """Code tried to write a row of another account inside an account scope."""


def make_engine(
    url: str, pooled: bool = False, pre_ping: bool = True, autocommit: bool = False, **kwargs
) -> Engine:
    """An engine for ``url``; ``pooled``: PostgreSQL is behind a pooler in transaction mode;
    ``pre_ping``: test each pooled connection before use (a round trip per checkout);
    ``autocommit``: PostgreSQL connections in autocommit (their transactions begun by hand)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"not a database URL: {url!r}") from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if pooled:
        # A pooler in transaction mode hands each transaction whichever server connection is
        # free: a statement psycopg prepared on one would be unknown on the next.
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "prepare_threshold": None}
    if autocommit:
        kwargs["isolation_level"] = "AUTOCOMMIT"
    return create_engine(parsed, pool_pre_ping=pre_ping, **kwargs)


def _sha256_hex(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # PostgreSQL's sha256(), which SQLite lacks (``web.documents.reads.sha256_hex``).
    dbapi_connection.create_function("ardesk_sha256", 1, _sha256_hex, deterministic=True)
    # pysqlite's own transaction handling stays: reads run outside a transaction and BEGIN
    # comes with the first write, so a read never holds a snapshot a later write would fight.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# A session made on a request scope's connection: its transaction and account are the scope's.
_JOINED = "ardesk.joined_scope"


@dataclass(frozen=True)
class Opening:
    """A statement a request scope runs as soon as it begins, and its parameters: on PostgreSQL
    it goes to the server with the transaction's BEGIN and account setting, one round trip."""

    statement: DriverStatement
    params: Mapping[str, Any]
    # The page's own statement, when it can be told before the opening's row is read: sent in
    # the same round trip, its rows kept for the page (``driver_statements.Prefetch``).
    then: Prefetch | None = None


@dataclass
class RequestScope:
    """One account's transaction on the customer-facing role, as a web request holds it
    (``Database.request_scope``): the connection at once, an ORM session only when the page
    asks for one. Most pages run their few statements on the connection; opening and committing
    an ORM session around them cost half as much again as the statements."""

    account_id: int
    connection: Connection
    # The first row of the scope's ``Opening`` statement (None: no row, or no such statement).
    opened: tuple | None = None
    _session: Session | None = None

    def session(self) -> Session:
        """The scope's ORM session (made on first use), limited to the account as every
        ``account_scope`` session is; it commits and rolls back with the scope."""
        if self._session is None:
            session = Session(
                bind=self.connection, join_transaction_mode="rollback_only", expire_on_commit=False
            )
            session.info["account_id"] = self.account_id
            session.info[_JOINED] = True
            self._session = session
        return self._session

    def flush(self) -> None:
        """Write the ORM session's pending changes, if it was made."""
        if self._session is not None:
            self._session.flush()


@dataclass
class Database:
    """Both engines and their session factories; one per process."""

    settings: Settings
    engine: Engine
    portal_engine: Engine
    # The portal's own engine (PostgreSQL) keeps its connections in autocommit, set once per
    # connection rather than switched on every checkout and back on return (a tenth of what
    # pooling cost a cached PDF's request).
    _portal_autocommit: bool = False

    @classmethod
    def connect(cls, settings: Settings) -> Database:
        pooled = settings.database_transaction_pooling
        engine = make_engine(settings.database_url, pooled=pooled)
        if settings.portal_database_url == settings.database_url:
            portal_engine = engine
        else:
            # No pre-ping: ``account_scope`` opens each transaction at once and retries once on
            # a connection the server dropped, which costs nothing while the server is up.
            portal_engine = make_engine(
                settings.portal_database_url,
                pooled=pooled,
                pre_ping=False,
                autocommit=True,
            )
        autocommit = portal_engine is not engine and portal_engine.dialect.name == "postgresql"
        return cls(settings, engine, portal_engine, autocommit)

    @cached_property
    def _scope_engine(self) -> Engine:
        """The portal engine as account scopes use it. On PostgreSQL the driver is left in
        autocommit and each scope's transaction is begun by ``_set_account_context`` together
        with its account setting, one round trip instead of two (the driver's BEGIN, then the
        setting); the driver's commit and rollback act on that transaction as on their own."""
        if self.portal_engine.dialect.name != "postgresql" or self._portal_autocommit:
            return self.portal_engine
        # The portal shares the privileged engine (development without a portal role): its
        # connections are switched to autocommit on each checkout and back on return.
        return self.portal_engine.execution_options(isolation_level="AUTOCOMMIT")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def admin_session(self) -> Iterator[Session]:
        """A session on the privileged role: commits on success, rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def account_scope(self, account_id: int, *, generic_plans: bool = False) -> Iterator[Session]:
        """A session that can only see and write rows of ``account_id``.

        ``generic_plans``: on PostgreSQL, let the server reuse a prepared statement's plan in this
        scope, for work that only looks rows up by key (``web.planning``); otherwise each
        statement is planned with its values."""
        _check_account_id(account_id)

        def begun() -> tuple[Session, SessionTransaction]:
            session = Session(self._scope_engine, expire_on_commit=False)
            session.info["account_id"] = account_id
            session.info["generic_plans"] = generic_plans
            transaction = session.begin()
            try:
                session.connection()
            except DBAPIError:
                session.close()
                raise
            return session, transaction

        session, transaction = _opened_twice(begun)
        try:
            with transaction:
                yield session
        finally:
            session.close()

    @contextmanager
    def request_scope(
        self, account_id: int, *, generic_plans: bool = False, opening: Opening | None = None
    ) -> Iterator[RequestScope]:
        """``account_scope`` for a web request: a connection that can only see and write rows of
        ``account_id``, with an ORM session on it made only if asked for; ``opening`` is run
        first, its row kept as ``RequestScope.opened``."""
        _check_account_id(account_id)
        # A pooler in transaction mode may run each transaction on another server connection,
        # where the opening's prepared statement is not.
        one_message = not self.settings.database_transaction_pooling

        def begun() -> tuple[Connection, RootTransaction, tuple | None]:
            connection = self._scope_engine.connect()
            try:
                transaction = connection.begin()
                opened = _begin_account(connection, account_id, generic_plans, opening, one_message)
            except DBAPIError:
                connection.close()
                raise
            return connection, transaction, opened

        connection, transaction, opened = _opened_twice(begun)
        scope = RequestScope(account_id, connection, opened)
        try:
            with transaction:
                yield scope
                scope.flush()
        finally:
            if scope._session is not None:
                scope._session.close()
            connection.close()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.portal_engine is not self.engine:
            self.portal_engine.dispose()


def _check_account_id(account_id: Any) -> None:
    if not isinstance(account_id, int) or isinstance(account_id, bool):
        raise TypeError("an account scope needs an integer account id")


def _opened_twice(begun: Callable[[], _Opened]) -> _Opened:
    """``begun()``, which closes what it opened when it fails, and once more if it failed on a
    pooled connection the server had dropped (a restart, an idle timeout): that fails before any
    work, and the pool discards every connection older than the failure."""
    try:
        return begun()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return begun()


def written_limit(limit: int) -> ColumnElement[int]:
    """A LIMIT written into the statement's text instead of bound.

    psycopg prepares a statement it runs often, and PostgreSQL's generic plan for ``LIMIT $1``
    assumes a tenth of the rows are wanted: for a page of a million messages it then prefers
    walking or sorting them all to reading the first few in index order (the hand-off queue:
    100 ms at 200,000 messages instead of 5 ms; bench/queue_plan.py). Each distinct limit is its
    own prepared statement; pages use one or two. Written when the statement is compiled (the
    text is the same on every run, so a ``DriverStatement`` may hold it).
    """
    return literal_column(str(int(limit)), Integer)


@event.listens_for(Session, "after_begin")
def _set_account_context(session: Session, _transaction, connection) -> None:
    """Give every transaction of a scoped session its account, transaction-local (SET LOCAL).

    Because the setting is local to the transaction, a pooled connection reused later carries no
    account into the next transaction.
    """
    account_id = session.info.get("account_id")
    if account_id is not None and not session.info.get(_JOINED):
        _begin_account(connection, account_id, session.info["generic_plans"])


def _begin_account(
    connection: Connection,
    account_id: int,
    generic_plans: bool,
    opening: Opening | None = None,
    one_message: bool = True,
) -> tuple | None:
    """On PostgreSQL, begin the connection's transaction with ``account_id`` as its account (the
    setting the row-level security policies read) and, with ``generic_plans``, the server free
    to reuse plans for this transaction (``web.planning``). Then ``opening``, if given, in the
    same message where ``one_message`` allows; its first row is returned."""
    if connection.dialect.name == "postgresql":
        # Statements in one message (the simple protocol, so no parameters: the account id is
        # an int, checked by the caller). The driver is in autocommit (``_scope_engine``) and
        # this BEGIN opens the transaction its commit or rollback later ends. SET LOCAL, not a
        # SELECT of set_config: a command the server runs without planning it.
        script = ["BEGIN", f"SET LOCAL {ACCOUNT_SETTING} = '{int(account_id)}'"]
        if generic_plans:
            script.append("SET LOCAL plan_cache_mode = auto")
        if opening is not None and one_message:
            return opening.statement.first_after(connection, script, opening.params, opening.then)
        run_script(connection, "; ".join(script))
    return opening.statement.first(connection, opening.params) if opening else None


@lru_cache(maxsize=4096)
def _account_criteria(account_id: int) -> tuple[Any, Any]:
    """The loader criteria that keep a statement inside one account, built once per account:
    building them (and analysing the lambda) on every statement cost more than running it."""
    return (
        with_loader_criteria(
            AccountScoped,
            lambda cls: cls.account_id == account_id,
            include_aliases=True,
            track_closure_variables=True,
        ),
        with_loader_criteria(Account, Account.id == account_id, include_aliases=True),
    )


@event.listens_for(Session, "do_orm_execute")
def _limit_to_account(state: ORMExecuteState) -> None:
    account_id = state.session.info.get("account_id")
    if account_id is None or not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(*_account_criteria(account_id))


@event.listens_for(Session, "before_flush")
def _refuse_foreign_writes(session: Session, _context, _instances) -> None:
    account_id = session.info.get("account_id")
    if account_id is None:
        return
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        owner = obj.id if isinstance(obj, Account) else getattr(obj, "account_id", account_id)
        if isinstance(obj, AccountScoped | Account) and owner != account_id:
            raise ScopeViolation(
                f"{type(obj).__name__} of account {owner} written in the scope of {account_id}"
            )


def role_problems(db: Database) -> tuple[list[str], list[str]]:
    """Errors and warnings about the PostgreSQL roles of the security model (DESIGN.md)."""
    errors: list[str] = []
    warnings: list[str] = []
    if db.dialect != "postgresql":
        return errors, warnings
    query = text(
        "SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    with db.engine.connect() as conn:
        user, bypasses = conn.execute(query).one()
    if not bypasses:
        errors.append(
            f"the role {user!r} of ARDESK_DATABASE_URL needs BYPASSRLS for loads, sync and the "
            "AR console (see docs/postgresql.md)"
        )
    if db.portal_engine is db.engine:
        (errors if db.settings.is_production else warnings).append(
            "ARDESK_PORTAL_DATABASE_URL is not set: customer-facing queries would run as the "
            "privileged role, without row-level security (see docs/postgresql.md)"
        )
    else:
        with db.portal_engine.connect() as conn:
            user, bypasses = conn.execute(query).one()
        if bypasses:
            errors.append(
                f"the role {user!r} of ARDESK_PORTAL_DATABASE_URL bypasses row-level security; "
                "it must be a plain member of ardesk_portal (see docs/postgresql.md)"
            )
    return errors, warnings
