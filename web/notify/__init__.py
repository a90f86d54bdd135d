"""The notification centre, each person's email choices, and the unsubscribe links in emails."""

from __future__ import annotations

from flask import Blueprint, Flask

from web.extensions import csrf
from web.notify import queueing, routes
from web.routing import GET, GET_POST, POST, add_routes


def blueprint() -> Blueprint:
    """Build the notifications blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("notify", __name__, url_prefix="/notifications")
    add_routes(
        bp,
        [
            (GET, "/", routes.centre),
            (POST, "/<int:notification_id>/open", routes.open_one),
            (POST, "/read", routes.mark_all),
            (GET_POST, "/settings", routes.preferences),
            # Public: the signed token decides. RFC 8058's one-click POST comes from a mail
            # program with no CSRF token; all it can do is turn one email off.
            (GET_POST, "/unsubscribe/<token>", routes.unsubscribe),
        ],
    )
    csrf.exempt(routes.unsubscribe)
    # The header's "Notifications (3)" on every page.
    bp.app_context_processor(routes.header_count)
    return bp


def init_app(app: Flask) -> None:
    """Queue the notification emails whenever a request commits a notification."""
    queueing.init_app(app)
