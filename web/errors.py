"""One place that turns errors into pages or JSON, chosen by what the client accepts."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from service.errors import DomainError, TooLarge

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Something in that request was not right. Please try again.",
    401: "Please sign in to continue.",
    403: "You do not have access to this page.",
    404: "We could not find that page. It may have been removed, or it is not shared with you.",
    405: "That action is not available here.",
    413: "This file is larger than the upload limit.",
    500: "Something went wrong on our side. Please try again in a moment.",
}


def wants_json() -> bool:
    """Say whether the client asked for JSON rather than a page."""
    if request.is_json or request.path.endswith(".json"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _respond(status: int, message: str):
    if wants_json():
        return jsonify(error=message, status=status), status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Answer domain errors, CSRF failures and HTTP errors as a page or JSON."""

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return _respond(exc.status_code, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError):
        return _respond(400, "Your session has expired. Please reload the page and try again.")

    @app.errorhandler(413)
    def _too_large(_exc: HTTPException):
        limit = app.extensions["coachreel.settings"].max_upload_bytes
        return _respond(413, TooLarge.for_limit(limit).message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        return _respond(status, MESSAGES.get(status, exc.description or "Error"))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, MESSAGES[500])
