"""The front door: each person's home page, and a health check."""

from __future__ import annotations

from flask import Blueprint

from web.main import routes
from web.routing import GET, add_routes


def blueprint() -> Blueprint:
    """Build the main blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("main", __name__)
    add_routes(
        bp,
        [
            (GET, "/", routes.index),
            (GET, "/health", routes.health),
        ],
    )
    return bp
