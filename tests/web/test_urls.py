"""Templates' URLs are remembered per app (``web.urls``) and stay what Flask would build."""

from __future__ import annotations

import pytest
from flask import render_template_string, url_for
from markupsafe import escape

TEMPLATE = "{{ url_for(endpoint, **values) }}"


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_remembered_url_is_the_one_flask_builds_for_its_values_and_root(app):
    cases = [
        ("portal.invoice", {"invoice_id": 1}),
        ("portal.invoice", {"invoice_id": 2}),
        ("portal.invoices", {"status": "open", "after": "abc"}),
        ("portal.invoices", {"status": "open", "after": "abd"}),
        ("portal.invoices", {"page": 1}),
        ("portal.invoices", {"page": True}),  # equal to 1 as a key, not as a URL
        ("portal.invoices", {"status": ["open", "paid"]}),  # cannot be a key: built each time
        ("static", {"filename": "portal.css"}),
    ]
    seen = set()
    for root in ("", "/ar", ""):  # behind a proxy that mounts the app under /ar, and not
        with app.test_request_context("/", base_url=f"https://portal.example{root}/"):
            for endpoint, values in cases * 2:  # the second time from memory
                rendered = render_template_string(TEMPLATE, endpoint=endpoint, values=values)
                assert rendered == escape(url_for(endpoint, **values))
                assert rendered.startswith(f"{root}/")
                seen.add(rendered)
    assert len(seen) == len(cases) * 2  # every case and root its own URL


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_flasks_own_options_are_not_remembered(app):
    with app.test_request_context("/", base_url="https://portal.example/"):
        first = render_template_string(
            "{{ url_for('portal.invoices', _external=True) }}"
        )
    with app.test_request_context("/", base_url="https://other.example/"):
        second = render_template_string(
            "{{ url_for('portal.invoices', _external=True) }}"
        )
    assert (first, second) == (
        "https://portal.example/invoices", "https://other.example/invoices"
    )  # fmt: skip
