"""Configuration: one typed, validated settings object for every ``ARDESK_*`` variable.

Each field below is one variable (``smtp_url`` is ``ARDESK_SMTP_URL``); its description is the
documentation (``docs/configuration.md`` is checked against it by a test). Settings are parsed
once at start; a bad value is one line naming the variable, and nothing else in the code reads
the environment by name.

Defaults serve the embedded case: SQLite under ``var/``. A ``.env`` file is read in development
only, and it can never switch an environment to production or out of it: ``ARDESK_ENV`` comes from
the real environment. In production no secret has a default and the program refuses to start
without its secret key, from-address, AR address, an https base URL and a readable brand file.
An unknown ``ARDESK_`` variable (a typo, a name from an older release) is a warning in
development and an error in production; names the operator chooses for a source's credentials
are declared in the sources file and exempt, and test-only switches carry ``ARDESK_TEST_``.
"""

from __future__ import annotations

import logging
import os
import secrets
import tomllib
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError, model_validator

from core.config_general import GeneralSettings, SourcesSettings, WebSettings
from core.config_mail import MailSettings
from core.config_metrics import MetricsSettings
from core.config_processes import ChatSettings, WorkerSettings
from core.config_types import (
    ENVIRONMENTS,
    PREFIX,
    TEST_PREFIX,
    ConfigError,
    parse_duration,
)

__all__ = ["ENVIRONMENTS", "PREFIX", "TEST_PREFIX", "ConfigError", "Settings", "environment",
           "load_settings", "parse_duration"]  # fmt: skip

log = logging.getLogger(__name__)


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


