"""The processes the fault harness runs and breaks: workers, clocks and SMTP intake as real
`ardesk` subprocesses, plus the faults done to them and to the servers they depend on.

Every process is started, killed and restarted by its own id; Dovecot's IMAP sessions are found
as the children of the Dovecot master this harness started.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.dovecot import DovecotServer


@dataclass
class Role:
    name: str  # worker-1, clock-2, smtpd
    args: list[str]
    process: subprocess.Popen | None = None
    starts: int = 0


@dataclass
class Fleet:
    env: dict[str, str]
    logs: Path
    cwd: Path | None = None  # where the processes start (their code, for an older version's)
    roles: dict[str, Role] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, *args: str) -> None:
        self.roles[name] = Role(name, [sys.executable, "-m", "ardesk", *args])
        self.start(name)

    def start(self, name: str) -> None:
        role = self.roles[name]
        role.starts += 1
        with open(self.logs / f"{name}.log", "ab") as log:
            role.process = subprocess.Popen(
                role.args, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT
            )

    def kill(self, name: str) -> None:
        """SIGKILL: no clean-up, no commit, wherever the process happens to be."""
        process = self.roles[name].process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    def wait_ready(self, name: str, marker: str, timeout: float = 180.0) -> None:
        """Wait until the process's log shows ``marker`` (a started worker loads its model)."""
        deadline = time.monotonic() + timeout
        log = self.logs / f"{name}.log"
        while time.monotonic() < deadline:
            if log.exists() and marker in log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not start: see {log}")

    def supervise(self, stop) -> None:
        """Restart whatever exited on its own (one that started while PostgreSQL was down
        exits with an error), as systemd or a Procfile runner does; until ``stop``."""
        while not stop.wait(1):
            with self.lock:
                for name, role in self.roles.items():
                    if role.process is not None and role.process.poll() is not None:
                        self.start(name)

    def names(self, prefix: str) -> list[str]:
        return [name for name in self.roles if name.startswith(prefix)]

    def pid(self, name: str) -> int:
        process = self.roles[name].process
        assert process is not None
        return process.pid

    def stop_all(self, timeout: float = 30.0) -> dict[str, float]:
        """SIGTERM everything; returns how long each took to exit (all must, within timeout)."""
        started = time.monotonic()
        for role in self.roles.values():
            if role.process is not None and role.process.poll() is None:
                role.process.send_signal(signal.SIGTERM)
        took: dict[str, float] = {}
        for name, role in self.roles.items():
            if role.process is None:
                continue
            try:
                role.process.wait(timeout=max(0.1, timeout - (time.monotonic() - started)))
                took[name] = time.monotonic() - started
            except subprocess.TimeoutExpired:
                role.process.kill()
                took[name] = float("inf")
        return took


def drop_imap_sessions(dovecot: DovecotServer) -> int:
    """Kill the IMAP session processes of our Dovecot (its master survives): every client's
    connection drops at once, as when a server restarts or a network path fails."""
    master = int((dovecot.root / "run" / "master.pid").read_text().split()[0])
    killed = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(master) and fields.get("Name") == "imap":
            try:
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    return killed


@dataclass
class Fault:
    kind: str
    at: float  # time.time() the fault began
    lifted: float  # time.time() service was restored (the process or server back)


def kill_workers_at_random(
    fleet: Fleet, rng: random.Random, until: float, faults: list[Fault], stop
) -> None:
    """Until ``until``, every 8–20 s: SIGKILL a random worker wherever it is, then restart it.
    (A restarted worker needs several seconds to load before it works again: killing more often
    than that measures start-up, not recovery.)"""
    while time.time() < until and not stop.is_set():
        if stop.wait(rng.uniform(8, 20)):
            return
        name = rng.choice(fleet.names("worker"))
        began = time.time()
        with fleet.lock:  # the supervisor must not restart it first
            fleet.kill(name)
            stop.wait(rng.uniform(0.2, 2))
            fleet.start(name)
        faults.append(Fault("worker killed", began, time.time()))
