"""gunicorn settings for ``ardesk web`` in production (the Procfile's ``web`` process).

Read by ``gunicorn --config deploy/gunicorn.conf.py "web:create_app()"``; every value can be
overridden on the command line or with ``GUNICORN_CMD_ARGS``.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# The usual rule for synchronous workers: two per core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A request that takes longer than this is killed; a stopping worker finishes its requests
# within the graceful timeout before it exits.
timeout = 60
graceful_timeout = 20
keepalive = 5
# The access log never holds link tokens, query strings, cookies or the Referer; this logger
# class also sets up the app's own logs (ARDESK_LOG_FORMAT: JSON lines with the request id).
logger_class = "web.access_log.RedactingLogger"
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Client addresses and the https scheme come from the proxy headers only where ARDESK_PROXY_HOPS
# says how many proxies to trust (the app applies ProxyFix); gunicorn itself trusts none.
forwarded_allow_ips = ""

# Metrics (docs/operations.md, "Metrics and alerts"): each worker writes its counts to files in
# PROMETHEUS_MULTIPROC_DIR and /metrics adds up every worker's. Set here, when the config is
# read, so that the workers (and a preloaded app) start in that mode; a private directory unless
# the environment names one.
_own_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    _own_metrics_dir = tempfile.mkdtemp(prefix="ardesk-web-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir


def on_starting(server):
    # Counts a previous run left behind are not this run's.
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    # A dead worker's live gauges leave the sums; its counters stay counted.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        import shutil

        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
