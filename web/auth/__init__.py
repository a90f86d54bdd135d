"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint

from web.auth import routes
from web.routing import GET_POST, POST, add_routes


def blueprint() -> Blueprint:
    """Build the auth blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("auth", __name__, url_prefix="/auth")
    add_routes(
        bp,
        [
            (GET_POST, "/login", routes.login),
            (POST, "/logout", routes.logout),
        ],
    )
    return bp
