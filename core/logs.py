"""Logs: one set-up for every process, context that follows a request, and masking.

Every process (``ardesk worker``, ``clock``, ``smtpd``, ``slack``, ``teams``, ``web`` and gunicorn)
calls ``configure`` once: one handler on stderr writing one JSON object per line
(``ARDESK_LOG_FORMAT=json``, the default in production) or one readable line
(``text``, the default elsewhere). Each line carries the fields bound with ``bound`` where it was
written: the web binds a request id per request, the worker a message id per message and an
outbox id per delivery, so one request can be followed through every process it touched.

Masking is defence in depth: the code logs ids, domains and counts, never a body, a subject, a
token or an address; should anything slip through (a library's message, an exception's text),
every record is rewritten on its way out: addresses to their domain, link and bearer tokens to
``…``.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote, unquote

from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["json", "text"]

# Replaced, never changed in place: a context copied into a thread or task keeps its own fields.
_context: ContextVar[dict[str, Any] | None] = ContextVar("ardesk_log_context", default=None)


def _fields() -> dict[str, Any]:
    return _context.get() or {}


# -- context ----------------------------------------------------------------------------------


def bind(**fields: Any) -> Token:
    """Add fields to every line logged in this context until ``unbind``; None values are left
    out. For hooks that open and close in two calls (a web request); elsewhere use ``bound``."""
    added = {name: value for name, value in fields.items() if value is not None}
    return _context.set({**_fields(), **added})


def unbind(token: Token) -> None:
    _context.reset(token)


@contextmanager
def bound(**fields: Any) -> Iterator[None]:
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


def context() -> dict[str, Any]:
    """The fields bound here now (a copy)."""
    return dict(_fields())


def request_id() -> str | None:
    """The request id bound here, stored with a message a request brings in (the column's
    default), so the worker's lines about it carry the same id."""
    return _fields().get("request_id")


# A request id from outside is kept only when it cannot carry anything but an id.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(value: str | None) -> str:
    """An inbound ``X-Request-ID`` (a proxy's, a client's) if it is a short safe token, else a
    new one."""
    if value and _SAFE_REQUEST_ID.fullmatch(value):
        return value
    return new_request_id()


# -- masking ----------------------------------------------------------------------------------

_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"'/=]+@((?:[\w-]+\.)+[\w-]{2,})")
_LINK_PATH = re.compile(r"/l/[^/\s?#\"'<>]+")
# itsdangerous tokens and JWTs: three base64url parts joined by dots (a link token, an id token).
_SIGNED = re.compile(r"\b[\w-]{10,}\.[\w-]{4,}\.[\w-]{16,}\b")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[\w.~+/=-]+")
_SLACK_TOKEN = re.compile(r"\bx(?:ox[abposr]|app)-[\w-]+")
# The query of a URL or of a path ("GET /verify?code=…"): codes and searches travel there.
_QUERY = re.compile(r"((?:https?:/|(?<![^\s\"'(\[=])/)[^\s?#\"'<>]*)\?[^\s\"'<>]*")


# Percent-encoding hides a token, an address or a query from the patterns above
# (``/%6c/<token>``, ``ann%40example.com``, ``/verify%3Fcode=…``): a word with escapes is read
# decoded too, until no escape is left (a few rounds at most: one still encoded after them is
# masked whole).
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_WORD = re.compile(r"[^\s\"'<>]+")
_DECODINGS = 4
# What decoding may bring into a line (a space, a quote, a line break) is escaped again: a
# decoded word never forges a field or another line.
_UNSAFE = re.compile(r"[\s\"'<>\x00-\x1f\x7f]")


def mask(text: str) -> str:
    """``text`` as a log may show it: addresses reduced to ``…@domain``, link, bearer and Slack
    tokens to ``…``, query strings of URLs and paths dropped — spelt plainly or percent-encoded."""
    if _ESCAPE.search(text):
        text = _WORD.sub(_decoded_where_it_hides, text)
    return _mask_plain(text)


def fully_decoded(text: str) -> str | None:
    """``text`` percent-decoded until no escape is left (``%256c`` is ``l``), or None when one
    is still left after ``_DECODINGS`` rounds: no server reads a URL encoded so many times, and
    a log shows none of it."""
    for _ in range(_DECODINGS):
        if not _ESCAPE.search(text):
            return text
        text = unquote(text)
    return None if _ESCAPE.search(text) else text


