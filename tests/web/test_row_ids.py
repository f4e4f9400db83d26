"""An id no BIGINT holds names no row: in a URL, a cursor or a console filter it is answered as
a missing row is (404, or the filter ignored), never with the database's 500."""

from __future__ import annotations

import base64
import json

from tests.web.conftest import open_portal
from tests.web.console.conftest import admin, team  # noqa: F401 - the console's fixtures
from web.row_ids import MAX_ROW_ID, row_id

HUGE = "9" * 25


def _cursor(value: str, last_id: object) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, last_id]).encode()).decode().rstrip("=")


def test_only_digits_that_fit_a_bigint_are_row_ids():
    assert row_id("42") == 42 and row_id(str(MAX_ROW_ID)) == MAX_ROW_ID
    for text in (str(MAX_ROW_ID + 1), HUGE, "", "-1", "4 2", "٤٢", "0x10"):
        assert row_id(text) is None, text


def test_the_portal_answers_an_id_too_large_for_any_row_as_not_found(app, client, world):
    open_portal(app, client, world.alice_contact)
    for url in (f"/invoices/{HUGE}", f"/invoices/{HUGE}/pdf", f"/invoices/{HUGE}/e-invoice/ubl",
                f"/invoices/{MAX_ROW_ID + 1}/pdf"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.get(f"/invoices/{MAX_ROW_ID}/pdf").status_code == 404  # in range, no such row


def test_a_list_cursor_with_an_impossible_id_or_amount_is_refused(app, client, world):
    open_portal(app, client, world.alice_contact)
    assert client.get("/invoices?after=" + _cursor("2026-01-01", 10**25)).status_code == 400
    assert client.get("/invoices?after=" + _cursor("2026-01-01", "7")).status_code == 400
    refused = client.get("/invoices?sort=amount&after=" + _cursor("1e30", 5))
    assert refused.status_code == 400
    assert client.get("/invoices?after=" + _cursor("2026-01-01", 5)).status_code == 200


def test_the_console_ignores_a_filter_or_cursor_id_too_large_for_any_row(admin):  # noqa: F811
    for url in (f"/ar/audit?before={HUGE}", f"/ar/audit?contact={HUGE}",
                f"/ar/requests?contact={HUGE}", f"/ar/requests?after=2026-01-01T00:00:00~{HUGE}",
                f"/ar/requests/{HUGE}"):  # fmt: skip
        assert admin.get(url).status_code in (200, 404), url
