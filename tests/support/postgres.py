"""A throwaway PostgreSQL cluster started from the Debian server binaries.

PostgreSQL refuses to run as root, so when the tests run as root the cluster runs as the
``postgres`` system user (``runuser``), with its data directory owned by that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PRIVILEGED = ("ardesk", "privileged-secret")
PORTAL = ("ardesk_web", "portal-secret")


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("postgres")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    bindir: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ardesk-pg-")))
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None

    @property
    def _as_user(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> None:
        data = self.root / "data"
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        subprocess.run(
            [
                *self._as_user,
                str(self.bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        self._launch()

    def _launch(self) -> None:
        data = self.root / "data"
        log = open(self.root / "server.log", "ab")  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            [
                *self._as_user,
                str(self.bindir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(self.port),
                "-k",
                str(self.root),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=200",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.root / "server.log").read_text())
            ready = subprocess.run(
                [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start in 30 s")

    def restart(self) -> None:
        """Stop the server (fast shutdown: every connection is cut) and start it again on the
        same data and port, as an operator's restart or a failover does."""
        self._shutdown()
        self._launch()

    def url(self, user: str = "postgres", password: str = "", database: str = "postgres") -> str:
        secret = f":{password}" if password else ""
        return f"postgresql+psycopg://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            self.url(database=database).replace("+psycopg", ""), autocommit=True
        ) as conn:
            conn.execute(statement)

    def create_roles(self) -> None:
        """The two roles of DESIGN.md, made as docs/postgresql.md tells an operator to."""
        user, password = PRIVILEGED
        self.sql(f"CREATE ROLE {user} LOGIN BYPASSRLS PASSWORD '{password}'")
        self.sql("CREATE ROLE ardesk_portal NOLOGIN")
        user, password = PORTAL
        self.sql(f"CREATE ROLE {user} LOGIN PASSWORD '{password}' IN ROLE ardesk_portal")

    def create_database(self, name: str) -> tuple[str, str]:
        """A database owned by the privileged role; returns (privileged URL, portal URL)."""
        self.sql(f"CREATE DATABASE {name} OWNER {PRIVILEGED[0]}")
        return (self.url(*PRIVILEGED, database=name), self.url(*PORTAL, database=name))

    def stop(self) -> None:
        self._shutdown()
        shutil.rmtree(self.root, ignore_errors=True)

    def _shutdown(self) -> None:
        if self.process and self.process.poll() is None:
            # SIGINT is PostgreSQL's fast shutdown (it does not wait for open connections); it
            # goes to the postmaster itself, since runuser does not pass it on.
            pid_file = self.root / "data" / "postmaster.pid"
            try:
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGINT)
            except (OSError, ValueError, IndexError):
                self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@contextmanager
def throwaway_database(name: str) -> Iterator[tuple[str, str]]:
    """A cluster started for the benchmarks, with the two roles and database ``name``:
    (privileged URL, portal URL); stopped and removed afterwards."""
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found: apt-get install postgresql")
    server = PostgresServer(bindir)
    server.start()
    try:
        server.create_roles()
        yield server.create_database(name)
    finally:
        server.stop()
