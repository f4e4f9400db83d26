"""Settings an admin changes in the AR console without a deploy, over the environment's values.

Only the settings in ``OVERRIDABLE`` can be changed there. A value is the text an environment
variable would hold, validated by the very typed fields that read the environment
(``Settings.replace``): a value the environment would refuse is refused, never stored. The
environment (or the default) is the base; a stored override wins; a reset deletes the row.

Processes read the overrides at a bounded cost. The bot reads them before each message it decides
(one small query beside the decision's many); the web app keeps them in a per-process cache
(``Overrides``) read again at most every ``ARDESK_SETTINGS_REFRESH``, so a portal request costs no
query for them, and a change reaches every process within that time (the one that made it, at
once). Both read through the customer-facing role, which may only read the table.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.config import PREFIX, ConfigError, Settings
from core.errors import InvalidInput
from core.models import SettingOverride, utcnow

log = logging.getLogger(__name__)

#: What an admin may change in the console: which intents the bot answers, the link lifetime,
#: the reply rate limits, the first-response target and the business hours.
OVERRIDABLE: tuple[str, ...] = (
    "auto_answer_intents",
    "link_ttl",
    "replies_per_sender_hour",
    "replies_per_account_hour",
    "ar_first_response",
    "ar_business_hours",
    "ar_time_zone",
    "ar_holidays",
)


def _secret(name: str) -> bool:
    extra = Settings.model_fields[name].json_schema_extra
    return bool(isinstance(extra, dict) and extra.get("secret"))


# A secret is never shown in the console nor written to the audit trail: none is overridable.
assert all(name in Settings.model_fields and not _secret(name) for name in OVERRIDABLE)

_UNITS = (("h", 3600), ("m", 60), ("s", 1))
_DAY = 86400


def _without_password(text: str) -> str:
    """A URL as it may be shown: a password in it (``smtp://user:pass@host``) becomes ``***``."""
    parts = urlsplit(text)
    if parts.password is None:
        return text
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def as_text(value: Any) -> str:
    """A setting's value as its variable would be written (``48h``, ``a,b``, ``true``); a URL
    without its password."""
    if value is None or value == ():
        return ""
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        if seconds % _DAY == 0 and seconds >= 7 * _DAY:  # a week or more in days; 48h in hours
            return f"{seconds // _DAY}d"
        unit, size = next((u, s) for u, s in _UNITS if seconds % s == 0)
        return f"{seconds // size}{unit}"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and "://" in value:
        return _without_password(value)
    return str(value)


def variable(name: str) -> str:
    return PREFIX + name.upper()


def description(name: str) -> str:
    extra = Settings.model_fields[name].json_schema_extra
    return str(extra.get("doc", "")) if isinstance(extra, dict) else ""


@dataclass(frozen=True)
class Change:
    """One setting changed (or reset), as the audit trail records it."""

    name: str
    old: str
    new: str


def read(session: Session) -> dict[str, str]:
    """The stored overrides, by setting name (only names still overridable)."""
    rows = session.execute(select(SettingOverride.name, SettingOverride.value)).all()
    return {name: value for name, value in rows if name in OVERRIDABLE}


def read_from(engine: Engine) -> dict[str, str]:
    with Session(engine) as session, session.begin():
        return read(session)


def apply(settings: Settings, overrides: Mapping[str, str]) -> Settings:
    """``settings`` with the overrides in effect. One that no longer validates (the environment
    changed under it) is left out with a warning, and the others still apply."""
    wanted = {name: text for name, text in overrides.items() if name in OVERRIDABLE}
    if not wanted:
        return settings
    try:
        return settings.replace(**wanted)
    except ConfigError:
        for name, text in wanted.items():
            try:
                settings = settings.replace(**{name: text})
            except ConfigError as error:
                log.warning("console setting %s left out: %s", variable(name), error)
        return settings


class Overrides:
    """The web app's effective settings: the overrides read at most once per
    ``settings_refresh`` (on the first use after it ran out), and at once after this process
    changed one; applied over the base settings given (the app's, which may be replaced)."""

    def __init__(self, engine: Engine, interval: timedelta, clock=time.monotonic) -> None:
        self.engine = engine
        self.interval = interval.total_seconds()
        self._clock = clock
        self._lock = threading.Lock()
        self._due = 0.0
        self._read: dict[str, str] = {}
        self._base: Settings | None = None
        self._settings: Settings | None = None

    def current(self, base: Settings) -> Settings:
        if self._clock() < self._due and base is self._base and self._settings is not None:
            return self._settings
        with self._lock:
            if self._clock() >= self._due:
                self._refresh()
            if base is not self._base or self._settings is None:
                self._base, self._settings = base, apply(base, self._read)
            return self._settings

    def _refresh(self) -> None:
        try:
            overrides = read_from(self.engine)
        except SQLAlchemyError as error:  # keep what was in effect; try again next time
            log.warning("console settings not read: %s", type(error).__name__)
            overrides = self._read
        if overrides != self._read:
            self._read, self._settings = overrides, None  # applied again by current()
        self._due = self._clock() + self.interval

    def invalidate(self) -> None:
        """Read again on the next use (after this process changed a setting)."""
        self._due = 0.0


# The bot's: read on every use, applied again only when what is stored changed.
_each_use: dict[Engine, Overrides] = {}


def effective(engine: Engine, settings: Settings) -> Settings:
    """``settings`` with the overrides stored now (the bot, before each message)."""
    cache = _each_use.get(engine)
    if cache is None:
        cache = _each_use.setdefault(engine, Overrides(engine, timedelta(0)))
    return cache.current(settings)


def _check(name: str) -> None:
    if name not in OVERRIDABLE:
        raise InvalidInput(f"{variable(name)} cannot be changed in the console")


def change(session: Session, settings: Settings, name: str, text: str, *, by: str) -> Change | None:
    """Store ``text`` as the value of ``name`` over ``settings`` (the environment's). Raises
    InvalidInput, storing nothing, when the settings' own validation refuses it; None when the
    value in effect does not change."""
    _check(name)
    stored = read(session)
    before = apply(settings, stored)
    try:
        after = before.replace(**{name: text.strip()[:1000]})
    except ConfigError as error:
        raise InvalidInput(str(error)) from None
    old, new = as_text(getattr(before, name)), as_text(getattr(after, name))
    if old == new:
        return None
    # One statement whether or not the row exists: two admins saving the first override of a
    # setting at the same moment both succeed (the later one wins) instead of one failing on
    # the key.
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    values = {"name": name, "value": new, "changed_at": utcnow(), "changed_by": by}
    session.execute(
        insert(SettingOverride)
        .values(**values)
        .on_conflict_do_update(
            index_elements=[SettingOverride.name],
            set_={key: values[key] for key in ("value", "changed_at", "changed_by")},
        )
    )
    return Change(name, old, new)


def reset(session: Session, settings: Settings, name: str) -> Change | None:
    """Back to the environment's value (or the default); None when it was not overridden."""
    _check(name)
    row = session.get(SettingOverride, name)
    if row is None:
        return None
    old = as_text(getattr(apply(settings, read(session)), name))
    session.delete(row)
    return Change(name, old, as_text(getattr(settings, name)))


def base_sources(settings: Settings) -> dict[str, str]:
    """Where each setting's value comes from before the console: ``environment``, ``.env``
    (development) or ``default``."""
    dotenv: dict[str, str | None] = {}
    if settings.is_development and os.path.exists(".env"):
        from dotenv import dotenv_values

        dotenv = dict(dotenv_values(".env"))
    sources = {}
    for name in Settings.model_fields:
        key = variable(name)
        if key in os.environ:
            sources[name] = "environment"
        elif key in dotenv and key != "ARDESK_ENV":
            sources[name] = ".env"
        else:
            sources[name] = "default"
    return sources
