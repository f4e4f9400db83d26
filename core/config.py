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
import re
import secrets
import tomllib
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from core.business_hours import Schedule

log = logging.getLogger(__name__)

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


def _csv(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


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


def _doc(text: str, default: str = "—", *, group: str = "general", secret: bool = False) -> Any:
    """A field's documentation: its meaning, its default as the docs state it, its table."""
    return {"doc": text, "shown_default": default, "group": group, "secret": secret}


class Settings(BaseModel):
    """Every setting, typed. Build it with ``load_settings``; change one with ``replace``."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    env: Literal["development", "test", "production"] = Field(
        "development",
        json_schema_extra=_doc(
            "`development`, `test` or `production`. In production no secret has a default, and "
            "the program refuses to start without the settings marked **required**.",
            "`development`",
        ),
    )
    secret_key: str = Field(
        "",
        repr=False,
        json_schema_extra=_doc(
            "Signs links and session cookies. **Required** in production (at least 32 characters)."
            " To rotate it, set the new key here and the old one in `ARDESK_SECRET_KEY_FALLBACKS`:"
            " links and sessions signed with the old key keep working until they expire.",
            "development: generated once into `var/secret_key` (mode 600)",
            secret=True,
        ),
    )
    secret_key_fallbacks: tuple[str, ...] = Field(
        (),
        repr=False,
        json_schema_extra=_doc(
            "Comma-separated earlier secret keys that still verify (never sign).", secret=True
        ),
    )
    var_dir: Path = Field(
        Path("var"),
        json_schema_extra=_doc(
            "Where local state lives: the SQLite database, the development key.", "`var`"
        ),
    )
    database_url: str = Field(
        "",
        json_schema_extra=_doc(
            "The privileged database role (migrations, loads, sync, worker, AR console). "
            "`postgresql://…` uses psycopg 3.",
            "`sqlite:///var/ardesk.db`",
        ),
    )
    portal_database_url: str = Field(
        "",
        json_schema_extra=_doc(
            "The customer-facing role, subject to row-level security on PostgreSQL "
            "([postgresql.md](postgresql.md)).",
            "same as `ARDESK_DATABASE_URL`",
        ),
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        json_schema_extra=_doc(
            "Public URL used in links. **Required** in production, and it must be `https://`.",
            "`http://127.0.0.1:8000`",
        ),
    )
    link_ttl: timedelta = Field(
        timedelta(hours=48),
        json_schema_extra=_doc("Lifetime of a link sent in a reply (`30m`, `48h`, `7d`).", "`48h`"),
    )
    link_retention: timedelta = Field(
        timedelta(days=90),
        json_schema_extra=_doc(
            "How long after expiry or revocation `ardesk clock` keeps a link's row (the audit "
            "trail keeps its id).",
            "`90d`",
        ),
    )
    session_idle: timedelta = Field(
        timedelta(minutes=30),
        json_schema_extra=_doc(
            "A portal session ends after this long without a request (and always when its link "
            "expires or is revoked, or at sign-out).",
            "`30m`",
            group="web",
        ),
    )
    ar_session_idle: timedelta = Field(
        timedelta(minutes=30),
        json_schema_extra=_doc(
            "An AR console session ends after this long without a request.", "`30m`", group="web"
        ),
    )
    ar_session_max: timedelta = Field(
        timedelta(hours=12),
        json_schema_extra=_doc(
            "An AR console session ends this long after sign-in, however busy.",
            "`12h`",
            group="web",
        ),
    )
    ar_sign_in_attempts: int = Field(
        5,
        ge=1,
        le=100,
        json_schema_extra=_doc(
            "Failed console sign-ins in a row (wrong password or code) that lock the user out for "
            "`ARDESK_AR_LOCKOUT`.",
            "`5`",
            group="web",
        ),
    )
    ar_lockout: timedelta = Field(
        timedelta(minutes=15),
        json_schema_extra=_doc(
            "How long a locked-out AR user is refused, even with the right password.",
            "`15m`",
            group="web",
        ),
    )
    ar_require_totp: bool = Field(
        False,
        json_schema_extra=_doc(
            "`true`: AR users without a TOTP secret (`ardesk users totp`) cannot sign in.",
            "`false`",
            group="web",
        ),
    )
    ar_first_response: timedelta = Field(
        timedelta(hours=4),
        json_schema_extra=_doc(
            "First-response target for a hand-off, counted in business hours: the queue shows "
            "each request's due time, due soon and overdue.",
            "`4h`",
            group="web",
        ),
    )
    ar_time_zone: str = Field(
        "UTC",
        json_schema_extra=_doc(
            "The AR team's time zone (IANA name, e.g. `Europe/Berlin`) for business hours.",
            "`UTC`",
            group="web",
        ),
    )
    ar_business_hours: str = Field(
        "mon-fri 09:00-17:00",
        json_schema_extra=_doc(
            "Working days and hours: `mon-fri 09:00-17:00`, or days listed (`mon,tue,thu`).",
            "`mon-fri 09:00-17:00`",
            group="web",
        ),
    )
    ar_holidays: tuple[str, ...] = Field(
        (),
        json_schema_extra=_doc(
            "Comma-separated ISO dates that are not working days (`2026-12-24,2026-12-25`).",
            group="web",
        ),
    )
    ar_repeat_window: timedelta = Field(
        timedelta(hours=72),
        json_schema_extra=_doc(
            "An automatic answer counts as not deflected when the same contact asks again about "
            "the same thing within this time ([console.md](console.md)).",
            "`72h`",
            group="web",
        ),
    )
    ar_minutes_per_request: int = Field(
        5,
        ge=0,
        le=600,
        json_schema_extra=_doc(
            "Minutes a person would spend on one request: the deflection report's hours saved.",
            "`5`",
            group="web",
        ),
    )
    proxy_hops: int = Field(
        0,
        ge=0,
        le=5,
        json_schema_extra=_doc(
            "How many reverse proxies you run in front of `ardesk web`; their "
            "`X-Forwarded-For/-Proto/-Host` headers are then trusted for that many hops (the "
            "audit records the client's address, links and cookies know they are on https). "
            "`0` trusts none: never set it higher than the proxies you run.",
            "`0`",
            group="web",
        ),
    )
    imap_url: str | None = Field(
        None,
        json_schema_extra=_doc(
            "The AR mailbox: `imaps://user@host/INBOX` (TLS), `imap+starttls://…`, or `imap://…` "
            "(not in production). A user name containing `@` is written `%40`.",
            group="email",
        ),
    )
    imap_password: str | None = Field(
        None,
        repr=False,
        json_schema_extra=_doc(
            "Its password (or put it URL-encoded in the URL).", group="email", secret=True
        ),
    )
    imap_ca_file: Path | None = Field(
        None,
        json_schema_extra=_doc(
            "A CA certificate (PEM) to trust for the IMAP server, beside the system's: for a "
            "server whose certificate a private CA signed.",
            group="email",
        ),
    )
    imap_processed_folder: str | None = Field(
        None,
        json_schema_extra=_doc(
            "Move stored mail there; unset, stored mail is flagged `\\Seen` in place.",
            group="email",
        ),
    )
    imap_poll_interval: float = Field(
        30.0,
        gt=0,
        json_schema_extra=_doc(
            "Seconds between polls when the server has no IDLE.", "`30`", group="email"
        ),
    )
    imap_oauth2_token: str | None = Field(
        None,
        repr=False,
        json_schema_extra=_doc(
            "A fixed XOAUTH2 access token (testing; prefer the token endpoint below).",
            group="email",
            secret=True,
        ),
    )
    imap_oauth2_token_url: str | None = Field(
        None,
        json_schema_extra=_doc(
            "XOAUTH2 for Microsoft 365 and Gmail: the token endpoint. A refresh-token grant with "
            "the refresh token below, else client credentials with the scope below.",
            group="email",
        ),
    )
    imap_oauth2_client_id: str | None = Field(
        None, json_schema_extra=_doc("The OAuth 2 client id.", group="email")
    )
    imap_oauth2_client_secret: str | None = Field(
        None,
        repr=False,
        json_schema_extra=_doc("The OAuth 2 client secret.", group="email", secret=True),
    )
    imap_oauth2_refresh_token: str | None = Field(
        None,
        repr=False,
        json_schema_extra=_doc("The OAuth 2 refresh token.", group="email", secret=True),
    )
    imap_oauth2_scope: str | None = Field(
        None,
        json_schema_extra=_doc(
            "The scope asked for in the client-credentials grant.", group="email"
        ),
    )
    smtp_url: str | None = Field(
        None,
        json_schema_extra=_doc(
            "Outbound mail: `smtp://host:25`, `smtp+starttls://user:pass@host:587`, "
            "`smtps://user:pass@host:465` ([mailers.md](mailers.md)).",
            group="email",
        ),
    )
    smtp_password: str | None = Field(
        None,
        repr=False,
        json_schema_extra=_doc(
            "The SMTP password, when not in the URL.", group="email", secret=True
        ),
    )
    smtp_timeout: float = Field(
        30.0,
        gt=0,
        json_schema_extra=_doc("Seconds to wait for the SMTP server.", "`30`", group="email"),
    )
    smtp_intake: str = Field(
        "127.0.0.1:2525",
        json_schema_extra=_doc(
            "Where `ardesk smtpd` listens for mail routed to ardesk (`host:port`).",
            "`127.0.0.1:2525`",
            group="email",
        ),
    )
    smtp_intake_max_bytes: int = Field(
        25 * 1024 * 1024,
        gt=0,
        json_schema_extra=_doc("Larger messages are refused (552).", "`26214400`", group="email"),
    )
    from_address: str | None = Field(
        None,
        json_schema_extra=_doc(
            "The address replies come from. **Required** in production.", group="email"
        ),
    )
    ar_address: str | None = Field(
        None,
        json_schema_extra=_doc(
            "Where hand-offs go (the AR team). **Required** in production.", group="email"
        ),
    )
    trusted_authserv_ids: tuple[str, ...] = Field(
        (),
        json_schema_extra=_doc(
            "Comma-separated authserv-ids of your own receiving servers whose "
            "`Authentication-Results` ardesk believes (RFC 8601). Unset: every sender is "
            '"verified by address" — safe, because replies only go to the address on file.',
            group="email",
        ),
    )
    handoff_ack: bool = Field(
        False,
        json_schema_extra=_doc(
            "`true`: tell senders whose request went to a person that it did.",
            "`false`",
            group="email",
        ),
    )
    replies_per_sender_hour: int = Field(
        20,
        gt=0,
        json_schema_extra=_doc(
            "Beyond this many replies to one address in an hour, ardesk stops answering it "
            "(a loop guard).",
            "`20`",
            group="email",
        ),
    )
    replies_per_account_hour: int = Field(
        200,
        gt=0,
        json_schema_extra=_doc("The same per customer account.", "`200`", group="email"),
    )
    brand_file: Path | None = Field(
        None,
        json_schema_extra=_doc(
            "TOML with name, logo, colours, signature, legal footer and bank details "
            "([mailers.md](mailers.md)). **Required** in production: it must exist and be "
            "readable.",
            "development: a plain default",
            group="email",
        ),
    )
    sources_file: Path | None = Field(
        None,
        json_schema_extra=_doc(
            "The TOML file declaring ERP sources; `ardesk clock` runs their scheduled syncs. "
            'Credential variables a source names there (`…_env = "NAME"`) may start with '
            "`ARDESK_` without being reported as unknown.",
            group="sources",
        ),
    )

    message_deadline: timedelta = Field(
        timedelta(seconds=10),
        json_schema_extra=_doc(
            "The longest a worker spends deciding one message. Past it the child process "
            "deciding it is killed and the message goes to AR with the reason; the worker "
            "carries on with the next.",
            "`10s`",
            group="worker",
        ),
    )
    worker_lease: timedelta = Field(
        timedelta(minutes=5),
        json_schema_extra=_doc(
            "How long a message claimed by a worker stays its own without renewal; a worker "
            "renews its claims while it works, so only a stopped worker's claims run out and "
            "are taken over. At least twice `ARDESK_MESSAGE_DEADLINE`.",
            "`5m`",
            group="worker",
        ),
    )
    processing_attempts: int = Field(
        5,
        ge=1,
        le=100,
        json_schema_extra=_doc(
            "A message whose processing fails this many times is given up (status `failed`) "
            "and handed to AR with its original attached.",
            "`5`",
            group="worker",
        ),
    )
    sending_lease: timedelta = Field(
        timedelta(minutes=10),
        json_schema_extra=_doc(
            "A reply left `sending` this long by a worker that stopped has an unknown outcome: "
            "it is never sent again and AR is told. Longer than `ARDESK_SMTP_TIMEOUT`.",
            "`10m`",
            group="worker",
        ),
    )
    delivery_retry_base: timedelta = Field(
        timedelta(minutes=1),
        json_schema_extra=_doc(
            "The wait before retrying a temporarily refused delivery; it doubles with each "
            "attempt up to 4 h, and the eighth refusal is handed to AR.",
            "`1m`",
            group="worker",
        ),
    )
    link_cleanup_interval: timedelta = Field(
        timedelta(hours=1),
        json_schema_extra=_doc(
            "How often `ardesk clock` purges expired links (one run per interval, however many "
            "clocks run).",
            "`1h`",
            group="worker",
        ),
    )

    slack_signing_secret: str | None = Field(
        None,
        repr=False,
        json_schema_extra=_doc(
            "The Slack app's signing secret: every request to `/slack/events` is verified with "
            "it. Slack is off while it (or the bot token) is unset ([chat.md](chat.md)).",
            group="chat",
            secret=True,
        ),
    )
    slack_bot_token: str | None = Field(
        None,
        repr=False,
        json_schema_extra=_doc(
            "The Slack bot token (`xoxb-…`) replies are posted and users looked up with.",
            group="chat",
            secret=True,
        ),
    )
    slack_app_token: str | None = Field(
        None,
        repr=False,
        json_schema_extra=_doc(
            "The app-level token (`xapp-…`, scope `connections:write`) for `ardesk slack`, "
            "Socket Mode, in installs without a public URL.",
            group="chat",
            secret=True,
        ),
    )
    slack_api_url: str = Field(
        "https://slack.com/api/",
        json_schema_extra=_doc(
            "The Slack Web API's base URL (the tests point it at a local server).",
            "`https://slack.com/api/`",
            group="chat",
        ),
    )
    teams_app_id: str | None = Field(
        None,
        json_schema_extra=_doc(
            "The Teams bot's Microsoft App ID (its Entra ID app registration); tokens from "
            "Teams must name it as their audience. Teams is off while it is unset.",
            group="chat",
        ),
    )
    teams_app_password: str | None = Field(
        None,
        repr=False,
        json_schema_extra=_doc(
            "The client secret of that app registration.", group="chat", secret=True
        ),
    )
    teams_tenant_id: str | None = Field(
        None,
        json_schema_extra=_doc(
            "The supplier's own Entra ID tenant (single-tenant bots).", group="chat"
        ),
    )
    teams_authority: str | None = Field(
        None,
        json_schema_extra=_doc(
            "The Entra ID authority the bot's own tokens come from (a national cloud's, say).",
            "`https://login.microsoftonline.com/` + the tenant",
            group="chat",
        ),
    )
    teams_service_hosts: tuple[str, ...] = Field(
        (),
        json_schema_extra=_doc(
            "Comma-separated host names, beside Microsoft's own, that an activity's serviceUrl "
            "may name (a national cloud's connector, a local one in tests); https only, never an "
            "IP address of a private network. Activities naming any other host are refused.",
            "Microsoft's connector hosts only",
            group="chat",
        ),
    )
    teams_listen: str = Field(
        "127.0.0.1:3978",
        json_schema_extra=_doc(
            "host:port `ardesk teams` listens on (its public URL + `/api/messages` is the "
            "bot's messaging endpoint).",
            "`127.0.0.1:3978`",
            group="chat",
        ),
    )

    _check_durations = field_validator(
        "link_ttl",
        "link_retention",
        "session_idle",
        "message_deadline",
        "worker_lease",
        "sending_lease",
        "delivery_retry_base",
        "link_cleanup_interval",
        "ar_session_idle",
        "ar_session_max",
        "ar_lockout",
        "ar_first_response",
        "ar_repeat_window",
        mode="before",
    )(_duration)
    _check_lists = field_validator(
        "secret_key_fallbacks",
        "trusted_authserv_ids",
        "teams_service_hosts",
        "ar_holidays",
        mode="before",
    )(_csv)

    @field_validator(
        "imap_url",
        "imap_password",
        "imap_processed_folder",
        "imap_ca_file",
        "imap_oauth2_token",
        "imap_oauth2_token_url",
        "imap_oauth2_client_id",
        "imap_oauth2_client_secret",
        "imap_oauth2_refresh_token",
        "imap_oauth2_scope",
        "smtp_url",
        "smtp_password",
        "from_address",
        "ar_address",
        "brand_file",
        "sources_file",
        "slack_signing_secret",
        "slack_bot_token",
        "slack_app_token",
        "teams_app_id",
        "teams_app_password",
        "teams_tenant_id",
        "teams_authority",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    def schedule(self) -> Schedule:
        """The AR team's business hours (checked at start, so this never fails later)."""
        return Schedule.parse(self.ar_business_hours, self.ar_time_zone, self.ar_holidays)

    @model_validator(mode="after")
    def _check_schedule(self) -> Settings:
        try:
            self.schedule()
        except ValueError as error:
            raise ValueError(
                f"ARDESK_AR_BUSINESS_HOURS / _TIME_ZONE / _HOLIDAYS: {error}"
            ) from None
        return self

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

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


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    name = PREFIX + str(first["loc"][0]).upper() if first["loc"] else "a setting"
    message = str(first["msg"]).removeprefix("Value error, ")
    given = first.get("input")
    shown = (
        ""
        if name.lower().endswith(("key", "password", "secret", "token", "fallbacks"))
        else (f" (got {given!r})" if isinstance(given, str) else "")
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
    if environ.get("ARDESK_ENV", "development").strip().lower() != "development":
        return environ
    from dotenv import dotenv_values

    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.pop("ARDESK_ENV", None)
    return {**values, **environ}


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
    env = str(values.get("env", "development")).strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"ARDESK_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    values["env"] = env

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
        value = getattr(settings, name)
        if not value or "@" not in value:
            raise ConfigError(f"{PREFIX}{name.upper()} is required in production (an address)")
    brand = settings.brand_file
    if brand is None:
        raise ConfigError("ARDESK_BRAND_FILE is required in production")
    if not brand.is_file() or not os.access(brand, os.R_OK):
        raise ConfigError(f"ARDESK_BRAND_FILE {brand} is not a readable file")
