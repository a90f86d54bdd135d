"""Search across the transcripts of every clip the user may see."""

from __future__ import annotations

from flask import Blueprint

from web.routing import GET, add_routes
from web.search import routes


def blueprint() -> Blueprint:
    """Build the search blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("search", __name__, url_prefix="/search")
    add_routes(
        bp,
        [
            (GET, "/", routes.index),
        ],
    )
    return bp
