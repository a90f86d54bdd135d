"""Managing people: schools, the roster and its import, pairings, invitations, leavers and the
year's roll-over, and a trust's single sign-on."""

from __future__ import annotations

from flask import Blueprint

from web.routing import add_routes


def blueprint() -> Blueprint:
    """Build the people blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("people", __name__, url_prefix="/people")
    add_routes(
        bp,
        [],
    )
    return bp
