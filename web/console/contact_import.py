"""Importing contacts from a CSV file (admins): *Check* reads every row and writes nothing;
*Import* writes the file when no row is wrong, in one transaction; *Download the error report*
answers the problems as a CSV file (through ``core.spreadsheets``: a cell that a spreadsheet
would run as a formula is escaped). The rules are ``core.contact_import``'s."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from core.chat_identities import ChatProblem
from core.contact_import import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    FileProblem,
    FileRefused,
    Outcome,
    Report,
    RowError,
    RowProblem,
    import_contacts,
)
from core.models import LANGUAGES
from core.spreadsheets import csv_text
from web.console import blueprint, staff
from web.console.chat_bindings import problem_text
from web.errors import render_error

SHOWN = 200  # problems listed on the page; the downloaded report has them all

FILE_PROBLEMS = {
    FileProblem.too_big: _l("The file is too big (%(detail)s bytes at most): split it."),
    FileProblem.binary: _l("This is not a CSV file (it holds binary data)."),
    FileProblem.not_utf8: _l(
        "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”."
    ),
    FileProblem.empty: _l("The file is empty."),
    FileProblem.no_header: _l(
        "The first row must name the columns (%(detail)s), separated by commas, semicolons or tabs."
    ),
    FileProblem.missing_columns: _l("The file has no column %(detail)s."),
    FileProblem.unknown_columns: _l("Unknown or repeated columns: %(detail)s."),
    FileProblem.too_many_rows: _l("The file has more than %(detail)s rows: split it."),
    FileProblem.malformed: _l("The file is not well-formed CSV (%(detail)s)."),
}
ROW_PROBLEMS = {
    RowProblem.unknown_account: _l("no account with this ERP id"),
    RowProblem.ambiguous_account: _l("this ERP id exists in several sources: write SOURCE:ERP_ID"),
    RowProblem.invalid_email: _l("not an email address"),
    RowProblem.missing_name: _l("a contact needs a name"),
    RowProblem.name_too_long: _l("a name has at most 200 characters"),
    RowProblem.unknown_role: _l("unknown role"),
    RowProblem.unknown_language: _l("unsupported language"),
    RowProblem.duplicate: _l("the same address for the same account as row %(detail)s"),
    RowProblem.identity_repeated: _l(
        "the same chat identity as row %(detail)s, which has another address"
    ),
    RowProblem.forgotten: _l(
        "forgotten on request: add it again one by one, and only if the person asks"
    ),
    RowProblem.extra_cells: _l("more cells than the first row names columns"),
}


def row_text(error: RowError) -> str:
    if isinstance(error.problem, ChatProblem):
        return problem_text(error.problem, error.detail)
    return str(ROW_PROBLEMS[error.problem]) % {"detail": error.detail}


def _file_text(refused: FileRefused) -> str:
    detail = {
        FileProblem.too_big: f"{MAX_BYTES:,}",
        FileProblem.too_many_rows: f"{MAX_ROWS:,}",
    }.get(refused.problem, refused.detail)
    return str(FILE_PROBLEMS[refused.problem]) % {"detail": detail}


def _page(report: Report | None = None, status: int = 200):
    page = render_template(
        "console/contact_import.html",
        report=report,
        columns=COLUMNS,
        languages=LANGUAGES,
        max_rows=MAX_ROWS,
        max_megabytes=MAX_BYTES // (1024 * 1024),
        shown=SHOWN,
        row_text=row_text,
        outcomes=Outcome,
    )
    return page, status


def _report_csv(report: Report) -> Response:
    body = csv_text(
        [_("Row"), _("Column"), _("Problem"), _("Value")],
        ((e.row, e.column, row_text(e), e.value) for e in report.errors),
    )
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=contact-import-problems.csv"},
    )


@blueprint.route("/contacts/import", methods=["GET", "POST"])
def contact_import():
    me = staff.require_admin()
    if request.method == "GET":
        return _page()
    action = request.form.get("action", "check")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV file."), "error")
        return _page(status=400)
    data = upload.stream.read(MAX_BYTES + 1)
    try:
        with staff.database().admin_session() as session:
            report = import_contacts(session, data, actor=me.actor, apply=action == "import",
                                     ip=request.remote_addr,
                                     user_agent=request.headers.get("User-Agent"))  # fmt: skip
    except FileRefused as refused:
        flash(_file_text(refused), "error")
        return _page(status=400)
    except IntegrityError:
        # Someone added one of these contacts between the check and the write: nothing was
        # written (one transaction), and checking again names the row.
        flash(_("The contacts changed while the file was imported; nothing was imported. "
                "Check the file again."), "error")  # fmt: skip
        return _page(status=409)
    if action == "report":
        return _report_csv(report)
    if report.applied:
        flash(_("Imported %(rows)s row(s): %(added)s added, %(updated)s updated, %(unchanged)s "
                "unchanged.", rows=report.rows, added=report.outcomes[Outcome.add],
                updated=report.outcomes[Outcome.update],
                unchanged=report.outcomes[Outcome.unchanged]), "ok")  # fmt: skip
        return redirect(url_for("console.contact_import"), 303)
    return _page(report, 422 if report.errors else 200)


@blueprint.errorhandler(RequestEntityTooLarge)
def too_big(_error: RequestEntityTooLarge):
    """A body past the app's limit is refused before the view reads it; the app's own page
    speaks of PDFs (the portal's only upload)."""
    return render_error(
        413, str(_l("That file is too big")), _file_text(FileRefused(FileProblem.too_big))
    )
