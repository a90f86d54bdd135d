"""Retention for coordinators: what will be deleted soon, extensions, induction end dates."""

from __future__ import annotations

from flask import Blueprint

from web.retention import routes
from web.routing import GET, POST, add_routes


def blueprint() -> Blueprint:
    """Build the retention blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("retention", __name__, url_prefix="/retention")
    add_routes(
        bp,
        [
            (GET, "/schools/<int:school_id>", routes.school),
            (POST, "/clips/<int:clip_id>/extend", routes.extend),
            (
                POST,
                "/schools/<int:school_id>/ects/<int:ect_id>/completed",
                routes.record_completion,
            ),
        ],
    )
    return bp
