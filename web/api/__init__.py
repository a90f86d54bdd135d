"""The documented JSON API, /api/v1/: clips (and highlights cut from them), comments, action
steps, transcripts, the induction dashboard's rows and the audit log, behind the same policy
as the pages, with an OpenAPI 3.1 document generated from this code (flask-smorest) and a
reference page; and resumable clip uploads (tus 1.0) at /api/v1/uploads (web.api.uploads).

Callers send a personal access token (web.api.auth); errors are problem details
(web.api.problems); each token is rate-limited in the app's Redis.
"""

from __future__ import annotations

from collections.abc import Callable

import flask
from flask import Flask
from flask_smorest import Api, Blueprint

from service.numbers import MAX_ID
from web.api import auth, clips, problems, records, reference, schemas, uploads
from web.extensions import csrf, limiter
from web.routing import IdConverter

PREFIX = "/api/v1"
UPLOADS = PREFIX + "/uploads"
GET, POST = "GET", "POST"


class CoachreelApi(Api):
    """flask-smorest's Api, answering errors as problem details (documented so too)."""

    ERROR_SCHEMA = schemas.Problem


# (method, URL rule, view, request schema and where it is read, success status, answer schema)
Row = tuple[str, str, Callable, tuple[type, str] | None, int, type]
ROUTES: list[Row] = [
    (GET, "/clips", clips.list_clips, (schemas.ClipQuery, "query"), 200, schemas.ClipPage),
    (GET, "/clips/<int:clip_id>", clips.get_clip, None, 200, schemas.Clip),
    (GET, "/clips/<int:clip_id>/status", clips.clip_status, None, 200, schemas.ClipStatus),
    (GET, "/clips/<int:clip_id>/transcript", clips.clip_transcript, None, 200, schemas.Transcript),
    (GET, "/clips/<int:clip_id>/comments", clips.list_comments, None, 200, schemas.CommentList),
    (
        POST,
        "/clips/<int:clip_id>/comments",
        clips.add_comment,
        (schemas.NewComment, "json"),
        201,
        schemas.Comment,
    ),
    (
        POST,
        "/clips/<int:clip_id>/comments/<int:comment_id>/replies",
        clips.reply_comment,
        (schemas.NewReply, "json"),
        201,
        schemas.Comment,
    ),
    (
        POST,
        "/clips/<int:clip_id>/highlights",
        clips.cut_highlight,
        (schemas.NewHighlight, "json"),
        201,
        schemas.Clip,
    ),
    (GET, "/ects/<int:ect_id>/steps", records.list_steps, None, 200, schemas.StepList),
    (GET, "/steps/<int:step_id>", records.get_step, None, 200, schemas.Step),
    (
        GET,
        "/induction/schools/<int:school_id>",
        records.school_rows,
        None,
        200,
        schemas.Dashboard,
    ),
    (
        GET,
        "/audit-events",
        records.audit_events,
        (schemas.AuditQuery, "query"),
        200,
        schemas.AuditPage,
    ),  # fmt: skip
]


def blueprint() -> Blueprint:
    """Build the API blueprint: every operation, its schemas, and its problem-detail errors."""
    bp = Blueprint(
        "api",
        __name__,
        url_prefix=PREFIX,
        description="Coachreel's JSON API, for a school's other systems and the phone app.",
    )
    for method, rule, view, arguments, status, answer in ROUTES:
        wrapped = bp.response(status, answer)(view)
        if arguments is not None:
            schema, location = arguments
            wrapped = bp.arguments(schema, location=location)(wrapped)
        if view in (clips.add_comment, clips.reply_comment, clips.cut_highlight):
            wrapped = clips.commentable_first(wrapped)
        bp.route(rule, methods=[method], endpoint=view.__name__)(wrapped)
    problems.register(bp)
    csrf.exempt(bp)  # token requests need no CSRF token; web.api.auth checks cookie writes
    limiter.limit(auth.rate_limit, key_func=auth.rate_key)(bp)
    return bp


def init_app(app: Flask) -> CoachreelApi:
    """Set up the OpenAPI document and token sign-in; call before the limiter and the error
    pages are set up (their handlers then take precedence over flask-smorest's own)."""
    app.config.update(
        API_TITLE="Coachreel",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "Send a personal access token (made on your settings page) as "
                    "`Authorization: Bearer <token>`. A token acts as its person: it sees "
                    "and changes what they may on the pages. Errors are problem details "
                    "(RFC 9457)."
                )
            },
            "servers": [{"url": "/"}],
            "security": [{"token": []}],
            "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        },
    )
    api = CoachreelApi(app)
    api.register_converter(IdConverter, lambda _c: {"type": "integer", "minimum": 0,
                                                    "maximum": MAX_ID})  # fmt: skip
    auth.init_app(app)
    app.extensions["coachreel.api"] = api
    return api


def register(app: Flask) -> None:
    """Register the API's blueprint, documenting each operation in the OpenAPI document."""
    api = app.extensions["coachreel.api"]
    api.register_blueprint(blueprint())
    # Resumable uploads are the pages' tus views, a plain blueprint documented by hand.
    app.register_blueprint(uploads.blueprint(UPLOADS))
    uploads.document(api.spec, app)
    # The reference page is HTML, not an operation of the API: a plain blueprint of its own.
    page = flask.Blueprint("api_reference", __name__, url_prefix=PREFIX)
    page.add_url_rule("/docs", "page", reference.reference)
    app.register_blueprint(page)
