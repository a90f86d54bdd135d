"""Personal access tokens for the API, on the person's settings: list, make, revoke."""

from __future__ import annotations

from flask import Blueprint

from web.routing import GET_POST, POST, add_routes
from web.tokens import routes


def blueprint() -> Blueprint:
    """Build the tokens blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("tokens", __name__, url_prefix="/settings/tokens")
    add_routes(
        bp,
        [
            (GET_POST, "/", routes.index),
            (POST, "/<int:token_id>/revoke", routes.revoke),
        ],
    )
    return bp
