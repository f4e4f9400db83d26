"""A throwaway PgBouncer in transaction mode in front of a test PostgreSQL (Debian's package).

PgBouncer refuses to run as root, so when the tests run as root it runs as the ``postgres``
system user, like the cluster behind it. Clients sign in with the roles' passwords (SCRAM, from
the auth file); every database of the cluster is reachable under its own name. A small pool per
database and role makes two clients share server connections, as a busy deployment does.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.support.postgres import PORTAL, PRIVILEGED, PostgresServer, _free_port


def find_pgbouncer() -> Path | None:
    found = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")
    return Path(found) if found else None


@dataclass
class PgBouncer:
    binary: Path
    server: PostgresServer
    pool_size: int = 3
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ardesk-pgb-")))
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        users = [PRIVILEGED, PORTAL, ("postgres", "")]
        (self.root / "users.txt").write_text(
            "".join(f'"{user}" "{password}"\n' for user, password in users)
        )
        (self.root / "pgbouncer.ini").write_text(
            f"""[databases]
* = host=127.0.0.1 port={self.server.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {self.root}/users.txt
pool_mode = transaction
default_pool_size = {self.pool_size}
max_client_conn = 500
logfile = {self.root}/pgbouncer.log
pidfile = {self.root}/pgbouncer.pid
"""
        )
        as_user: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            for path in (self.root, *self.root.iterdir()):
                os.chown(path, pw.pw_uid, pw.pw_gid)
            as_user = ["runuser", "-u", "postgres", "--"]
        self.process = subprocess.Popen(
            [*as_user, str(self.binary), str(self.root / "pgbouncer.ini")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.root / "pgbouncer.log"
                raise RuntimeError(log.read_text() if log.exists() else "pgbouncer exited")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("PgBouncer did not start in 30 s")

    def through(self, url: str) -> str:
        """``url`` (to the cluster behind) pointed at this PgBouncer instead."""
        return make_url(url).set(port=self.port).render_as_string(hide_password=False)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            try:  # to PgBouncer itself, not to runuser
                os.kill(int((self.root / "pgbouncer.pid").read_text().split()[0]), signal.SIGTERM)
            except (OSError, ValueError, IndexError):
                self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)
