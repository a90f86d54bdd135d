"""The audit log, for coordinators (their schools) and admins: read-only, filterable."""

from __future__ import annotations

from flask import Blueprint

from web.audit import routes
from web.routing import GET, add_routes


def blueprint() -> Blueprint:
    """Build the audit blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("audit", __name__, url_prefix="/audit-log")
    add_routes(
        bp,
        [
            (GET, "/", routes.log),
        ],
    )
    return bp
