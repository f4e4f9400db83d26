"""Documents: invoice and statement PDFs (the ERP's original, or rendered and cached)."""

from flask import Blueprint

from web.portal import require_visitor

blueprint = Blueprint("documents", __name__)
blueprint.before_request(require_visitor)

from web.documents import views  # noqa: E402, F401
