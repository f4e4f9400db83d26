"""Flask extensions, created unbound and bound to each app in ``create_app`` with ``init_app``."""

from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
