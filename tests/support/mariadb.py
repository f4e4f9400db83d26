"""A throwaway MariaDB server started from Debian's ``mariadb-server`` binaries.

Like tests/support/postgres.py: a data directory in a temporary folder, a free port on loopback,
and, when the tests run as root, the server runs as the ``mysql`` system user (``runuser``).
Tests reach it over TCP with PyMySQL as a password user; the setup uses the local socket.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.postgres import _free_port

READER = ("erp_reader", "reader-secret")


def find_server() -> Path | None:
    for candidate in ("/usr/sbin/mariadbd", shutil.which("mariadbd") or ""):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


@dataclass
class MariaDBServer:
    server: Path
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ardesk-mariadb-")))
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None

    @property
    def _as_user(self) -> list[str]:
        return ["runuser", "-u", "mysql", "--"] if os.geteuid() == 0 else []

    @property
    def socket(self) -> Path:
        return self.root / "mariadb.sock"

    def start(self) -> None:
        data = self.root / "data"
        if os.geteuid() == 0:
            pw = pwd.getpwnam("mysql")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        install = shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db"
        subprocess.run(
            [
                *self._as_user,
                install,
                "--no-defaults",
                f"--datadir={data}",
                "--auth-root-authentication-method=socket",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
        )
        log = open(self.root / "server.log", "wb")  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            [
                *self._as_user,
                str(self.server),
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={self.socket}",
                f"--pid-file={self.root / 'mariadb.pid'}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=32M",
                "--innodb-flush-log-at-trx-commit=0",
                "--skip-log-bin",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.root / "server.log").read_text())
            try:
                self.sql("SELECT 1")
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError("MariaDB did not start in 60 s")

    def sql(self, statement: str) -> None:
        """As a server administrator over the local socket: socket authentication knows the
        operating-system user of this process (root, or the user who installed the data)."""
        import pymysql

        connection = pymysql.connect(
            unix_socket=str(self.socket), user=pwd.getpwuid(os.getuid()).pw_name, autocommit=True
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def create_database(self, name: str) -> str:
        """A database the reader user may read and write; returns its PyMySQL URL."""
        user, password = READER
        self.sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        self.sql(f"CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}'")
        self.sql(f"GRANT ALL ON {name}.* TO '{user}'@'127.0.0.1'")
        return f"mysql+pymysql://{user}:{password}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # SIGTERM is MariaDB's clean shutdown; it goes to the server itself, since runuser
            # does not pass it on.
            try:
                pid = int((self.root / "mariadb.pid").read_text().strip())
                os.kill(pid, signal.SIGTERM)
            except (OSError, ValueError):
                self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)
