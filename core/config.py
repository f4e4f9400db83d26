"""Configuration from ``ARDESK_*`` environment variables (a ``.env`` file is read in development).

Defaults serve the embedded case: SQLite under ``var/``. In production no secret has a default:
the program refuses to start without ``ARDESK_SECRET_KEY``.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

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


def _development_secret(var_dir: Path) -> str:
    """A random key generated once per checkout: development needs no set-up, shares nothing."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True)
class Settings:
    env: str
    secret_key: str = field(repr=False)
    database_url: str
    portal_database_url: str
    base_url: str
    link_ttl: timedelta
    var_dir: Path
    extra: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def get(self, name: str, default: str | None = None) -> str | None:
        """Any other ``ARDESK_*`` variable, by its name without the prefix (``SMTP_URL``)."""
        return self.extra.get(name, default)


def load_settings(environ: dict[str, str] | None = None, *, read_dotenv: bool = True) -> Settings:
    if environ is None:
        if read_dotenv:
            from dotenv import load_dotenv

            load_dotenv(".env", override=False)
        environ = dict(os.environ)
    env = environ.get("ARDESK_ENV", "development").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"ARDESK_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    var_dir = Path(environ.get("ARDESK_VAR_DIR", "var")).resolve()

    secret = environ.get("ARDESK_SECRET_KEY", "").strip()
    if not secret:
        if env == "production":
            raise ConfigError("ARDESK_SECRET_KEY is required when ARDESK_ENV=production")
        secret = _development_secret(var_dir)
    elif env == "production" and len(secret) < 32:
        raise ConfigError("ARDESK_SECRET_KEY must be at least 32 characters in production")

    database_url = environ.get("ARDESK_DATABASE_URL", "").strip()
    if not database_url:
        database_url = f"sqlite:///{var_dir / 'ardesk.db'}"
    portal_url = environ.get("ARDESK_PORTAL_DATABASE_URL", "").strip() or database_url

    extra = {
        key.removeprefix("ARDESK_"): value
        for key, value in environ.items()
        if key.startswith("ARDESK_")
    }
    return Settings(
        env=env,
        secret_key=secret,
        database_url=database_url,
        portal_database_url=portal_url,
        base_url=environ.get("ARDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        link_ttl=parse_duration(environ.get("ARDESK_LINK_TTL", "48h")),
        var_dir=var_dir,
        extra=extra,
    )
