"""gunicorn's logs as every ardesk process writes them, and its access log without credentials:
link tokens masked, no query strings, no Referer.

``deploy/gunicorn.conf.py`` names this logger class. It sets up the app's own log lines
(``core.logs``) and gives gunicorn's error and access logs the same format, context and masking.
In the text format the access log is gunicorn's line (the client, the time, the request line and
status, the size, the duration and the user agent); in JSON it is one object with those fields
and the request id the app returned.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from core import logs
from web.serving import redact

# Every atom that can carry a URL is rewritten (the request line apart: see ``_request_line``);
# the Referer is dropped whole (a same-origin Referer is the page the visitor came from, which
# may be a link), and so are cookies, credentials and the query string under each of their names
# (as a request header ``{…}i``, an environ variable ``{…}e``, a response header ``{…}o``).
_URL_ATOMS = ("U", "{raw_uri}e", "{path_info}e", "{request_uri}e", "{location}o")
_DROPPED = (
    "q", "f", "{query_string}e",
    "{referer}i", "{http_referer}e",
    "{cookie}i", "{http_cookie}e", "{set-cookie}o",
    "{authorization}i", "{http_authorization}e",
    "{x-slack-signature}i", "{http_x_slack_signature}e",
)  # fmt: skip


def _log_format() -> logs.LogFormat:
    from core.config import ConfigError, load_settings

    try:
        return logs.configure_from(load_settings()).format
    except ConfigError:
        return "text"  # the app's start names the bad setting; until then gunicorn's own lines


def _request_line(environ: dict) -> str:
    """The request line with its target as ``redact`` shows one. gunicorn's ``r`` is the line as
    it came, where ``/%6c/…`` or ``/l%2F…`` opens a link as ``/l/…`` does: masking that text would
    have to know every spelling, the decoded target has one."""
    method = environ.get("REQUEST_METHOD") or "-"
    protocol = environ.get("SERVER_PROTOCOL") or "-"
    return f"{method} {redact(environ.get('RAW_URI') or '')} {protocol}"


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:  # type: ignore[no-untyped-def]
        super().setup(cfg)
        self.log_format = _log_format()
        for handler in (*self.error_log.handlers, *self.access_log.handlers):
            if self.log_format == "json":
                logs.prepare(handler, "json")
            elif not any(isinstance(f, logs.ContextAndMasking) for f in handler.filters):
                handler.addFilter(logs.ContextAndMasking())

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = _request_line(environ)
        for name in _URL_ATOMS:
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        for name in _DROPPED:
            if name in atoms:
                atoms[name] = "-"
        return atoms

    def access(self, resp, req, environ, request_time) -> None:  # type: ignore[no-untyped-def]
        if self.log_format != "json":
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        atoms = self.atoms(resp, req, environ, request_time)
        self.access_log.info(
            "request",
            extra={
                "client": atoms["h"],
                "method": atoms["m"],
                "path": atoms["U"],
                "status": atoms["s"],
                "bytes": atoms["B"],
                "duration_ms": atoms["M"],
                "user_agent": atoms["a"],
                "request_id": atoms.get("{x-request-id}o"),
            },
        )
        return None
