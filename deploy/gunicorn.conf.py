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
