"""The environment that points the `ardesk` command at a test's database and settings."""

from __future__ import annotations

from pathlib import Path

from core.config import Settings


def cli_env(settings: Settings, var_dir: Path | None = None) -> dict[str, str]:
    return {
        **settings.environ(),
        "ARDESK_ENV": "test",
        "ARDESK_VAR_DIR": str(var_dir or settings.var_dir),
        "ARDESK_SECRET_KEY": settings.secret_key,
        "ARDESK_DATABASE_URL": settings.database_url,
        "ARDESK_PORTAL_DATABASE_URL": settings.portal_database_url,
    }
