"""Logs that carry the request: one line per request, and the path and user on every line."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, has_request_context, request

from config import Settings
from workers.context import configure_logging

log = logging.getLogger("coachreel.requests")

TEXT_FORMAT = (
    "%(asctime)s %(levelname)s [%(method)s %(path)s user %(user_id)s] %(name)s: %(message)s"
)


class RequestContextFilter(logging.Filter):
    """Add the request's method, path and signed-in user to records made while serving it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.method = record.path = record.user_id = "-"
        if has_request_context():
            record.method, record.path = request.method, request.path
            record.user_id = _user_id()
        return True


def _user_id() -> str:
    # Read what Flask-Login already loaded, never load the user here: a log line must not run a
    # database query. Not the session's claim either: that is the user's session token, a secret.
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return str(user.id)
    return "-"


def init_app(app: Flask, settings: Settings) -> None:
    """Log one line per request, and (outside tests) configure logging for the app."""
    if not app.testing:
        configure_logging(
            settings.log_format, filters=[RequestContextFilter()], text_format=TEXT_FORMAT
        )

    # Registered before the access check, so refused requests are timed too.
    @app.before_request
    def _start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("request_started")
        elapsed = round((time.perf_counter() - started) * 1000, 1) if started else None
        # The path only: query strings can hold search terms, which are about pupils.
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "status": response.status_code,
                "duration_ms": elapsed,
                "ip": request.remote_addr or "-",
            },
        )
        return response
