"""Which module builds a connector of each kind; imported lazily so a source's dependencies are
only needed when that kind is used."""

from __future__ import annotations

import importlib

from connectors.base import Connector
from connectors.config import SourceConfig

KIND_MODULES = {
    "csv": "connectors.sources.files",
    "sql": "connectors.sources.sql",
    "rest": "connectors.sources.rest",
    "epicor": "connectors.presets.epicor",
    "sap": "connectors.presets.sap",
    "netsuite": "connectors.presets.netsuite",
    "bc365": "connectors.presets.bc365",
    "odoo": "connectors.presets.odoo",
}


def open_connector(config: SourceConfig) -> Connector:
    """The connector for a configured source (each module exposes ``connect(config)``)."""
    module = importlib.import_module(KIND_MODULES[config.kind])
    return module.connect(config)
