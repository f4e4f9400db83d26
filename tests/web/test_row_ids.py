"""An id no BIGINT holds names no row: in a URL, a cursor or a console filter it is answered as
a missing row is (404, or the filter ignored), never with the database's 500."""

from __future__ import annotations

import base64
import json

from tests.web.conftest import open_portal
from tests.web.console.conftest import admin, team  # noqa: F401 - the console's fixtures
from web.row_ids import MAX_ROW_ID, row_id

HUGE = "9" * 25


def _cursor(value: object, last_id: object) -> str:
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


def test_a_list_cursor_or_amount_it_did_not_write_is_refused_not_failed(app, client, world):
    """Values no page of the list writes — a list or object where the sort value goes, a number
    with ten thousand digits, nesting deep enough to exhaust the parser, an amount past every
    exponent the database holds — are a 400, never a 500."""
    open_portal(app, client, world.alice_contact)
    nested = base64.urlsafe_b64encode(b"[" * 1500).decode()
    for url in (
        "/invoices?sort=number&after=" + _cursor(["A-1"], 5),
        "/invoices?sort=number&after=" + _cursor({"a": 1}, 5),
        "/invoices?sort=number&after=" + _cursor(10**300, 5),
        "/invoices?sort=number&after=" + nested,
        "/invoices?sort=amount&after=" + _cursor("1e999999999", 5),
        "/invoices?min=1e999999999",
        "/invoices?max=-1e999999999",
        "/invoices?min=1e-999999999",
        "/invoices/export.csv?min=1e999999999",
    ):
        assert client.get(url).status_code == 400, url
    assert client.get("/invoices?sort=number&after=" + _cursor("A-1", 5)).status_code == 200
    assert client.get("/invoices?min=0.5&max=99999999999999.99").status_code == 200


def test_the_console_ignores_a_filter_or_cursor_id_too_large_for_any_row(admin):  # noqa: F811
    for url in (f"/ar/audit?before={HUGE}", f"/ar/audit?contact={HUGE}",
                f"/ar/requests?contact={HUGE}", f"/ar/requests?after=2026-01-01T00:00:00~{HUGE}",
                f"/ar/requests/{HUGE}"):  # fmt: skip
        assert admin.get(url).status_code in (200, 404), url
