"""The customer portal: overview, invoices, statements, payments and exports."""

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from web.visitor import NoVisitor, current_visitor

blueprint = Blueprint("portal", __name__)


def require_visitor() -> ResponseReturnValue | None:
    """Every portal page needs an open session; without one, say how to get a link."""
    try:
        current_visitor()
    except NoVisitor as ended:
        return render_template("landing/ended.html", reason=ended.reason), 401
    return None


blueprint.before_request(require_visitor)

from web.portal import export, invoices, overview, payments, statements  # noqa: E402, F401
