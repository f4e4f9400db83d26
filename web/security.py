"""Response headers that every response carries — error pages and the server's own fallback
500 included — and the trusted reverse-proxy headers.

The headers are added by WSGI middleware around the whole app rather than in ``after_request``,
which Flask skips when an error handler itself fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
# Link tokens live in URLs: they must never reach another site in a Referer. Same-origin
# requests do carry it, which is what lets the CSRF check confirm over HTTPS that a form was
# posted from this site (browsers send no usable Origin under "no-referrer").
REFERRER_POLICY = "same-origin"
log = logging.getLogger(__name__)
STATIC_TYPES = (b"text/css", b"application/javascript", b"text/javascript")


class SecurityHeaders:
    """Adds the headers to every response the wrapped app sends, unless it set them itself."""

    def __init__(self, app: Callable[..., Iterable[bytes]], *, hsts: bool) -> None:
        self.app = app
        self.defaults = [
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", REFERRER_POLICY),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]
        if hsts:
            self.defaults.append(("Strict-Transport-Security", HSTS))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            present = {name.lower() for name, _ in headers}
            extra = [(n, v) for n, v in self.defaults if n.lower() not in present]
            content_type = next((v for n, v in headers if n.lower() == "content-type"), "")
            static = content_type.encode().startswith(STATIC_TYPES)
            if "cache-control" not in present and not static:
                # Billing data is private: no shared cache and no back-button copy after logout.
                extra.append(("Cache-Control", "no-store"))
            return start_response(status, headers + extra, exc_info)

        try:
            return self.app(environ, start)
        except Exception:
            # Even the error page failed (Flask re-raises then): answer a plain 500 that still
            # carries every header, instead of the server's bare one.
            log.exception("the error page failed")
            start("500 Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Something went wrong on our side. Try again in a moment.\n"]


def init_app(app: Flask, *, hsts: bool, proxy_hops: int) -> None:
    wrapped: Any = app.wsgi_app
    if proxy_hops:
        # Only as many X-Forwarded-* values as there are proxies of our own are believed.
        wrapped = ProxyFix(
            wrapped, x_for=proxy_hops, x_proto=proxy_hops, x_host=proxy_hops, x_port=proxy_hops
        )
    app.wsgi_app = SecurityHeaders(wrapped, hsts=hsts)  # type: ignore[method-assign]
    app.before_request(refuse_nul_characters)


URLENCODED = "application/x-www-form-urlencoded"
FORM_TYPES = (URLENCODED, "multipart/form-data")


def refuse_nul_characters() -> None:
    """400 for a NUL character in the query string or a form field (not in an uploaded file):
    no one types one, PostgreSQL cannot store one in text, and passed on it failed the request
    with a 500 (a sign-in address with a NUL did)."""
    if "%00" in request.environ.get("QUERY_STRING", ""):
        abort(400)
    if request.method != "POST" or request.mimetype not in FORM_TYPES:
        return
    if request.mimetype == URLENCODED:
        # Read and kept first, so that a handler that checks a signature over the raw body (a
        # Slack command) still has it after the form is parsed from it.
        request.get_data(cache=True)
    if any("\x00" in value for value in request.form.values()):
        abort(400)
