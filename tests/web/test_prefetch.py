"""A page's statement read ahead with its scope's opening (``web.prefetch``), from what the
session's previous request showed: the page uses those rows only when it asks for the very
statement and values read, so a session that changed between two requests gets what the page
works out from its row now."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import delete

from core.models import Account, Contact, RolePermission
from tests.support import builders as b
from tests.web.conftest import csrf_token, open_portal
from tests.web.test_documents import app, pdf_text  # noqa: F401 - the fixture, with its brand

NEXT_PAGE = re.compile(r'href="(/invoices\?[^"]*)" rel="next"')


def test_a_copy_after_the_contacts_language_changed_is_in_the_new_language(
    app,  # noqa: F811
    client,
    db,
    world,
):
    open_portal(app, client, world.alice_contact)
    url = f"/invoices/{world.invoices['A-100']}/pdf"
    english = client.get(url)
    assert english.status_code == 200 and "Kopie" not in pdf_text(english.data)
    assert client.get(url).data == english.data  # read ahead now, and the same copy
    with db.admin_session() as s:
        s.get(Contact, world.alice_contact).language = "de"
    german = client.get(url)
    assert german.status_code == 200 and "Kopie" in pdf_text(german.data)


def test_a_copy_after_the_role_lost_view_payments_lists_no_payment(
    app,  # noqa: F811
    client,
    db,
    world,
):
    open_portal(app, client, world.alice_contact)
    url = f"/invoices/{world.invoices['A-101']}/pdf"
    for _ in range(2):  # the second read ahead
        assert "A-PAY" in pdf_text(client.get(url).data)
    with db.admin_session() as s:
        s.execute(
            delete(RolePermission).where(
                RolePermission.role == "ap_contact", RolePermission.permission == "view_payments"
            )
        )
    copy = client.get(url)
    assert copy.status_code == 200 and "A-PAY" not in pdf_text(copy.data)


def test_a_signed_out_session_gets_nothing_read_ahead(app, client, world):  # noqa: F811
    """The statement goes with the opening before the session's row is read; a session that
    ended gets nothing from it."""
    open_portal(app, client, world.alice_contact)
    url = f"/invoices/{world.invoices['A-100']}/pdf"
    for path in (url, url, "/invoices", "/invoices"):
        assert client.get(path).status_code == 200
    token = csrf_token(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 200
    for path in (url, "/invoices"):
        refused = client.get(path)
        assert refused.status_code != 200
        assert b"%PDF" not in refused.data and b"A-100" not in refused.data


def test_the_list_read_ahead_pages_through_as_the_page_itself_does(app, client, db, world):  # noqa: F811
    """Filters and cursors of the query string go into the statement read ahead: each page of
    a sorted, filtered list, reached by its cursor, shows the same rows whether it was read
    ahead or not, and together the pages show every matching invoice once."""
    with db.admin_session() as s:
        account = s.get(Account, world.alice)
        for n in range(60):
            b.invoice(s, account, f"L-{n:03}", f"{1000 + n}.00", issued=date(2026, 1, 1 + n % 28))
    open_portal(app, client, world.alice_contact)
    url, seen = "/invoices?sort=amount&dir=asc&min=1010&q=L-", []
    while url:
        first, again = client.get(url), client.get(url)  # the second read ahead
        assert first.status_code == again.status_code == 200
        assert _numbers(first.text) == _numbers(again.text)
        seen += _numbers(first.text)
        found = NEXT_PAGE.search(first.text)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [f"L-{n:03}" for n in range(10, 60)]


def _numbers(page: str) -> list[str]:
    return re.findall(r">(L-\d{3})</a>", page)
