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
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """Parse ``48h``, ``30m``, ``7d`` … into a timedelta."""
    match = _DURATION.match(text or "")
    if not match:
        raise ConfigError(f"not a duration: {text!r} (use a number and a unit: 30m, 48h, 7d)")
    amount, unit = int(match.group(1)), match.group(2)
    if amount <= 0:
        raise ConfigError(f"duration must be positive: {text!r}")
    return timedelta(**{_UNITS[unit]: amount})


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
