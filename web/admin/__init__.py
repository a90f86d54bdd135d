"""Admins' pages: the outbox (``blueprint()``, /admin/outbox), and the queue dashboard
(rq-dashboard) at /admin/queues (``init_app``), for admins only.

Access is the one policy's (``Action.ADMIN_ONLY`` for every ``rq_dashboard.*`` endpoint, applied
by ``web.access``). CSRF stays on: the dashboard's own JavaScript sends the ``_csrf_token``
cookie's value as an ``X-CSRFToken`` header on its POSTs (requeue, delete, empty, compact), so
its pages get that cookie holding our CSRF token, readable only by pages under its own path.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, request
from flask_wtf.csrf import generate_csrf
from rq_dashboard import blueprint as dashboard
from rq_dashboard.web import setup_rq_connection

from config import Settings
from web.admin import outbox
from web.resources import resources
from web.routing import GET, add_routes

URL_PREFIX = "/admin/queues"
CSRF_COOKIE = "_csrf_token"  # the name the dashboard's JavaScript reads
# Endpoints that change the queues: POST only (one also answers GET, which CSRF checks skip).
ACTIONS = {
    "rq_dashboard.delete_job_view",
    "rq_dashboard.requeue_job_view",
    "rq_dashboard.requeue_all",
    "rq_dashboard.empty_queue",
    "rq_dashboard.compact_queue",
}


def blueprint() -> Blueprint:
    """Build the admin blueprint: every URL of the area, and the view that answers it."""
    bp = Blueprint("admin", __name__, url_prefix="/admin")
    add_routes(
        bp,
        [
            (GET, "/outbox", outbox.outbox),
            (GET, "/outbox/<name>", outbox.outbox_file),
        ],
    )
    return bp


def dashboard_redis_url(settings: Settings) -> str:
    """Return the URL of the app's Redis: the configured one, or the embedded socket."""
    return settings.redis_url or f"unix://{settings.redis_socket}"


def init_app(app: Flask, settings: Settings) -> None:
    """Mount the dashboard on the app's own Redis."""
    app.config["RQ_DASHBOARD_REDIS_URL"] = dashboard_redis_url(settings)
    setup_rq_connection(app)  # builds a client; nothing connects until a page asks
    app.register_blueprint(dashboard, url_prefix=URL_PREFIX)

    # Runs after web.access has let an admin through (it was registered first).
    @app.before_request
    def _prepare_dashboard() -> None:
        if request.blueprint != dashboard.name:
            return
        if request.endpoint in ACTIONS and request.method != "POST":
            # "Requeue all" also answers GET, which a link on another site could trigger.
            abort(405)
        if settings.embedded_redis:
            resources().redis  # noqa: B018 - starts the embedded Redis if it is not running

    @app.after_request
    def _hand_dashboard_the_csrf_token(response: Response) -> Response:
        page = response.status_code == 200 and response.mimetype == "text/html"
        if page and request.blueprint == dashboard.name:
            response.set_cookie(
                CSRF_COOKIE,
                generate_csrf(),
                path=URL_PREFIX,
                secure=settings.production,
                httponly=False,  # the dashboard's script must read it
                samesite="Strict",
            )
        return response
