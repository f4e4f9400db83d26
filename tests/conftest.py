"""Shared fixtures: settings, and a migrated database on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import itertools
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import logs
from core.config import Settings, load_settings
from core.db import Database
from core.migrate import upgrade
from tests.support.pgbouncer import PgBouncer, find_pgbouncer
from tests.support.postgres import PostgresServer, find_bindir
from tests.support.services import missing

_counter = itertools.count()


def make_settings(tmp_path: Path, database_url: str, portal_url: str | None = None) -> Settings:
    environ = {
        "ARDESK_ENV": "test",
        "ARDESK_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "ARDESK_VAR_DIR": str(tmp_path),
        "ARDESK_DATABASE_URL": database_url,
    }
    if portal_url:
        environ["ARDESK_PORTAL_DATABASE_URL"] = portal_url
    return load_settings(environ)


@pytest.fixture(autouse=True)
def _own_logging() -> Iterator[None]:
    """A command run in-process (CliRunner) sets up the process's logging as a real process
    does; each test ends with the set-up undone, so no test writes into another's output."""
    level = logging.getLogger().level
    yield
    logs.unconfigure()
    logging.getLogger().setLevel(level)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        missing("PostgreSQL server", "apt-get install postgresql")
    server = PostgresServer(bindir)
    server.start()
    server.create_roles()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pgbouncer(postgres: PostgresServer) -> Iterator[PgBouncer]:
    """PgBouncer in transaction mode in front of the test cluster."""
    binary = find_pgbouncer()
    if binary is None:
        missing("PgBouncer", "apt-get install pgbouncer")
    bouncer = PgBouncer(binary, postgres)
    bouncer.start()
    yield bouncer
    bouncer.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresServer, tmp_path_factory) -> str:
    """A migrated database that each test copies (CREATE DATABASE … TEMPLATE)."""
    url, _ = postgres.create_database("ardesk_template")
    db = Database.connect(make_settings(tmp_path_factory.mktemp("pgtpl"), url))
    upgrade(db.engine)
    db.dispose()
    return "ardesk_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlitetpl") / "template.db"
    db = Database.connect(make_settings(path.parent, f"sqlite:///{path}"))
    upgrade(db.engine)
    db.dispose()
    return path


def fresh_postgres(postgres: PostgresServer, template: str, tmp_path: Path) -> Database:
    name = f"ardesk_test_{next(_counter)}"
    postgres.sql(f"CREATE DATABASE {name} TEMPLATE {template} OWNER ardesk")
    from tests.support.postgres import PORTAL, PRIVILEGED

    return Database.connect(
        make_settings(
            tmp_path,
            postgres.url(*PRIVILEGED, database=name),
            postgres.url(*PORTAL, database=name),
        )
    )


def through_pgbouncer(database: Database, bouncer: PgBouncer) -> Database:
    """The same database reached through PgBouncer in transaction mode, set up for it."""
    settings = database.settings.replace(
        database_url=bouncer.through(database.settings.database_url),
        portal_database_url=bouncer.through(database.settings.portal_database_url),
        database_transaction_pooling=True,
    )
    database.dispose()
    return Database.connect(settings)


def fresh_sqlite(template: Path, tmp_path: Path) -> Database:
    path = tmp_path / "ardesk.db"
    shutil.copyfile(template, path)
    return Database.connect(make_settings(tmp_path, f"sqlite:///{path}"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path: Path) -> Iterator[Database]:
    """A freshly migrated database, once on SQLite and once on PostgreSQL (and, for a test that
    asks with ``indirect`` parametrization, on PostgreSQL through PgBouncer: ``pgbouncer``)."""
    if request.param == "sqlite":
        database = fresh_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
    else:
        server = request.getfixturevalue("postgres")
        database = fresh_postgres(server, request.getfixturevalue("postgres_template"), tmp_path)
        if request.param == "pgbouncer":
            database = through_pgbouncer(database, request.getfixturevalue("pgbouncer"))
    yield database
    database.dispose()


@pytest.fixture
def pg_db(postgres, postgres_template, tmp_path: Path) -> Iterator[Database]:
    """A freshly migrated PostgreSQL database (for what only PostgreSQL does)."""
    database = fresh_postgres(postgres, postgres_template, tmp_path)
    yield database
    database.dispose()
