"""Any database SQLAlchemy can reach, with one query per record type.

    [sources.erp]
    kind = "sql"
    url_env = "ERP_DATABASE_URL"          # postgresql://…, mysql://… (MariaDB), sqlite:///…
    [sources.erp.queries]
    accounts = "SELECT cust_no, name, currency, changed_at FROM customers WHERE changed_at > :since"
    invoices = "SELECT … FROM ar_invoices WHERE changed_at > :since"
    lines    = "SELECT … FROM ar_invoice_lines"

A query may use ``:since`` (the watermark less the overlap window): a full run binds the
``full_since`` date (1900-01-01 by default) so the same query reads everything. Rows are mapped
by column name (use aliases). Reads run in a read-only transaction where the database allows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from connectors.config import SourceConfig
from connectors.errors import SourceConfigError, SourceError
from connectors.mapped import MappedConnector

FULL_SINCE = datetime(1900, 1, 1)
STREAM_ROWS = 5000


class SqlConnector(MappedConnector):
    def __init__(self, config: SourceConfig) -> None:
        # The source's naive timestamps are in this zone: the watermark is bound in it, and the
        # mapping reads the rows' times in it unless the mapping says otherwise.
        self.zone = config.get("timezone", "UTC")
        super().__init__(config.name, config.mapping({"options": {"timezone": self.zone}}))
        self.queries: dict[str, str] = config.require("queries")
        url = config.secret("url", required=False) or config.get("url")
        if not url:
            raise SourceConfigError(f"source {config.name!r} needs url_env naming the database")
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise SourceConfigError(f"source {config.name!r}: not a database URL") from None
        if parsed.password is not None and "url" in config.settings:
            raise SourceConfigError(
                f"source {config.name!r}: the URL has a password; use url_env instead"
            )
        # The drivers ardesk ships: psycopg for PostgreSQL, PyMySQL for MariaDB and MySQL.
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        elif parsed.drivername in ("mysql", "mariadb"):
            parsed = parsed.set(drivername=f"{parsed.drivername}+pymysql")
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            database = config.base_dir / parsed.database
            parsed = parsed.set(database=str(database))
        self.engine = create_engine(parsed)
        self.full_since = config.get("full_since", FULL_SINCE)

    def rows(self, entity: str, since: datetime | None) -> Iterator[tuple[str, Any]]:
        query = self.queries.get(entity)
        if query is None:
            if entity in self.mapping:
                raise SourceConfigError(f"source {self.name!r} maps {entity} but has no query")
            return
        statement = text(query)
        params = {}
        if "since" in statement.compile().params:
            params["since"] = self._bind_since(since)
        try:
            with self.engine.connect() as conn:
                result = conn.execution_options(stream_results=True, yield_per=STREAM_ROWS).execute(
                    statement, params
                )
                keys = list(result.keys())
                for number, row in enumerate(result, 1):
                    yield f"{entity}#{number}", dict(zip(keys, row, strict=True))
        except DBAPIError as exc:
            # The driver's first line says what failed (a missing table, refused login) without
            # the rows; connection problems are worth retrying, a wrong query is not.
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise SourceError(
                f"{self.name} {entity} query failed: {first}",
                retryable=exc.connection_invalidated or _is_connection_problem(exc),
            ) from None
        except SQLAlchemyError as exc:
            raise SourceError(f"{self.name} {entity} query failed: {exc}") from None

    def _bind_since(self, since: datetime | None) -> Any:
        if since is None:
            moment = self.full_since
            if isinstance(moment, str):
                moment = datetime.fromisoformat(moment)
        else:
            from zoneinfo import ZoneInfo

            moment = since.astimezone(ZoneInfo(self.zone)).replace(tzinfo=None)
        if self.engine.dialect.name == "sqlite":
            # SQLite compares text: bind the form such columns hold.
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        return moment

    def close(self) -> None:
        self.engine.dispose()


def _is_connection_problem(exc: DBAPIError) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def connect(config: SourceConfig) -> SqlConnector:
    return SqlConnector(config)