def _decoded_where_it_hides(word: re.Match[str]) -> str:
    """A word with escapes as it was, unless its decoded form has something to mask: then that
    form, masked (and escaped again where it would break the line)."""
    original = word.group(0)
    decoded = fully_decoded(original)
    if decoded is None:
        return "…"
    masked = _mask_plain(decoded)
    if masked == decoded:
        return original
    return _UNSAFE.sub(lambda unsafe: quote(unsafe.group(0)), masked)


def _mask_plain(text: str) -> str:
    text = _ADDRESS.sub(r"…@\1", text)
    text = _LINK_PATH.sub("/l/…", text)
    text = _BEARER.sub(r"\1 …", text)
    text = _SLACK_TOKEN.sub("xox…", text)
    text = _SIGNED.sub("…", text)
    return _QUERY.sub(r"\1?…", text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    return value


_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
}


class ContextAndMasking(logging.Filter):
    """On a handler: adds the bound context to each record, then masks everything it carries —
    the message with its arguments, the exception and stack text, and every extra field."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _fields().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        record.msg = mask(record.getMessage())
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = mask(text), None
        elif record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        for name, value in list(record.__dict__.items()):
            if name not in _STANDARD:
                setattr(record, name, _masked(value))
        return True


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a record carries beyond the standard ones: bound context and ``extra=``."""
    return {name: value for name, value in record.__dict__.items() if name not in _STANDARD}


# -- formats ----------------------------------------------------------------------------------


class TextFormatter(logging.Formatter):
    """``2026-11-30 10:00:00,000 INFO bot.worker message [message_id=7 request_id=…]``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = extra_fields(record)
        if not fields:
            return line
        first, newline, rest = line.partition("\n")
        shown = " ".join(f"{name}={value}" for name, value in fields.items())
        return f"{first} [{shown}]{newline}{rest}"


class _Json(JsonFormatter):
    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        # The time first, to the millisecond, in UTC: lines from several machines sort by it.
        log_data["time"] = datetime.fromtimestamp(record.created, UTC).isoformat(
            timespec="milliseconds"
        )
        super().add_fields(log_data, record, message_dict)


def json_formatter() -> logging.Formatter:
    """``{"time": "…+00:00", "level": "INFO", "logger": "bot.worker", "event": "…", …}``."""
    return _Json(
        ["levelname", "name", "message"],
        rename_fields={
            "levelname": "level",
            "name": "logger",
            "message": "event",
            "exc_info": "exception",
        },
        json_ensure_ascii=False,
    )


def formatter(log_format: LogFormat) -> logging.Formatter:
    return json_formatter() if log_format == "json" else TextFormatter()


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when it writes (not when it was made)."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def prepare(handler: logging.Handler, log_format: LogFormat) -> logging.Handler:
    """A handler as every ardesk log line goes out: the format, the context, the masking."""
    handler.setFormatter(formatter(log_format))
    if not any(isinstance(f, ContextAndMasking) for f in handler.filters):
        handler.addFilter(ContextAndMasking())
    return handler


@dataclass(frozen=True)
class LogSetup:
    """What ``configure`` was given, so a child process can be set up the same way."""

    format: LogFormat
    level: str


_configured: LogSetup | None = None

# Libraries that narrate every step at INFO (each SMTP command of a session, each stage of a
# PDF): their warnings still show, their steps only at DEBUG.
_CHATTY = ("mail.log", "weasyprint", "fontTools")


def configure(log_format: LogFormat, level: str = "INFO") -> LogSetup:
    """Send every logger's records to stderr in ``log_format`` from ``level`` up. Idempotent:
    a second call replaces the handler of the first."""
    global _configured
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _Stderr):
            root.removeHandler(handler)
    root.addHandler(prepare(_Stderr(), log_format))
    root.setLevel(level)
    for name in _CHATTY:
        quiet = logging.NOTSET if root.level <= logging.DEBUG else max(logging.WARNING, root.level)
        logging.getLogger(name).setLevel(quiet)
    logging.captureWarnings(True)  # a library's warning is a log line too, not a stray one
    _configured = LogSetup(log_format, level)
    return _configured


def unconfigure() -> None:
    """Undo ``configure``: for a command that ran inside another program (a test's)."""
    global _configured
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _Stderr):
            root.removeHandler(handler)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.NOTSET)
    logging.captureWarnings(False)
    _configured = None


def configured() -> LogSetup | None:
    """The set-up of this process, None if it has none (a library use, a test)."""
    return _configured


def configure_from(settings: Any) -> LogSetup:
    """``configure`` with ``ARDESK_LOG_FORMAT`` and ``ARDESK_LOG_LEVEL``."""
    return configure(settings.log_format_in_effect, settings.log_level)
