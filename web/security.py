"""Response headers that every page carries: CSP without inline script, framing, HSTS, caching."""

from __future__ import annotations

from flask import Flask, Response

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


def init_app(app: Flask, *, hsts: bool) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        # Link tokens live in URLs: never send them onward in a Referer.
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if hsts:
            headers["Strict-Transport-Security"] = HSTS
        if "Cache-Control" not in headers and not _is_static(response):
            # Billing data is private: no shared cache and no back-button copy after logout.
            headers["Cache-Control"] = "no-store"
        return response


def _is_static(response: Response) -> bool:
    return response.mimetype in ("text/css", "application/javascript", "text/javascript")
