"""A request id for every web request: taken from ``X-Request-ID`` when a proxy or client sent a
short safe token, made up otherwise, bound to every log line written while the request runs (and
so stored with a message the request brings in), and returned in the response's
``X-Request-ID`` — which the access log writes too."""

from __future__ import annotations

from flask import Flask, Response, g, request

from core import logs

HEADER = "X-Request-ID"


def init_app(app: Flask) -> None:
    @app.before_request
    def bind_request_id() -> None:
        g.request_id = logs.accept_request_id(request.headers.get(HEADER))
        g.request_log_token = logs.bind(request_id=g.request_id)

    @app.after_request
    def return_request_id(response: Response) -> Response:
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        return response

    @app.teardown_request
    def unbind_request_id(_error: BaseException | None) -> None:
        token = g.pop("request_log_token", None)
        if token is not None:
            logs.unbind(token)
