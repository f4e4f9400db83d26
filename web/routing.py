"""The app's Flask class: the URL map (routing never answers with a redirect built from the
request's Host header), and query values that answer for a missing name without an exception.

Werkzeug answers a path with doubled slashes (``//invoices``) or without a rule's trailing slash
(``/ar``) with a 308 to an absolute URL, and builds that URL's host from the ``Host`` header. A
forged header then chose where the redirect led, which a shared cache in front would keep for
everyone. No URL of the app needs those redirects: doubled slashes are a 404, and a rule's
trailing slash is optional, so the page answers under both paths.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import Map


class LocalMap(Map):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["merge_slashes"] = False
        kwargs["strict_slashes"] = False
        super().__init__(*args, **kwargs)


class QueryValues(ImmutableMultiDict):
    """A query's or a form's values, where ``get`` of a name the request did not send returns
    the default without raising: Werkzeug's raises and catches a ``BadRequestKeyError`` for
    it, and the invoice list asks for a dozen filters most requests leave out."""

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:
        if not dict.__contains__(self, key):
            return default
        return super().get(key, default, type)


class ArdeskRequest(Request):
    parameter_storage_class = QueryValues


class ArdeskFlask(Flask):
    # Set on the class: Flask makes its map, and adds the static files' rule to it, in __init__.
    url_map_class = LocalMap
    request_class = ArdeskRequest
