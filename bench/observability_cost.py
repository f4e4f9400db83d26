"""What metrics and structured logs cost the portal: the invoice list served with them and
without, same app, same data, same run.

    .venv/bin/python bench/observability_cost.py
    .venv/bin/python bench/observability_cost.py --invoices 20000 --rounds 6 --seconds 5

One SQLite database gets ``ardesk demo-data``; two gunicorn servers (2 sync workers each, the
shipped ``deploy/gunicorn.conf.py``, access log to a file) serve it side by side: one with
``ARDESK_METRICS=true`` (and JSON logs where this checkout has ``ARDESK_LOG_FORMAT``), scraped
once a round as Prometheus would, one with ``ARDESK_METRICS=false`` (and text logs). Rounds
alternate between them so that whatever else loads the machine falls on both alike; the result
is each side's mean requests per second and gunicorn workers' CPU per request, and the
difference (target: at most 5 % fewer requests per second with them on).
"""

from __future__ import annotations

import argparse
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import portal  # noqa: E402  (bench/portal.py: loading, sessions, driving)

from core.config import Settings  # noqa: E402

TOKEN = "bench-metrics-token-0123456789abcdef"  # noqa: S105 - a throwaway loopback server


def variant(env: dict[str, str], on: bool) -> dict[str, str]:
    changed = {**env, "ARDESK_METRICS": "true" if on else "false", "ARDESK_METRICS_TOKEN": TOKEN}
    if "log_format" in Settings.model_fields:  # structured logs, where this checkout has them
        changed["ARDESK_LOG_FORMAT"] = "json" if on else "text"
    changed.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return changed


def serve(port: int, env: dict[str, str], access_log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(portal.BIN / "gunicorn"), "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "--workers", "2", "--bind", f"127.0.0.1:{port}", "--access-logfile", str(access_log),
         "--error-logfile", str(access_log.with_suffix(".err")), "web:create_app()"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            response, _ = portal.request(port, "/healthz")
            if response.status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def scrape(port: int) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--largest", type=int, default=5_000)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--path", default="/invoices")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ardesk-obs-bench-") as tmp:
        work = Path(tmp)
        ports = {"on": portal.free_port(), "off": portal.free_port()}
        url = f"sqlite:///{work / 'ardesk.db'}"
        env = portal.environment(work, url, url, f"http://127.0.0.1:{ports['on']}")
        print(f"loading {args.invoices:,} invoices ({args.largest:,} on one account)…", flush=True)
        portal.load(env, args.invoices, args.largest, args.accounts)
        portal.analyze(env)
        targets = portal.portal_targets(env)
        servers, cookies = {}, {}
        try:
            for name, on in (("on", True), ("off", False)):
                servers[name] = serve(ports[name], variant(env, on), work / f"access-{name}.log")
                cookie = portal.open_session(ports[name], targets["link"])
                response, _ = portal.request(ports[name], args.path, cookie)
                cookies[name] = portal.updated_cookie(response, cookie)
                portal.drive(ports[name], args.path, cookies[name], 2, args.clients)  # warm-up
            assert scrape(ports["on"]) == 200 and scrape(ports["off"]) == 404
            figures: dict[str, list[dict]] = {"on": [], "off": []}
            for round_ in range(args.rounds):
                order = ("on", "off") if round_ % 2 == 0 else ("off", "on")
                for name in order:
                    if name == "on":
                        scrape(ports[name])
                    measured = portal.measure(
                        servers[name], ports[name], args.path, cookies[name], args
                    )
                    assert measured["errors"] == 0, measured
                    figures[name].append(measured)
                    print(
                        f"  round {round_ + 1} {name:>3}: {measured['rps']:7.1f} req/s  "
                        f"{measured['cpu_ms']:5.2f} ms CPU/request",
                        flush=True,
                    )
        finally:
            for server in servers.values():
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
    report(figures, args)


def report(figures: dict[str, list[dict]], args: argparse.Namespace) -> None:
    rps = {name: statistics.mean(f["rps"] for f in rounds) for name, rounds in figures.items()}
    cpu = {name: statistics.mean(f["cpu_ms"] for f in rounds) for name, rounds in figures.items()}
    logs = "JSON logs" if "log_format" in Settings.model_fields else "logs as they are"
    machine = platform.processor() or platform.machine()
    print(
        f"\n{platform.node()} ({machine}), {args.rounds} rounds x {args.seconds:g} s, "
        f"{args.clients} clients, {args.path}"
    )
    print(f"  metrics + {logs}: {rps['on']:7.1f} req/s  {cpu['on']:5.2f} ms CPU/request")
    print(f"  metrics off, text logs: {rps['off']:7.1f} req/s  {cpu['off']:5.2f} ms CPU/request")
    print(
        f"  difference: {100 * (rps['on'] - rps['off']) / rps['off']:+.1f} % requests/s, "
        f"{100 * (cpu['on'] - cpu['off']) / cpu['off']:+.1f} % CPU/request"
    )


if __name__ == "__main__":
    main()
