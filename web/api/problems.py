"""The API's errors as RFC 9457 problem details, in the same words as the pages."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, Unauthorized

from service.errors import DomainError, TooLarge
from web.errors import MESSAGES

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone",
    412: "Precondition failed",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid values",
    423: "Locked",
    429: "Too many requests",
    460: "Checksum mismatch",
    500: "Server error",
    503: "Unavailable",
}
SIGN_IN = (
    "Please send a personal access token as “Authorization: Bearer <token>”. "
    "You can make one on your settings page."
)
BAD_TOKEN = (
    "This token is not valid: it may have been revoked, or its person's account closed. "
    "Please make a new one on your settings page."
)
INVALID = "Some of the values sent were not right. Please correct those named in “errors”."
SLOW_DOWN = "Too many requests with this token. Please wait a minute and try again."
CSRF = "Your session has expired. Please reload the page and try again."


class NotSignedIn(Unauthorized):
    """A request to the API with no usable credentials."""

    def __init__(self, detail: str = SIGN_IN):
        super().__init__(detail)


def problem(status: int, detail: str, errors: dict | None = None, headers: dict | None = None):
    """Answer an error as problem details."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="coachreel"'
    response.headers.update(headers or {})
    return response


def _domain(exc: DomainError):
    return problem(exc.status_code, exc.message)


def _csrf(_exc: CSRFError):
    return problem(400, CSRF)


def _too_large(_exc: HTTPException):
    limit = current_app.extensions["coachreel.settings"].max_upload_bytes
    return problem(413, TooLarge.for_limit(limit).message)


def _too_many(exc: HTTPException):
    limit = getattr(exc, "limit", None)
    seconds = 60
    if limit is not None:
        seconds = int(limit.limit.get_expiry())
    return problem(429, SLOW_DOWN, headers={"Retry-After": str(seconds)})


def _http(exc: HTTPException):
    status = exc.code or 500
    if isinstance(exc, NotSignedIn):
        return problem(401, exc.description or SIGN_IN)
    data = getattr(exc, "data", None) or {}
    if status == 422 and "messages" in data:  # the request's values, checked by its schema
        return problem(422, INVALID, errors=data["messages"])
    return problem(status, MESSAGES.get(status, exc.description or "Error"))


def _unexpected(_exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem(500, MESSAGES[500])


def register(bp: Blueprint) -> None:
    """Answer every error of the blueprint's routes as problem details."""
    bp.register_error_handler(DomainError, _domain)
    bp.register_error_handler(CSRFError, _csrf)
    bp.register_error_handler(413, _too_large)
    bp.register_error_handler(429, _too_many)
    bp.register_error_handler(HTTPException, _http)
    bp.register_error_handler(Exception, _unexpected)
