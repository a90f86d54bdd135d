"""The coordinator's induction audit: dashboards, charts, term dates, evidence packs."""

from __future__ import annotations

from flask import Blueprint

from web.induction import routes
from web.routing import GET, GET_POST, POST, add_routes


def blueprint() -> Blueprint:
    """Build the induction blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("induction", __name__, url_prefix="/induction")
    add_routes(
        bp,
        [
            (GET, "/", routes.home),
            (GET, "/trusts/<int:trust_id>", routes.trust),
            (GET, "/schools/<int:school_id>", routes.school),
            (GET, "/schools/<int:school_id>/dashboard.csv", routes.school_csv),
            (GET, "/schools/<int:school_id>/charts", routes.charts),
            (GET_POST, "/schools/<int:school_id>/terms", routes.terms),
            (POST, "/mentorships/<int:mentorship_id>", routes.cadence),
            (GET, "/ects/<int:ect_id>", routes.evidence),
            (GET, "/ects/<int:ect_id>/evidence.csv", routes.evidence_csv),
            (GET_POST, "/ects/<int:ect_id>/observations/new", routes.log_observation),
        ],
    )
    return bp
