"""Deflection figures for requests fed through the real pipeline: the dashboard and
`ardesk report deflection` read the same function and show the same numbers."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from ardesk.cli import main
from core import deflection_rollup as rollup
from core.deflection import bounded_days, day_range, figures
from core.models import InboundMessage, InboundStatus, utcnow
from tests.bot.conftest import eml, world  # noqa: F401  (the supplier and its customers)
from tests.bot.support import handle, with_headers
from tests.support import builders as b
from tests.support.cli import cli_env
from tests.web.conftest import follow

pytestmark = pytest.mark.usefixtures("world")


def _open_links(app, decision: dict) -> int:
    """The customer follows every link the reply carried."""
    browser = app.test_client()
    browser.environ_base["wsgi.url_scheme"] = "https"
    for link in decision["links"]:
        token = link["url"].rsplit("/l/", 1)[1]
        assert follow(browser, token).status_code == 303
    return len(decision["links"])


@pytest.fixture
def fed(db, app):
    """Five requests: Karen's invoice copy (link opened, but she asks again the same day), a
    newsletter (ignored), a dispute (handed off), Claire's balance question, and Karen's
    repeat (its link opened)."""
    first = handle(db, eml("outlook_invoice_copy_en.eml"))
    assert first["action"] == "reply" and first["links"]
    _open_links(app, first)
    handle(db, eml("newsletter_list.eml"))
    assert handle(db, eml("dispute_pt.eml"))["handoff"] is True
    balance = handle(db, eml("apple_balance_fr.eml"))
    assert balance["action"] == "reply"
    _open_links(app, balance)
    again = handle(db, with_headers(eml("outlook_invoice_copy_en.eml"), Message_ID="<again@b>"))
    assert again["action"] == "reply"
    _open_links(app, again)
    return db


def test_the_figures_count_a_repeat_as_not_deflected(fed):
    now = utcnow()
    with fed.admin_session() as s:
        found = figures(s, now - timedelta(days=1), now + timedelta(hours=1), as_of=now,
                        window=timedelta(hours=72), minutes_per_request=6)  # fmt: skip
    total = found.total
    assert (total.received, total.ignored, total.handed_off, total.answered) == (5, 1, 1, 3)
    assert total.needed_answer == 4
    assert total.deflected == 2  # Claire's answer and Karen's second; not Karen's first
    assert str(total.rate) == "0.5000"
    assert found.not_deflected_repeat == 1
    assert found.by_account["C1001"].received == 3
    # The dispute's acknowledgement carried a link too, never opened.
    assert found.funnel.answers_with_links == 4 and found.funnel.opened == 3
    assert str(found.hours_saved) == "0.2"  # 2 × 6 minutes
    assert found.bot_reply.count == 3 and found.bot_reply.median_seconds is not None


def test_figures_are_as_of_a_time_a_later_repeat_changes_an_earlier_day(fed):
    with fed.admin_session() as s:
        repeat = s.scalar(select(InboundMessage).where(InboundMessage.dedupe_key == "<again@b>"))
        later = utcnow() + timedelta(hours=2)
        s.execute(update(InboundMessage).where(InboundMessage.id == repeat.id)
                  .values(received_at=later))  # fmt: skip
    start = utcnow() - timedelta(days=1)
    with fed.admin_session() as s:
        before = figures(s, start, later - timedelta(hours=1), as_of=later - timedelta(hours=1),
                         window=timedelta(hours=72), minutes_per_request=5)  # fmt: skip
        after = figures(s, start, later - timedelta(hours=1), as_of=later + timedelta(hours=1),
                        window=timedelta(hours=72), minutes_per_request=5)  # fmt: skip
        short = figures(s, start, later - timedelta(hours=1), as_of=later + timedelta(hours=1),
                        window=timedelta(hours=1), minutes_per_request=5)  # fmt: skip
    assert before.total.deflected == 2  # Karen's first and Claire's: no repeat yet
    assert after.total.deflected == 1  # Karen asked again within the window
    assert short.total.deflected == 2  # …but not within a one-hour window


def test_an_answer_whose_links_were_never_opened_is_not_deflected(db, app):
    handle(db, eml("outlook_invoice_copy_en.eml"))
    now = utcnow()
    with db.admin_session() as s:
        found = figures(s, now - timedelta(days=1), now + timedelta(hours=1), as_of=now,
                        window=timedelta(hours=72), minutes_per_request=5)  # fmt: skip
    assert found.total.answered == 1 and found.total.deflected == 0
    assert found.not_deflected_unopened == 1


def test_the_dashboard_and_the_command_show_the_same_figures(fed, admin, tmp_path):
    page = admin.get("/ar/dashboard").text
    assert re.search(r'id="rate">50\.0 %', page)
    result = CliRunner().invoke(
        main,
        ["report", "deflection", "--since", (utcnow() - timedelta(days=29)).date().isoformat(),
         "--json"],
        env=cli_env(fed.settings, tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"]["deflection_rate"] == "0.5000"
    assert data["total"]["received"] == 5 and data["not_deflected"]["asked_again"] == 1
    assert f'id="hours">{data["hours_saved"]}<' in page
    text = CliRunner().invoke(
        main, ["report", "deflection", "--since", utcnow().date().isoformat()],
        env=cli_env(fed.settings, tmp_path),
    ).output  # fmt: skip
    assert "50.0%" in text


def test_every_dashboard_table_exports_as_csv(fed, admin):
    response = admin.get("/ar/dashboard/channels.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:3] == ["channel", "received", "answered automatically"]
    assert rows[1][0] == "email" and rows[1][1] == "5"
    assert admin.get("/ar/dashboard/nothing.csv").status_code == 404


def _whole_days(days: int):
    now = utcnow()
    return day_range((now - timedelta(days=days)).date(), None, now)


def test_the_rollup_agrees_with_the_direct_computation(fed):
    settings = fed.settings
    since, until = _whole_days(29)
    with fed.admin_session() as s:
        stored = rollup.read(s, settings, since, until)
        direct = figures(s, since, until, as_of=stored.as_of, window=settings.ar_repeat_window,
                         minutes_per_request=settings.ar_minutes_per_request)  # fmt: skip
    assert stored == direct
    assert stored.total.deflected == 2 and stored.not_deflected_repeat == 1
    assert stored.repeat_contacts[0][1] == 2  # Karen asked twice


def _refresh_and_compare(db, since, until):
    settings = db.settings
    with db.admin_session() as s:
        done = rollup.refresh(s, settings)
        stored = rollup.read(s, settings, since, until)
        direct = figures(s, since, until, as_of=done.at, window=settings.ar_repeat_window,
                         minutes_per_request=settings.ar_minutes_per_request)  # fmt: skip
    assert stored == direct and stored.as_of == done.at
    return done, stored


def test_the_rollup_recomputes_the_days_a_repeat_or_a_late_link_open_changes(db, app):
    """Karen's answer ten days ago was never opened; Claire's two days ago was. Karen opens her
    link today (an old day changes through the audit trail), then Claire asks again today (a
    day within the repeat window changes)."""
    karen = handle(db, eml("outlook_invoice_copy_en.eml"))
    claire = handle(db, eml("apple_balance_fr.eml"))
    _open_links(app, claire)
    now = utcnow()
    with db.admin_session() as s:
        ids = s.scalars(select(InboundMessage.id).order_by(InboundMessage.id)).all()
        for ident, back in zip(ids, (10, 2), strict=True):
            s.execute(update(InboundMessage).where(InboundMessage.id == ident)
                      .values(received_at=now - timedelta(days=back)))  # fmt: skip
    since, until = _whole_days(29)
    _, before = _refresh_and_compare(db, since, until)
    assert (before.total.answered, before.total.deflected) == (2, 1)
    assert before.not_deflected_unopened == 1

    _open_links(app, karen)
    done, opened = _refresh_and_compare(db, since, until)
    assert (now - timedelta(days=10)).date() in done.days
    assert opened.total.deflected == 2 and opened.not_deflected_unopened == 0

    again = handle(db, with_headers(eml("apple_balance_fr.eml"), Message_ID="<again@c>"))
    _open_links(app, again)
    done, repeated = _refresh_and_compare(db, since, until)
    assert (now - timedelta(days=2)).date() in done.days
    assert repeated.total.deflected == 2  # Karen's, and Claire's second; not her first
    assert repeated.not_deflected_repeat == 1


def test_readers_see_the_rollup_as_of_its_last_refresh(fed, tmp_path):
    since, until = _whole_days(29)
    with fed.admin_session() as s:
        first = rollup.read(s, fed.settings, since, until)
    handle(fed, with_headers(eml("outlook_invoice_copy_en.eml"), Message_ID="<third@b>"))
    with fed.admin_session() as s:
        within = rollup.read(s, fed.settings, since, until)  # younger than a minute: as it was
        fresh = rollup.read(s, fed.settings.replace(ar_rollup_max_age=timedelta(0)), since, until)
    assert within.as_of == first.as_of and within.total.received == 5
    assert fresh.as_of > first.as_of and fresh.total.received == 6


def test_the_page_shows_the_busiest_accounts_and_the_csv_all(db, admin):
    with db.admin_session() as s:
        for n in range(30):
            account = b.account(s, f"Z{n:02d}", f"Zeta {n}")
            for m in range(n % 3 + 1):
                s.add(InboundMessage(channel="email", dedupe_key=f"<z{n}-{m}@x>", raw=b"",
                                     sender="ap@zeta.example", status=InboundStatus.ignored,
                                     account_id=account.id))  # fmt: skip
    page = admin.get("/ar/dashboard").text
    accounts = page.split('id="table-accounts"', 1)[1].split("</section>", 1)[0]
    assert accounts.count("<tr>") == 1 + 25  # the header, and the 25 busiest
    assert "The 25 with most requests of 30" in accounts
    # Ten accounts asked 3 times, ten twice, ten once: five of the last are left off.
    assert "<td>Z29</td>" in accounts and "<td>Z27</td>" not in accounts
    rows = list(csv.reader(io.StringIO(admin.get("/ar/dashboard/accounts.csv").text)))
    assert len(rows) == 1 + 30


def test_a_range_to_the_ends_of_the_calendar_shows_the_figures_of_ten_years_at_most(fed, admin):
    """``since=0001-01-01&until=9999-12-31`` is a page and a CSV, not an error: no day after
    today is read, and no more than ten years back from it."""
    today = utcnow().date()
    for url in (
        "/ar/dashboard?since=0001-01-01&until=9999-12-31",
        "/ar/dashboard/channels.csv?since=0001-01-01&until=9999-12-31",
        "/ar/dashboard?since=9999-12-31",
        "/ar/dashboard?until=0001-01-01",
    ):
        assert admin.get(url).status_code == 200, url
    page = admin.get("/ar/dashboard?since=0001-01-01&until=9999-12-31").text
    assert today.isoformat() in page and "9999-12-31" not in page and "0001-01-01" not in page
    earliest, last = bounded_days(date(1, 1, 1), date(9999, 12, 31), today)
    assert last == today and (today - earliest).days == 3659
