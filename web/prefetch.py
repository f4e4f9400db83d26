"""A page's own statement sent with its request scope's opening, when it can be told before the
session's row is read: one round trip to PostgreSQL less for a cached PDF or an invoice list.

The round trip, and the psycopg cursor the page's statement went through, were about a tenth
of such a request's CPU, the worker's and the server's together (``docs/benchmarks.md``,
eleventh pass). What a page's statement depends on that only the session's row says (the
contact's language, whether the role sees payments, whether the link shows the whole portal)
is taken from the same session's previous request in this worker (``remember``). The page
still works out its statement from the row it reads, and gets the rows read ahead only when
that statement and its values are the very ones sent (``core.driver_statements.Prefetch``): a
wrong guess costs the round trip it meant to save, nothing else. The rows are read in the
session's account scope, as the page's would be, and a page that refuses the visitor never
asks for them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from flask import Flask, current_app, request

from core.driver_statements import Prefetch

REMEMBERED = 4096  # sessions per worker


class Hints(NamedTuple):
    """What a session's previous request showed about it."""

    language: str | None  # the contact's
    with_payments: bool  # the role sees the payments applied to an invoice
    whole_portal: bool  # the link shows the whole portal (no narrower scope)


Predictor = Callable[[int, Hints], Prefetch | None]
_PREDICTORS: dict[str, Predictor] = {}


def predicts(endpoint: str) -> Callable[[Predictor], Predictor]:
    """Register the function that tells ``endpoint``'s statement ahead: given the account and
    the session's hints, during the request (its URL and query string are there to read)."""

    def register(predictor: Predictor) -> Predictor:
        _PREDICTORS[endpoint] = predictor
        return predictor

    return register


class _Remembered:
    """Hints by session key, the most recently used kept."""

    def __init__(self) -> None:
        self._hints: OrderedDict[str, Hints] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Hints | None:
        with self._lock:
            hints = self._hints.get(key)
            if hints is not None:
                self._hints.move_to_end(key)
            return hints

    def put(self, key: str, hints: Hints) -> None:
        with self._lock:
            self._hints[key] = hints
            self._hints.move_to_end(key)
            if len(self._hints) > REMEMBERED:
                self._hints.popitem(last=False)


def init_app(app: Flask) -> None:
    app.extensions["ardesk.prefetch_hints"] = _Remembered()


def remember(key: str, hints: Hints) -> None:
    """Keep what this request showed about session ``key`` for its next request."""
    current_app.extensions["ardesk.prefetch_hints"].put(key, hints)


def ahead(key: str, account_id: int) -> Prefetch | None:
    """This request's page statement told ahead, if its endpoint has a predictor and the
    session was seen before."""
    predictor = _PREDICTORS.get(request.endpoint or "")
    if predictor is None:
        return None
    hints = current_app.extensions["ardesk.prefetch_hints"].get(key)
    return None if hints is None else predictor(account_id, hints)
