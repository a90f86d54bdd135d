"""Resumable uploads: the tus 1.0 protocol for large phone clips on poor Wi-Fi."""

from __future__ import annotations

from flask import Blueprint

from web.routing import add_routes
from web.uploads import routes


def blueprint() -> Blueprint:
    """Build the uploads blueprint: the tus endpoints, and the protocol's checks and headers."""
    bp = Blueprint("uploads", __name__, url_prefix="/uploads")
    # OPTIONS is the protocol's own question (which versions and extensions), answered by the
    # view rather than by Flask.
    bp.add_url_rule(
        "/tus",
        view_func=routes.tus_create,
        methods=["POST", "OPTIONS"],
        provide_automatic_options=False,
    )
    add_routes(bp, [(("HEAD", "PATCH", "DELETE"), "/tus/<token>", routes.tus_upload)])
    bp.before_request(routes.check_protocol_version)
    bp.after_request(routes.protocol_headers)
    bp.after_request(routes.drain_unread_body)
    # The upload page (a clips page) starts resumable uploads with these settings.
    bp.app_context_processor(routes.upload_page_settings)
    return bp
