"""The building blocks of the settings: the error, the value types every group shares (durations,
comma-separated lists, optional text where blank means unset) and each field's documentation."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

PREFIX = "ARDESK_"
TEST_PREFIX = "ARDESK_TEST_"  # switches for the test suite only, never read in production
ENVIRONMENTS = ("development", "test", "production")


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message says which and how to fix it."""


_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
#: The longest duration any setting takes: longer than any of them sensibly runs, and short
#: enough that adding it to the current time or taking it away stays within the calendar.
#: Without it ``ARDESK_LINK_RETENTION=999999d`` would pass at start and fail at the clock's
#: first purge, and a longer one would overflow timedelta itself.
MAX_DURATION_DAYS = 36500


def parse_duration(text: str) -> timedelta:
    """Parse ``48h``, ``30m``, ``7d`` … into a timedelta."""
    match = _DURATION.match(text or "")
    if not match:
        raise ConfigError(f"not a duration: {text!r} (use a number and a unit: 30m, 48h, 7d)")
    digits, unit = match.group(1), match.group(2)
    if len(digits) > 12:  # Python refuses to read past 4,300 digits; no setting needs 13
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ConfigError(f"duration too long: {shown!r} (at most {MAX_DURATION_DAYS}d)")
    amount = int(digits)
    if amount <= 0:
        raise ConfigError(f"duration must be positive: {text!r}")
    seconds = amount * _SECONDS[unit]  # a Python int: compared before timedelta can overflow
    if seconds > MAX_DURATION_DAYS * _SECONDS["d"]:
        raise ConfigError(f"duration too long: {text!r} (at most {MAX_DURATION_DAYS}d)")
    return timedelta(seconds=seconds)


def _duration(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ConfigError as error:
            raise ValueError(str(error)) from None
    return value


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _blank_is_unset(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


# The type says how a variable's text is read, so no list of field names has to be kept in step.
Duration = Annotated[timedelta, BeforeValidator(_duration)]
CommaList = Annotated[tuple[str, ...], BeforeValidator(_comma_list)]
Text = Annotated[str | None, BeforeValidator(_blank_is_unset)]
OptionalPath = Annotated[Path | None, BeforeValidator(_blank_is_unset)]


def doc(text: str, default: str = "—", *, group: str = "general", secret: bool = False) -> Any:
    """A field's documentation: its meaning, its default as the docs state it, its table."""
    return {"doc": text, "shown_default": default, "group": group, "secret": secret}


class SettingsGroup(BaseModel):
    """One table of settings; ``core.config.Settings`` is all of them."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)
