"""The Chinook sample database (../shared/samples/chinook), loaded into a scratch database."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "chinook"
SQLITE_SCRIPT = SAMPLES / "Chinook_Sqlite.sql"
POSTGRES_SCRIPT = SAMPLES / "Chinook_PostgreSql.sql"


def load_sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(SQLITE_SCRIPT.read_text(encoding="utf-8"))
    return path


def load_postgres(server, name: str = "chinook") -> str:
    """Create the database ``name`` on the test server and run the PostgreSQL edition into it
    (without its DROP / CREATE DATABASE and psql ``\\c`` lines, which address the server)."""
    import psycopg

    script = POSTGRES_SCRIPT.read_text(encoding="utf-8")
    script = re.sub(r"(?im)^\s*(DROP DATABASE|CREATE DATABASE|\\c)\b.*$", "", script)
    server.sql(f"CREATE DATABASE {name}")
    with psycopg.connect(server.url(database=name).replace("+psycopg", ""), autocommit=True) as c:
        c.execute(script)
    return server.url(database=name)
