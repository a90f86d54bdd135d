"""Coaching on coaching: the reviewer's queue and notes, the mentor's feedback, assignments."""

from __future__ import annotations

from flask import Blueprint

from web.review import routes
from web.routing import GET, GET_POST, POST, add_routes


def blueprint() -> Blueprint:
    """Build the review blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("review", __name__, url_prefix="/review")
    add_routes(
        bp,
        [
            (GET, "/", routes.queue),
            (GET, "/sessions/<int:session_id>", routes.session),
            (POST, "/sessions/<int:session_id>/notes", routes.add_note),
            (POST, "/sessions/<int:session_id>/done", routes.mark_reviewed),
            (GET, "/notes/<int:note_id>", routes.note),
            (POST, "/notes/<int:note_id>/replies", routes.reply),
            (GET, "/my-coaching", routes.mine),
            (GET, "/mentors/<int:mentor_id>", routes.mentor),
            (GET_POST, "/assignments", routes.assignments),
            (POST, "/assignments/<int:assignment_id>/end", routes.end_assignment),
            (GET_POST, "/rubric", routes.rubric),
        ],
    )
    return bp
