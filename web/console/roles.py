"""The customers' role → permission matrix, for admins: which role may see and download what in
the portal and in the bot's replies (``core.permissions``). Each granted or revoked cell is one
audit event; the portal reads the matrix on every request, so a change holds at once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import permissions
from core.errors import InvalidInput
from core.models import PERMISSIONS
from web.console import blueprint, staff

# At most every cell twice (ticked and as shown): a longer form is no matrix.
MAX_CELLS = 2000


def _cells(field: str) -> set[tuple[str, str]]:
    values = request.form.getlist(field)
    if len(values) > MAX_CELLS:
        abort(400)
    cells = set()
    for value in values:
        role, sep, permission = value.partition(":")
        if not sep:
            abort(400)
        cells.add((role, permission))
    return cells


@blueprint.get("/roles")
def roles():
    staff.require_admin()
    with staff.database().admin_session() as session:
        held = permissions.matrix(session)
    return render_template("console/roles.html", matrix=held, permissions=PERMISSIONS)


@blueprint.post("/roles")
def save_roles():
    staff.require_admin()
    # Only the cells this admin changed on the page: a colleague's change made meanwhile to
    # another cell stands.
    ticked, shown = _cells("grant"), _cells("shown")
    grants = [permissions.Grant(r, p, True) for r, p in sorted(ticked - shown)] + [
        permissions.Grant(r, p, False) for r, p in sorted(shown - ticked)
    ]
    with staff.database().admin_session() as session:
        try:
            made = permissions.change_matrix(session, grants)
        except InvalidInput as error:
            flash(_("Not saved: %(error)s", error=str(error)), "error")
            return redirect(url_for("console.roles"), 303)
        for grant in made:
            staff.audit(session, "role.grant" if grant.granted else "role.revoke",
                        f"role:{grant.role}", role=grant.role,
                        permission=grant.permission)  # fmt: skip
    flash(_("%(count)s change(s) saved.", count=len(made)), "ok")
    return redirect(url_for("console.roles"), 303)
