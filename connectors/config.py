"""The sources file: one ``[sources.NAME]`` table per ERP source.

    [sources.erp]
    kind = "sql"                      # csv, sql, rest, epicor, sap, netsuite, bc365, odoo
    url_env = "ERP_DATABASE_URL"      # secrets come from the environment, named here
    interval = "15m"                  # how often `ardesk clock` syncs it
    overlap = "10m"                   # how far behind the watermark each incremental run starts
    mapping = "erp-mapping.toml"      # or an inline [sources.erp.mapping] table

A key ending in ``_env`` names an environment variable; the value itself is never in the file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from connectors.errors import SourceConfigError
from connectors.mapping import RecordMapping, compile_mapping
from core.config import ConfigError, parse_duration

KINDS = ("csv", "sql", "rest", "epicor", "sap", "netsuite", "bc365", "odoo")
# Keys that would put a secret in the file; they must be given as KEY_env instead.
SECRET_KEYS = ("password", "token", "client_secret", "api_key", "url_with_password")


@dataclass
class SourceConfig:
    name: str
    kind: str
    settings: dict[str, Any]
    base_dir: Path
    interval: timedelta | None = None
    overlap: timedelta = timedelta(minutes=10)
    default_role: str = "ap_contact"
    attempts: int = 3
    backoff_s: float = 2.0
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)

    def require(self, key: str) -> Any:
        if key not in self.settings:
            raise SourceConfigError(f"source {self.name!r} needs {key!r}")
        return self.settings[key]

    def secret(self, key: str, *, required: bool = True) -> str | None:
        """The value of the environment variable that ``KEY_env`` names."""
        variable = self.settings.get(f"{key}_env")
        if variable is None:
            if required:
                raise SourceConfigError(
                    f'source {self.name!r} needs {key}_env = "VARIABLE" naming where {key} is'
                )
            return None
        value = self.environ.get(variable)
        if not value:
            raise SourceConfigError(
                f"source {self.name!r}: environment variable {variable} ({key}) is not set"
            )
        return value

    def secret_from(self, table: dict[str, Any], key: str) -> str:
        """Like ``secret`` for a sub-table such as ``auth = { password_env = "…" }``."""
        variable = table.get(f"{key}_env")
        if not variable:
            raise SourceConfigError(
                f'source {self.name!r} needs {key}_env = "VARIABLE" naming where {key} is'
            )
        value = self.environ.get(variable)
        if not value:
            raise SourceConfigError(
                f"source {self.name!r}: environment variable {variable} ({key}) is not set"
            )
        return value

    def path(self, key: str, default: str | None = None) -> Path:
        """A path setting, relative to the sources file."""
        value = self.settings.get(key, default)
        if value is None:
            raise SourceConfigError(f"source {self.name!r} needs {key!r}")
        return (self.base_dir / os.path.expandvars(str(value))).resolve()

    def mapping(self, preset: dict[str, Any] | None = None) -> dict[str, RecordMapping]:
        """The compiled mapping: the preset's, overlaid by the file's, table by table."""
        spec: dict[str, Any] = {k: dict(v) for k, v in (preset or {}).items()}
        own = self.settings.get("mapping", {})
        if isinstance(own, str):
            own = _read_toml(self.base_dir / own, f"mapping of source {self.name!r}")
        for record, table in own.items():
            spec.setdefault(record, {}).update(table)
        if not spec:
            raise SourceConfigError(f"source {self.name!r} has no mapping")
        try:
            return compile_mapping(spec)
        except SourceConfigError as exc:
            raise SourceConfigError(f"source {self.name!r}: {exc}") from None


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SourceConfigError(f"{what}: {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError(f"{what}: {path} is not valid TOML ({exc})") from None


def load_sources(
    path: str | Path, environ: dict[str, str] | None = None
) -> dict[str, SourceConfig]:
    path = Path(path)
    document = _read_toml(path, "sources file")
    tables = document.get("sources")
    if not isinstance(tables, dict) or not tables:
        raise SourceConfigError(f"{path} declares no [sources.NAME] table")
    sources = {}
    for name, table in tables.items():
        sources[name] = _source(name, table, path.parent.resolve(), environ)
    return sources


def load_source(path: str | Path, name: str, environ: dict[str, str] | None = None) -> SourceConfig:
    sources = load_sources(path, environ)
    if name not in sources:
        raise SourceConfigError(
            f"no source {name!r} in {path} (sources: {', '.join(sorted(sources))})"
        )
    return sources[name]


def _source(
    name: str, table: dict[str, Any], base_dir: Path, environ: dict[str, str] | None
) -> SourceConfig:
    kind = table.get("kind")
    if kind not in KINDS:
        raise SourceConfigError(f"source {name!r}: kind must be one of {', '.join(KINDS)}")
    for key in SECRET_KEYS:
        if key in table or key in (table.get("auth") or {}):
            raise SourceConfigError(
                f"source {name!r}: put {key} in an environment variable and name it with "
                f'{key}_env = "VARIABLE"; secrets are never written in the sources file'
            )
    try:
        interval = parse_duration(table["interval"]) if "interval" in table else None
        overlap = parse_duration(table.get("overlap", "10m"))
    except ConfigError as exc:
        raise SourceConfigError(f"source {name!r}: {exc}") from None
    config = SourceConfig(
        name=name,
        kind=kind,
        settings=table,
        base_dir=base_dir,
        interval=interval,
        overlap=overlap,
        default_role=table.get("default_role", "ap_contact"),
        attempts=int(table.get("attempts", 3)),
        backoff_s=float(table.get("backoff_s", 2.0)),
    )
    if environ is not None:
        config.environ = environ
    return config
