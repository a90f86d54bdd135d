"""Signing in and out, and changing one's password."""

from __future__ import annotations

from flask import Blueprint

from web.auth import routes, throttle
from web.routing import GET_POST, POST, add_routes


def blueprint() -> Blueprint:
    """Build the auth blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("auth", __name__, url_prefix="/auth")
    add_routes(
        bp,
        [
            (GET_POST, "/login", routes.login),
            (POST, "/logout", routes.logout),
            (GET_POST, "/password", routes.password),
        ],
    )
    # A throttled sign-in gets the sign-in page saying when to try again.
    bp.register_error_handler(429, throttle.too_many_attempts)
    return bp
