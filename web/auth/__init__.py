"""Signing in and out, and changing one's password."""

from __future__ import annotations

from flask import Blueprint

from web.auth import links, oidc, routes, throttle
from web.routing import GET, GET_POST, POST, add_routes


def blueprint() -> Blueprint:
    """Build the auth blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("auth", __name__, url_prefix="/auth")
    add_routes(
        bp,
        [
            (GET_POST, "/login", routes.login),
            (POST, "/logout", routes.logout),
            (GET_POST, "/password", routes.password),
            # Choosing a password through an emailed link (web.auth.links).
            (GET_POST, "/welcome/<token>", links.welcome),
            (GET_POST, "/forgot", links.forgot),
            (GET_POST, "/reset/<token>", links.reset),
            # Signing in with the trust's Microsoft or Google accounts (web.auth.oidc).
            (GET, "/sso/<int:provider_id>", oidc.sso_start),
            (GET, "/sso/<int:provider_id>/callback", oidc.sso_callback),
        ],
    )
    # A throttled sign-in gets the sign-in page saying when to try again.
    bp.register_error_handler(429, throttle.too_many_attempts)
    # The sign-in page's buttons for each trust's provider, and the Authlib registry.
    bp.context_processor(oidc.sign_in_buttons)
    bp.record_once(oidc.init_app)
    return bp
