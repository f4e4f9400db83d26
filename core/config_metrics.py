"""The metrics settings: Prometheus metrics on or off, where each process serves them, and the
token that guards the web process's ``/metrics``."""

from __future__ import annotations

from pydantic import Field

from core.config_types import SettingsGroup, Text, doc


class MetricsSettings(SettingsGroup):
    """Prometheus metrics ([operations.md](operations.md#metrics-and-alerts))."""

    metrics: bool = Field(
        True,
        json_schema_extra=doc(
            "Count and time what ardesk does for Prometheus. `false` records nothing and "
            "turns `/metrics` and `ARDESK_METRICS_PORT` off.",
            "`true`",
            group="metrics",
        ),
    )
    metrics_token: Text = Field(
        None,
        repr=False,
        json_schema_extra=doc(
            "The bearer token a scraper sends for the web process's `/metrics` "
            "(`Authorization: Bearer …`). Without it `/metrics` answers only requests from "
            "the machine itself that came through no proxy, and none in production.",
            group="metrics",
            secret=True,
        ),
    )
    metrics_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        json_schema_extra=doc(
            "The port on which `ardesk worker`, `clock`, `smtpd`, `slack` and `teams` serve "
            "their metrics at `/metrics` (each process its own; give each its own port). Off "
            "while unset.",
            "off",
            group="metrics",
        ),
    )
    metrics_address: str = Field(
        "127.0.0.1",
        json_schema_extra=doc(
            "The address those processes serve metrics on. That server has no token: keep it "
            "on loopback or a private network only the scraper reaches.",
            "`127.0.0.1`",
            group="metrics",
        ),
    )
