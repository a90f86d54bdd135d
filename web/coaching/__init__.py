"""The coaching cycle: home pages, action steps, meeting records, libraries and rehearsals."""

from __future__ import annotations

from flask import Blueprint

from web.coaching import home, library, meetings, rehearsals, steps
from web.routing import GET, GET_POST, POST, add_routes


def blueprint() -> Blueprint:
    """Build the coaching blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("coaching", __name__, url_prefix="/coaching")
    add_routes(
        bp,
        [
            (GET, "/", home.home),
            (GET, "/ects/<int:ect_id>", home.ect),
            (GET_POST, "/ects/<int:ect_id>/steps/new", steps.new_step),
            (GET_POST, "/steps/<int:step_id>/edit", steps.edit_step),
            (POST, "/steps/<int:step_id>/close", steps.close_step),
            (POST, "/steps/<int:step_id>/repeat", steps.repeat_step),
            (GET_POST, "/ects/<int:ect_id>/sessions/new", meetings.new_session),
            (POST, "/sessions/<int:session_id>/reflection", meetings.reflect),
            (GET, "/library", library.library),
            (POST, "/library", library.save_template),
            (GET, "/models", library.models),
            (POST, "/models/<int:clip_id>/share", library.share_model),
            (GET, "/rehearsals/<int:clip_id>", rehearsals.rehearsal),
            (POST, "/rehearsals/<int:clip_id>/criteria/<int:criterion>", rehearsals.tick),
        ],
    )
    return bp
