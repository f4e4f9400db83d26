"""gunicorn serving ``web:create_app()`` with the shipped config, as production runs it."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).parents[2]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def _answers(url: str) -> bool:
    context = ssl._create_unverified_context()  # noqa: S323 - a throwaway loopback certificate
    try:
        with urllib.request.urlopen(url, timeout=2, context=context):  # noqa: S310 - loopback
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@contextmanager
def gunicorn(
    environ: dict[str, str], port: int, *extra: str, scheme: str = "http"
) -> Iterator[subprocess.Popen]:
    """Run gunicorn on 127.0.0.1:``port`` with ``environ`` (the ARDESK_* settings) until exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARDESK_")}
    env.update(environ, PORT=str(port), WEB_CONCURRENCY="1")
    command: Sequence[str] = [
        str(Path(sys.executable).parent / "gunicorn"), "--config", str(CONFIG),
        "--bind", f"127.0.0.1:{port}", *extra, "web:create_app()",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        for _ in range(150):
            if process.poll() is not None:
                raise RuntimeError(process.communicate()[1].decode()[-2000:])
            if _answers(f"{scheme}://127.0.0.1:{port}/healthz"):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
