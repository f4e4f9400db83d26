"""REST and OData APIs: one endpoint per record type, paged, filtered by the watermark.

    [sources.api]
    kind = "rest"
    base_url = "https://erp.example.com/api/v1"
    auth = { type = "oauth2", token_url = "https://…/token", client_id = "ardesk",
             client_secret_env = "ERP_CLIENT_SECRET", scope = "ar.read" }
    paging = { type = "offset", limit = 500 }     # odata | offset | cursor | page | none
    items = "data"                                  # where a response keeps its rows
    [sources.api.endpoints]
    accounts = { path = "/customers", params = { updated_since = "{since}" } }
    invoices = { path = "/invoices", params = { expand = "lines", updated_since = "{since}" } }
    payments = "/payments"
    document = "/invoices/{erp_id}/pdf"

A parameter whose value contains ``{since}`` is only sent on incremental runs; ``full_params``
are sent on full runs instead. An endpoint may be
``method = "POST"`` with a JSON ``body`` (``{since}`` works there too, e.g. a SuiteQL query).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from connectors.config import SourceConfig
from connectors.errors import SourceConfigError, SourceError
from connectors.mapped import MappedConnector
from connectors.mapping import lookup
from connectors.records import InvoiceRecord, Original
from connectors.sources.http import HttpClient

SINCE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
FULL_SINCE = datetime(1900, 1, 1, tzinfo=UTC)
MAX_PAGES = 1_000_000  # a server that keeps sending the same next link is caught long before


def merged(defaults: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """Settings of a preset overlaid by the sources file, tables merged key by key."""
    result = copy.deepcopy(defaults)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


class RestConnector(MappedConnector):
    def __init__(
        self,
        config: SourceConfig,
        *,
        defaults: dict[str, Any] | None = None,
        mapping: dict[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(config.name, config.mapping(mapping))
        self.config = config
        self.settings = merged(defaults or {}, config.settings)
        base_url = self.settings.get("base_url") or (
            config.secret("base_url") if "base_url_env" in self.settings else None
        )
        if not base_url:
            raise SourceConfigError(f"source {config.name!r} needs base_url")
        self.client = HttpClient(
            config,
            base_url,
            self.settings.get("auth", {}),
            headers=self.settings.get("headers"),
            sleep=sleep,
        )
        self.endpoints: dict[str, Any] = self.settings.get("endpoints", {})
        self.since_format: str = self.settings.get("since_format", SINCE_FORMAT)

    # Listing

    def rows(self, entity: str, since: datetime | None) -> Iterator[tuple[str, Any]]:
        endpoint = self.endpoints.get(entity)
        if endpoint is None:
            if entity in self.mapping and self.mapping[entity].nested is None:
                raise SourceConfigError(f"source {self.name!r} maps {entity} but has no endpoint")
            return
        if isinstance(endpoint, str):
            endpoint = {"path": endpoint}
        id_field = self.mapping[entity].sources.get("erp_id") if entity in self.mapping else None
        for position, item in enumerate(self.items(endpoint, since), 1):
            label = lookup(item, id_field) if id_field and isinstance(item, dict) else None
            yield f"{entity} {label if label not in (None, '') else '#' + str(position)}", item

    def items(self, endpoint: dict[str, Any], since: datetime | None) -> Iterator[Any]:
        paging = {**self.settings.get("paging", {}), **endpoint.get("paging", {})}
        kind = paging.get("type", "none")
        items_path = endpoint.get("items", self.settings.get("items"))
        method = endpoint.get("method", "GET").upper()
        params = self._fill(endpoint.get("params", {}), since, drop=True)
        if since is None:  # a full run may need a filter of its own (e.g. a document type)
            params |= endpoint.get("full_params", {})
        body = self._fill(endpoint.get("body"), since) if "body" in endpoint else None
        url: str | None = self._fill(endpoint["path"], since)
        offset, page, cursor = 0, int(paging.get("first_page", 1)), None
        limit = int(paging.get("limit", 500))
        for _ in range(MAX_PAGES):
            query = dict(params)
            if kind == "offset":
                query[paging.get("offset_param", "offset")] = offset
                query[paging.get("limit_param", "limit")] = limit
            elif kind == "page":
                query[paging.get("page_param", "page")] = page
                query[paging.get("limit_param", "per_page")] = limit
            elif kind == "cursor" and cursor:
                query[paging.get("cursor_param", "cursor")] = cursor
            response = self.client.json(method, url, params=query or None, json=body)
            rows = lookup(response, items_path) if items_path else response
            if rows is None:
                rows = []
            if not isinstance(rows, list):
                raise SourceError(f"{self.name}: {url} did not return a list at {items_path!r}")
            yield from rows
            if kind == "odata":
                url = _odata_next(response)
                if not url:
                    return
                params = {}  # the next link carries the query
            elif kind in ("offset", "page"):
                more = lookup(response, paging["more_path"]) if "more_path" in paging else None
                if more is False or (more is None and len(rows) < limit) or not rows:
                    return
                offset += len(rows)
                page += 1
            elif kind == "cursor":
                cursor = lookup(response, paging.get("next_path", "next_cursor"))
                if not cursor or not rows:
                    return
            else:
                return
        raise SourceError(f"{self.name}: {endpoint['path']} kept paging; giving up")

    def _fill(self, value: Any, since: datetime | None, drop: bool = False) -> Any:
        """Put the watermark into templates; leave out parameters that need one on full runs."""
        stamp = since.astimezone(UTC).strftime(self.since_format) if since else None
        if isinstance(value, str):
            if "{since}" in value:
                # Inside a query text a full run compares with a date before any record.
                return value.replace("{since}", stamp or FULL_SINCE.strftime(self.since_format))
            return value
        if isinstance(value, dict):
            return {
                k: self._fill(v, since)
                for k, v in value.items()
                if stamp or not drop or not (isinstance(v, str) and "{since}" in v)
            }
        if isinstance(value, list):
            return [self._fill(v, since) for v in value]
        return value

    # Documents

    def has_documents(self) -> bool:
        invoices = self.mapping.get("invoices")
        return "document" in self.endpoints or (
            invoices is not None and invoices.has("document_ref")
        )

    def document(self, invoice: InvoiceRecord) -> Original | None:
        """The original: from the ``document`` endpoint (``credit_note_document`` for credit
        notes, where the ERP keeps them apart), else from the URL or path the mapping's
        ``document_ref`` names."""
        template = self.endpoints.get("document")
        if invoice.kind == "credit_note":
            template = self.endpoints.get("credit_note_document", template)
        if template:
            path = template.format(
                erp_id=invoice.erp_id, number=invoice.number, ref=invoice.document_ref or ""
            )
        elif invoice.document_ref:
            path = invoice.document_ref
        else:
            return None
        response = self.client.request("GET", path, headers={"Accept": "application/pdf"})
        return Original(response.content, response.headers.get("Content-Type"))

    def close(self) -> None:
        self.client.close()


def _odata_next(response: Any) -> str | None:
    if not isinstance(response, dict):
        return None
    link = response.get("@odata.nextLink") or response.get("odata.nextLink")
    if link:
        return link
    data = response.get("d")
    return data.get("__next") if isinstance(data, dict) else None


def connect(config: SourceConfig) -> RestConnector:
    return RestConnector(config)
