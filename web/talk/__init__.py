"""Talk analytics pages: a clip's talk panel, a teacher's trends, and sharing them."""

from __future__ import annotations

from flask import Blueprint

from web.routing import GET, POST, add_routes
from web.talk import routes, trends


def blueprint() -> Blueprint:
    """Build the talk blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("talk", __name__)
    add_routes(
        bp,
        [
            (GET, "/clips/<int:clip_id>/talk", routes.clip),
            (POST, "/talk/pairings/<int:mentorship_id>/share", routes.share),
            (GET, "/talk/ects/<int:ect_id>", trends.trends),
        ],
    )
    return bp