class Settings(
    GeneralSettings,
    WebSettings,
    MailSettings,
    WorkerSettings,
    ChatSettings,
    SourcesSettings,
    MetricsSettings,
):
    """Every setting, typed. Build it with ``load_settings``; change one with ``replace``."""

    @model_validator(mode="after")
    def _leases_outlast_the_work(self) -> Settings:
        # A lease shorter than the work it covers hands a message to a second worker while the
        # first still holds it: the very double work the lease exists to prevent.
        if self.worker_lease < 2 * self.message_deadline:
            raise ValueError("ARDESK_WORKER_LEASE must be at least twice ARDESK_MESSAGE_DEADLINE")
        if self.sending_lease.total_seconds() <= self.smtp_timeout:
            raise ValueError("ARDESK_SENDING_LEASE must be longer than ARDESK_SMTP_TIMEOUT")
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def sender_address(self) -> str:
        """The address replies come from: required in production (checked at start), a local
        stand-in elsewhere so that development works without mail set up."""
        return self.from_address or "ardesk@localhost"

    @property
    def handoff_address(self) -> str:
        """Where hand-offs go: the AR address (required in production), else the sender's."""
        return self.ar_address or self.sender_address

    @property
    def verifying_keys(self) -> tuple[str, ...]:
        """The signing key first, then the fallbacks: what links and sessions verify against."""
        return (self.secret_key, *self.secret_key_fallbacks)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed, validated like the original."""
        try:
            return Settings.model_validate({**self.model_dump(), **changes})
        except ValidationError as error:
            raise ConfigError(_first_error(error)) from None

    def environ(self) -> dict[str, str]:
        """These settings as ``ARDESK_*`` variables, for a child process that should share them."""
        out: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if value is None or value == ():
                continue
            if isinstance(value, timedelta):
                text = f"{int(value.total_seconds())}s"
            elif isinstance(value, tuple):
                text = ",".join(value)
            elif isinstance(value, bool):
                text = "true" if value else "false"
            else:
                text = str(value)
            out[PREFIX + name.upper()] = text
        return out


FIELDS: tuple[str, ...] = tuple(Settings.model_fields)
VARIABLES: tuple[str, ...] = tuple(PREFIX + name.upper() for name in FIELDS)


def _without_password(text: str) -> str:
    """``scheme://user:***@host…``: a value as an error may show it. Everything between the
    ``:`` after the user name and the last ``@`` goes, so a password with an ``@`` or ``/`` in it
    goes too, whether or not the rest of the URL parses."""
    head, scheme_sep, rest = text.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not scheme_sep or not at or ":" not in credentials:
        return text
    return f"{head}://{credentials.partition(':')[0]}:***@{host}"


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    name = PREFIX + str(first["loc"][0]).upper() if first["loc"] else "a setting"
    message = str(first["msg"]).removeprefix("Value error, ")
    given = first.get("input")
    shown = (
        ""
        if name.lower().endswith(("key", "password", "secret", "token", "fallbacks"))
        else (f" (got {_without_password(given)!r})" if isinstance(given, str) else "")
    )
    return f"{name}: {message}{shown}"


def _declared_credentials(sources_file: str | None) -> set[str]:
    """The variable names a sources file declares for credentials (``password_env = "X"``)."""
    if not sources_file:
        return set()
    try:
        data = tomllib.loads(Path(sources_file).read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return set()  # the sync reports an unreadable sources file itself, with its path
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("_env") and isinstance(value, str):
                    names.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return names


def _unknown(environ: Mapping[str, str], exempt: Iterable[str]) -> list[str]:
    known = set(VARIABLES) | set(exempt)
    return sorted(
        name
        for name in environ
        if name.startswith(PREFIX) and not name.startswith(TEST_PREFIX) and name not in known
    )


def _dotenv(environ: dict[str, str]) -> dict[str, str]:
    """Development reads ``.env`` under the real environment; it never changes ARDESK_ENV."""
    if environ.get("ARDESK_ENV", "development") != "development":
        return environ
    from dotenv import dotenv_values

    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.pop("ARDESK_ENV", None)
    return {**values, **environ}


def environment(environ: Mapping[str, str]) -> str:
    """The environment ``ARDESK_ENV`` names: ``development`` when unset.

    Only the three names as documented pass; ``Production`` is an error, not production. Every
    reader of the variable (the settings, the test-only hooks in ``bot.failpoints``, a deploy
    script comparing it) then agrees on whether this is production.
    """
    env = environ.get("ARDESK_ENV", "development")
    if env in ENVIRONMENTS:
        return env
    if env.strip().lower() in ENVIRONMENTS:
        raise ConfigError(f"ARDESK_ENV must be written {env.strip().lower()!r}, not {env!r}")
    raise ConfigError(f"ARDESK_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")


def load_settings(
    environ: Mapping[str, str] | None = None, *, read_dotenv: bool = True
) -> Settings:
    """Parse ``ARDESK_*`` variables (``os.environ`` and, in development, ``.env``) into Settings.

    Raises ConfigError with one line naming the variable when a value is missing or malformed.
    """
    if environ is None:
        environ = dict(os.environ)
        if read_dotenv:
            environ = _dotenv(environ)
    values: dict[str, Any] = {
        name: environ[PREFIX + name.upper()] for name in FIELDS if PREFIX + name.upper() in environ
    }
    env = values["env"] = environment(environ)

    unknown = _unknown(environ, _declared_credentials(values.get("sources_file")))
    if unknown and env == "production":
        raise ConfigError(f"unknown setting {unknown[0]} (see docs/configuration.md)")
    for name in unknown:
        log.warning("ignoring unknown setting %s (see docs/configuration.md)", name)

    var_dir = Path(values.get("var_dir") or "var").resolve()
    values["var_dir"] = var_dir
    secret = str(values.get("secret_key", "")).strip()
    if not secret:
        if env == "production":
            raise ConfigError("ARDESK_SECRET_KEY is required when ARDESK_ENV=production")
        secret = _development_secret(var_dir)
    elif env == "production" and len(secret) < 32:
        raise ConfigError("ARDESK_SECRET_KEY must be at least 32 characters in production")
    values["secret_key"] = secret
    database_url = str(values.get("database_url", "")).strip()
    values["database_url"] = database_url or f"sqlite:///{var_dir / 'ardesk.db'}"
    values["portal_database_url"] = (
        str(values.get("portal_database_url", "")).strip() or values["database_url"]
    )
    try:
        settings = Settings.model_validate(values)
    except ValidationError as error:
        raise ConfigError(_first_error(error)) from None
    if settings.is_production:
        _check_production(settings, given_base_url="base_url" in values)
    return settings


def _check_production(settings: Settings, *, given_base_url: bool) -> None:
    """What production may not run without: each missing piece is one line naming it."""
    if not given_base_url or not settings.base_url.startswith("https://"):
        raise ConfigError(
            "ARDESK_BASE_URL must be set to the portal's public https:// URL in production"
        )
    for name in ("from_address", "ar_address"):
        if not getattr(settings, name):  # one well-formed address, when set: the settings' check
            raise ConfigError(f"{PREFIX}{name.upper()} is required in production (an address)")
    brand = settings.brand_file
    if brand is None:
        raise ConfigError("ARDESK_BRAND_FILE is required in production")
    if not brand.is_file() or not os.access(brand, os.R_OK):
        raise ConfigError(f"ARDESK_BRAND_FILE {brand} is not a readable file")
