"""The general, web and data-source settings: environment, secrets, databases, links, sessions,
the AR console's sign-in and business hours, the proxy in front."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.business_hours import Schedule
from core.config_types import CommaList, Duration, OptionalPath, SettingsGroup, Text, doc

#: What ``core.db.make_engine`` connects with: SQLite, and PostgreSQL through psycopg 3 (which
#: plain ``postgresql://`` is taken to mean).
DATABASE_DRIVERS = ("sqlite", "postgresql", "postgresql+psycopg")


def _as_duration(value: timedelta) -> str:
    """``31d``, ``1m``: a bound as the variable would be written."""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


class GeneralSettings(SettingsGroup):
    """Environment, secrets, databases, the public URL and links."""

    env: Literal["development", "test", "production"] = Field(
        "development",
        json_schema_extra=doc(
            "`development`, `test` or `production`, in lower case (`Production` is refused, not "
            "taken for production). In production no secret has a default, and the program "
            "refuses to start without the settings marked **required**.",
            "`development`",
        ),
    )
    secret_key: str = Field(
        "",
        repr=False,
        json_schema_extra=doc(
            "Signs links and session cookies. **Required** in production (at least 32 characters)."
            " To rotate it, set the new key here and the old one in `ARDESK_SECRET_KEY_FALLBACKS`:"
            " links and sessions signed with the old key keep working until they expire.",
            "development: generated once into `var/secret_key` (mode 600)",
            secret=True,
        ),
    )
    secret_key_fallbacks: CommaList = Field(
        (),
        repr=False,
        json_schema_extra=doc(
            "Comma-separated earlier secret keys that still verify (never sign).", secret=True
        ),
    )
    var_dir: Path = Field(
        Path("var"),
        json_schema_extra=doc(
            "Where local state lives: the SQLite database, the development key.", "`var`"
        ),
    )
    database_url: str = Field(
        "",
        json_schema_extra=doc(
            "The privileged database role (migrations, loads, sync, worker, AR console): "
            "`sqlite:///…` or `postgresql://…` (psycopg 3; `postgresql+psycopg://…` is the same).",
            "`sqlite:///var/ardesk.db`",
        ),
    )
    portal_database_url: str = Field(
        "",
        json_schema_extra=doc(
            "The customer-facing role, subject to row-level security on PostgreSQL "
            "([postgresql.md](postgresql.md)).",
            "same as `ARDESK_DATABASE_URL`",
        ),
    )
    database_transaction_pooling: bool = Field(
        False,
        json_schema_extra=doc(
            "`true` when both database URLs lead through a pooler in transaction mode (PgBouncer "
            "`pool_mode = transaction`): statements are then never prepared on the server, since "
            "the next transaction may run on another server connection "
            "([operations.md](operations.md#pgbouncer)).",
            "`false`",
        ),
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        json_schema_extra=doc(
            "Public URL used in links. **Required** in production, and it must be `https://`.",
            "`http://127.0.0.1:8000`",
        ),
    )
    link_ttl: Duration = Field(
        timedelta(hours=48),
        json_schema_extra=doc(
            "Lifetime of a link sent in a reply (`30m`, `48h`, `7d`): from `1m` to `31d`, the "
            "longest any link lives.",
            "`48h`",
        ),
    )
    settings_refresh: Duration = Field(
        timedelta(seconds=30),
        json_schema_extra=doc(
            "How often a running process (the web app, each worker) reads the settings changed "
            "in the AR console: a change reaches every process within this time, and the one "
            "that made it at once ([console.md](console.md#settings)).",
            "`30s`",
        ),
    )
    link_retention: Duration = Field(
        timedelta(days=90),
        json_schema_extra=doc(
            "How long after expiry or revocation `ardesk clock` keeps a link's row (the audit "
            "trail keeps its id).",
            "`90d`",
        ),
    )
    retention_days: int = Field(
        90,
        ge=1,
        le=36500,
        json_schema_extra=doc(
            "Days a message's text is kept: after that `ardesk retention run` (daily in `ardesk "
            "clock`) removes the raw message, its subject, the decision's texts and reply texts, "
            "the outbound payloads (they hold link tokens), attachment names, corrections' texts "
            "and hand-off notes; decision records, delivery states and audit events stay. "
            "Requests still open (waiting, in progress, or in the hand-off queue) are never "
            "redacted ([operations.md](operations.md#retention-and-personal-data)).",
            "`90`",
        ),
    )

    log_format: Literal["json", "text"] | None = Field(
        None,
        json_schema_extra=doc(
            "`json`: one JSON object per line on stderr (time in UTC, level, logger, event and "
            "the request, message and outbox ids); `text`: one readable line. See "
            "[operations.md](operations.md#logs).",
            "`json` in production, `text` otherwise",
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO",
        json_schema_extra=doc(
            "The least severe log lines written: `DEBUG`, `INFO`, `WARNING` or `ERROR`.", "`INFO`"
        ),
    )

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @field_validator("database_url", "portal_database_url")
    @classmethod
    def _usable_database(cls, value: str) -> str:
        # Parsed as the engine will parse it (core.db.make_engine), so that a URL the program
        # cannot connect with stops it at start in one line, not in a driver's traceback.
        value = value.strip()
        if not value:
            return value  # load_settings fills in the default
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "not a database URL (sqlite:///var/ardesk.db, postgresql://user@host/ardesk)"
            ) from None
        except ValueError:  # int() of the port
            raise ValueError("has a port that is not a number from 1 to 65535") from None
        if url.drivername not in DATABASE_DRIVERS:
            raise ValueError(
                f"ardesk runs on sqlite:// or postgresql:// (psycopg 3), not {url.drivername}://"
            )
        if url.port is not None and not 1 <= url.port <= 65535:
            raise ValueError("has a port that is not a number from 1 to 65535")
        return value

    @field_validator("link_ttl")
    @classmethod
    def _a_lifetime_links_may_have(cls, value: timedelta) -> timedelta:
        # Imported here: core.links needs the database models, which the settings do not.
        from core.links import MAX_TTL, MIN_TTL

        # Refused here, once, rather than by every link issued under it (a customer's 500).
        if not MIN_TTL <= value <= MAX_TTL:
            raise ValueError(
                f"a link lives from {_as_duration(MIN_TTL)} to {_as_duration(MAX_TTL)}"
            )
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_any_case(cls, value: object) -> object:
        return (value.strip().lower() or None) if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @property
    def log_format_in_effect(self) -> Literal["json", "text"]:
        """Machines read production's logs; people read development's."""
        if self.log_format is not None:
            return self.log_format
        return "json" if self.env == "production" else "text"


class WebSettings(SettingsGroup):
    """Sessions, the AR console's sign-in and business hours, the proxy."""

    session_idle: Duration = Field(
        timedelta(minutes=30),
        json_schema_extra=doc(
            "A portal session ends after this long without a request (and always when its link "
            "expires or is revoked, or at sign-out).",
            "`30m`",
            group="web",
        ),
    )
    ar_session_idle: Duration = Field(
        timedelta(minutes=30),
        json_schema_extra=doc(
            "An AR console session ends after this long without a request.", "`30m`", group="web"
        ),
    )
    ar_session_max: Duration = Field(
        timedelta(hours=12),
        json_schema_extra=doc(
            "An AR console session ends this long after sign-in, however busy.",
            "`12h`",
            group="web",
        ),
    )
    ar_sign_in_attempts: int = Field(
        5,
        ge=1,
        le=100,
        json_schema_extra=doc(
            "Failed console sign-ins in a row (wrong password or code) that lock the user out for "
            "`ARDESK_AR_LOCKOUT`.",
            "`5`",
            group="web",
        ),
    )
    ar_lockout: Duration = Field(
        timedelta(minutes=15),
        json_schema_extra=doc(
            "How long a locked-out AR user is refused, even with the right password.",
            "`15m`",
            group="web",
        ),
    )
    ar_require_totp: bool = Field(
        False,
        json_schema_extra=doc(
            "`true`: AR users without a TOTP secret (`ardesk users totp`) cannot sign in.",
            "`false`",
            group="web",
        ),
    )
    ar_first_response: Duration = Field(
        timedelta(hours=4),
        json_schema_extra=doc(
            "First-response target for a hand-off, counted in business hours: the queue shows "
            "each request's due time, due soon and overdue.",
            "`4h`",
            group="web",
        ),
    )
    ar_time_zone: str = Field(
        "UTC",
        json_schema_extra=doc(
            "The AR team's time zone (IANA name, e.g. `Europe/Berlin`) for business hours.",
            "`UTC`",
            group="web",
        ),
    )
    ar_business_hours: str = Field(
        "mon-fri 09:00-17:00",
        json_schema_extra=doc(
            "Working days and hours: `mon-fri 09:00-17:00`, or days listed (`mon,tue,thu`).",
            "`mon-fri 09:00-17:00`",
            group="web",
        ),
    )
    ar_holidays: CommaList = Field(
        (),
        json_schema_extra=doc(
            "Comma-separated ISO dates that are not working days (`2026-12-24,2026-12-25`).",
            group="web",
        ),
    )
    ar_oidc_issuer: Text = Field(
        None,
        json_schema_extra=doc(
            "The company's OpenID Connect identity provider (its issuer URL, as its discovery "
            "document states it). With a client id and secret, the console's sign-in page offers "
            "it beside local accounts; it signs in existing, active AR users by verified email "
            "and creates none ([console.md](console.md)).",
            group="web",
        ),
    )
    ar_oidc_client_id: Text = Field(
        None, json_schema_extra=doc("The console's client id at that provider.", group="web")
    )
    ar_oidc_client_secret: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc(
            "The console's client secret at that provider.", group="web", secret=True
        ),
    )
    ar_repeat_window: Duration = Field(
        timedelta(hours=72),
        json_schema_extra=doc(
            "An automatic answer counts as not deflected when the same contact asks again about "
            "the same thing within this time ([console.md](console.md)).",
            "`72h`",
            group="web",
        ),
    )
    ar_rollup_max_age: Duration = Field(
        timedelta(minutes=1),
        json_schema_extra=doc(
            "How old the deflection rollup may be when the dashboard or `ardesk report "
            "deflection` reads it; older, the reader brings it up to date first. `ardesk clock` "
            "refreshes it every half of this ([console.md](console.md)).",
            "`1m`",
            group="web",
        ),
    )
    ar_minutes_per_request: int = Field(
        5,
        ge=0,
        le=600,
        json_schema_extra=doc(
            "Minutes a person would spend on one request: the deflection report's hours saved.",
            "`5`",
            group="web",
        ),
    )
    proxy_hops: int = Field(
        0,
        ge=0,
        le=5,
        json_schema_extra=doc(
            "How many reverse proxies you run in front of `ardesk web`; their "
            "`X-Forwarded-For/-Proto/-Host` headers are then trusted for that many hops (the "
            "audit records the client's address, links and cookies know they are on https). "
            "`0` trusts none: never set it higher than the proxies you run.",
            "`0`",
            group="web",
        ),
    )

    @property
    def ar_oidc(self) -> bool:
        """Whether sign-in through the identity provider is configured."""
        return bool(self.ar_oidc_issuer and self.ar_oidc_client_id and self.ar_oidc_client_secret)

    def schedule(self) -> Schedule:
        """The AR team's business hours (checked at start, so this never fails later)."""
        return Schedule.parse(self.ar_business_hours, self.ar_time_zone, self.ar_holidays)

    @model_validator(mode="after")
    def _check_schedule(self) -> WebSettings:
        try:
            self.schedule()
        except ValueError as error:
            raise ValueError(
                f"ARDESK_AR_BUSINESS_HOURS / _TIME_ZONE / _HOLIDAYS: {error}"
            ) from None
        return self

    @model_validator(mode="after")
    def _check_oidc(self) -> WebSettings:
        given = (self.ar_oidc_issuer, self.ar_oidc_client_id, self.ar_oidc_client_secret)
        if any(given) and not all(given):
            raise ValueError(
                "ARDESK_AR_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET go together: set all three"
            )
        return self


class SourcesSettings(SettingsGroup):
    """The ERP sources file."""

    sources_file: OptionalPath = Field(
        None,
        json_schema_extra=doc(
            "The TOML file declaring ERP sources; `ardesk clock` runs their scheduled syncs. "
            'Credential variables a source names there (`…_env = "NAME"`) may start with '
            "`ARDESK_` without being reported as unknown.",
            group="sources",
        ),
    )
