"""The deflection dashboard: the rollup's figures (``core.deflection_rollup``) for a range of days,
as tables, server-rendered SVG bars (no script: the CSP allows none inline) and a CSV of every
table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from flask import Response, abort, render_template, request

from core.deflection import bounded_days
from core.deflection_report import Table, tables
from core.deflection_rollup import for_settings
from core.models import utcnow
from core.spreadsheets import csv_text
from web.console import blueprint, staff
from web.extensions import app_settings

DEFAULT_DAYS = 30
# The page shows the accounts with most requests; the CSV has every account.
PAGE_ACCOUNTS = 25


def _on_page(table: Table) -> tuple[Table, int]:
    """The table as the page shows it, and how many rows the CSV has (0: all are shown)."""
    if table.slug != "accounts" or len(table.rows) <= PAGE_ACCOUNTS:
        return table, 0
    busiest = sorted(table.rows, key=lambda row: (-int(row[1] or 0), str(row[0])))
    return replace(table, rows=busiest[:PAGE_ACCOUNTS]), len(table.rows)


def _range() -> tuple[date, date | None]:
    def read(name: str) -> date | None:
        try:
            return date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    today = utcnow().date()
    since, until = read("since") or (today - timedelta(days=DEFAULT_DAYS - 1)), read("until")
    # The page shows the range its figures are for ("until" left empty means today).
    first, last = bounded_days(since, until, today)
    return first, (None if until is None else last)


@blueprint.get("/dashboard")
def dashboard():
    since, until = _range()
    with staff.database().admin_session() as session:
        figures = for_settings(session, app_settings(), since, until)
    return render_template(
        "console/dashboard.html",
        figures=figures,
        tables=[_on_page(table) for table in tables(figures)],
        since=since,
        until=until,
    )


@blueprint.get("/dashboard/<slug>.csv")
def dashboard_csv(slug: str):
    since, until = _range()
    with staff.database().admin_session() as session:
        figures = for_settings(session, app_settings(), since, until)
        chosen = next((t for t in tables(figures) if t.slug == slug), None)
        if chosen is None:
            abort(404)
        staff.audit(session, "report.export", f"deflection:{slug}", since=since.isoformat())
    name = f"deflection-{slug}-{since.isoformat()}.csv"
    return Response(
        csv_text(chosen.header, chosen.rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
