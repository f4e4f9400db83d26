"""How long `make demo` makes you wait: `ardesk demo` on a fresh SQLite file, from start to the
server answering (schema, demo data, the customer link and the AR sign-in printed), and to the
demo requests all through the pipeline (they run while the server starts). A new process each
run, as `make demo` starts it; stopped with Ctrl-C (SIGINT) once both are there.

    .venv/bin/python bench/demo_command.py            # 3 runs
    .venv/bin/python bench/demo_command.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVING = "ardesk portal on"
REQUESTS = "demo requests through the pipeline:"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def once() -> tuple[float, float | None]:
    """Seconds to the server announcing itself, and to the requests' summary (None: none)."""
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "ARDESK_VAR_DIR": var, "PYTHONUNBUFFERED": "1",
               "ARDESK_DATABASE_URL": f"sqlite:///{var}/ardesk.db"}  # fmt: skip
        started = time.perf_counter()
        command = [str(ROOT / ".venv/bin/ardesk"), "demo", "--port", str(free_port())]
        child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        serving = requests = None
        expect_requests = False
        assert child.stdout is not None
        for line in child.stdout:
            now = time.perf_counter() - started
            expect_requests = expect_requests or "demo requests through the pipeline" in line
            if SERVING in line:
                serving = now
            if REQUESTS in line:
                requests = now
            if serving is not None and (requests is not None or not expect_requests):
                break
        child.send_signal(signal.SIGINT)
        child.wait(timeout=30)
        assert serving is not None, "the server never announced itself"
        return serving, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = [once() for _ in range(parser.parse_args().runs)]
    load = os.getloadavg()[0]
    python = sys.version.split()[0]
    print(f"{platform.node()} ({os.cpu_count()} cores), load {load:.1f}, Python {python}")
    serving = [s for s, _ in runs]
    print("serving after " + ", ".join(f"{s:.1f}" for s in serving)
          + f" s; median {statistics.median(serving):.1f} s")  # fmt: skip
    done = [r for _, r in runs if r is not None]
    if done:
        print("requests done after " + ", ".join(f"{r:.1f}" for r in done)
              + f" s; median {statistics.median(done):.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
