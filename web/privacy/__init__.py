"""A school's privacy settings, its classes, and the consent register of its clips."""

from __future__ import annotations

from flask import Blueprint

from web.privacy import routes
from web.routing import GET, POST, add_routes


def blueprint() -> Blueprint:
    """Build the privacy blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("privacy", __name__, url_prefix="/privacy")
    add_routes(
        bp,
        [
            (GET, "/schools/<int:school_id>", routes.settings),
            (POST, "/schools/<int:school_id>", routes.save_settings),
            (POST, "/schools/<int:school_id>/classes", routes.classes),
            (GET, "/schools/<int:school_id>/consent", routes.consent_register),
            (POST, "/clips/<int:clip_id>/consent", routes.record_consent),
            (POST, "/clips/<int:clip_id>/consent-request", routes.ask_consent),
            (POST, "/consent-requests/<int:request_id>/done", routes.close_consent_request),
        ],
    )
    # The watch page (a clips page) shows the consent record too.
    bp.app_context_processor(routes.consent_record_helpers)
    return bp
