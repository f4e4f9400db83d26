"""Error pages a person can act on: what happened and what to do, in their language."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: (_l("Something in that request was not right"), _l("Go back and try again.")),
    403: (
        _l("Not available to you"),
        _l("Your role does not include this. Ask your accounts-receivable contact if you need it."),
    ),
    404: (
        _l("Not found"),
        _l("There is nothing here on your account. Check the address, or go back to the start."),
    ),
    405: (_l("Not found"), _l("There is nothing here on your account.")),
    413: (_l("That file is too big"), _l("Upload a PDF of at most 10 MB.")),
    429: (_l("Too many requests"), _l("Wait a minute, then try again.")),
    500: (_l("Something went wrong on our side"), _l("Try again in a moment.")),
}


def render_error(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    page = render_template(
        "errors/error.html",
        status=status,
        title=title or default_title,
        message=message or default_message,
    )
    return page, status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(_error: CSRFError):
        return render_error(
            400,
            str(_l("This form has expired")),
            str(_l("Reload the page and send it again.")),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status not in MESSAGES:
            return error
        return render_error(status)

    @app.errorhandler(500)
    def server_error(_error: Exception):
        return render_error(500)
