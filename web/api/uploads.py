"""Resumable uploads through the API: the pages' tus 1.0 views (web.uploads.routes) again, at
/api/v1/uploads, for a client with a personal access token that may change things.

The same views answer here as for the upload page; what differs is the API's: token sign-in
(web.api.auth, which refuses writes with a read-only token), the per-token rate limit, errors
as problem details, and the new clip named by its API address. Flask-smorest documents only
its own views, so the operations are added to the OpenAPI document by hand (``document``).
"""

from __future__ import annotations

from apispec import APISpec
from flask import Blueprint, Flask
from werkzeug.wrappers import Response

from service.clips import resumable
from service.numbers import MAX_BIGINT
from web.api import auth, problems
from web.extensions import csrf, limiter
from web.routing import add_routes
from web.uploads import routes

NAME = "api_uploads"  # routes.CLIP_ENDPOINTS names the clip's API address for this blueprint


def check_protocol_version() -> Response | None:
    """Refuse a request that does not speak this version of tus, as problem details."""
    # Runs after token sign-in and the access check, as on the pages.
    if routes.speaks_protocol():
        return None
    return problems.problem(412, routes.VERSION_NEEDED, headers={"Tus-Version": routes.TUS_VERSION})


def blueprint(url_prefix: str) -> Blueprint:
    """Build the API's uploads blueprint: the pages' tus views under the API's rules."""
    bp = Blueprint(NAME, __name__, url_prefix=url_prefix)
    bp.add_url_rule(
        "",
        view_func=routes.tus_create,
        methods=["POST", "OPTIONS"],
        provide_automatic_options=False,  # the protocol's own question, answered by the view
    )
    add_routes(bp, [(("HEAD", "PATCH", "DELETE"), "/<token>", routes.tus_upload)])
    bp.before_request(check_protocol_version)
    bp.after_request(routes.protocol_headers)  # on error answers too: tus clients read them
    bp.after_request(routes.drain_unread_body)
    problems.register(bp)
    csrf.exempt(bp)  # as the API: web.api.auth checks a signed-in browser's writes
    limiter.limit(auth.rate_limit, key_func=auth.rate_key)(bp)
    return bp


# The OpenAPI description of the five operations: tus speaks in headers.
def _header(name: str, schema: dict, description: str, required: bool = True) -> dict:
    return {
        "in": "header",
        "name": name,
        "required": required,
        "schema": schema,
        "description": description,
    }


def _answer_header(schema: dict, description: str) -> dict:
    return {"schema": schema, "description": description}


TUS_RESUMABLE = _header(
    "Tus-Resumable",
    {"type": "string", "enum": [routes.TUS_VERSION]},
    "The tus version the client speaks; another answers 412 with Tus-Version.",
)
WHOLE = {"type": "integer", "minimum": 0, "maximum": MAX_BIGINT}
DATE = {"type": "string", "description": "An HTTP date"}
ANSWER_HEADERS = {
    "Tus-Resumable": _answer_header(
        {"type": "string"}, "On every answer, errors included: the tus version spoken."
    ),
    "Cache-Control": _answer_header({"type": "string"}, "no-store: offsets change."),
}
OFFSET = _answer_header(WHOLE, "How many of the file's bytes have arrived.")
EXPIRES = _answer_header(DATE, "When the upload is removed if no more bytes arrive.")
CLIP = _answer_header(
    {"type": "string"},
    "Once every byte has arrived: the new clip's address in the API, "
    "/api/v1/clips/{id}; its status there says how its processing goes.",
)
PROBLEM = {"$ref": "#/components/schemas/Problem"}
# What the protocol's own refusals mean; the usual ones (401, 403, 404, 413, 429) are problem
# details as everywhere in the API.
TUS_ERRORS = {
    "409": "The Upload-Offset is not the upload's: HEAD, then resume from its offset.",
    "410": "The upload was left unfinished too long and has been removed: start again.",
    "412": "The request does not speak tus 1.0.0 (Tus-Version names the one spoken).",
    "415": f"A chunk not sent as {routes.OFFSET_STREAM}.",
    "423": "Another request is still writing to this upload: try again shortly.",
    "460": "The chunk's bytes do not match its Upload-Checksum: it was discarded; resend it.",
}
METADATA = (
    "The clip's details, as tus metadata: comma-separated `key base64(value)` pairs. Keys: "
    "`filename`, `kind` (lesson, rehearsal, model), `title`, `recorded_on` (YYYY-MM-DD), and "
    "optionally `step` (a rehearsal's action step id), `class` (a class id), `lawful_basis`, "
    "`consent_state`, `blur_faces`: the upload form's fields, checked by the same rules."
)


def _errors(statuses: tuple[str, ...], body: bool) -> dict:
    """The protocol's refusals, with a problem-details body unless the method has none."""
    content = {"content": {problems.MEDIA_TYPE: {"schema": PROBLEM}}} if body else {}
    answers = {status: {"description": TUS_ERRORS[status], **content} for status in statuses}
    answers["default"] = (
        {"$ref": "#/components/responses/DEFAULT_ERROR"}
        if body
        else {"description": "An error: its status as elsewhere (a HEAD answer has no body)."}
    )
    return answers


def _operation(
    summary: str,
    description: str,
    answers: dict,
    refusals: tuple[str, ...] = ("410", "412"),
    body: bool = True,
) -> dict:
    return {
        "tags": ["uploads"],
        "summary": summary,
        "description": description,
        "parameters": [TUS_RESUMABLE],
        "responses": {**answers, **_errors(refusals, body)},
    }


def document(spec: APISpec, app: Flask) -> None:
    """Add the uploads' operations, with the tus headers each reads and answers, to the
    OpenAPI document (once the blueprint is registered: the paths come from its rules)."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    spec.tag({"name": "uploads", "description": "Resumable clip uploads (tus 1.0)."})
    create = _operation(
        "Start an upload of a clip (tus creation).",
        "Say how large the file is and what the clip is; Location names the upload, to which "
        "the file is sent with PATCH. Needs a token that may change things, and a person who "
        "uploads clips (an ECT or a mentor).",
        {
            "201": {
                "description": "Created: send the file's bytes to Location.",
                "headers": {
                    **ANSWER_HEADERS,
                    "Location": _answer_header({"type": "string"}, "The upload's address."),
                    "Upload-Expires": EXPIRES,
                },
            }
        },
        refusals=("412",),
    )
    create["parameters"] = [
        TUS_RESUMABLE,
        _header("Upload-Length", {**WHOLE, "minimum": 1}, "The file's size in bytes."),
        _header("Upload-Metadata", {"type": "string"}, METADATA),
    ]
    options = _operation(
        "Say which tus version, extensions, size and checksums this server supports.",
        "The protocol's discovery request; it needs no Tus-Resumable header.",
        {
            "204": {
                "description": "What is supported.",
                "headers": {
                    **ANSWER_HEADERS,
                    "Tus-Version": _answer_header({"type": "string"}, routes.TUS_VERSION),
                    "Tus-Extension": _answer_header({"type": "string"}, routes.EXTENSIONS),
                    "Tus-Max-Size": _answer_header(WHOLE, "The largest file accepted."),
                    "Tus-Checksum-Algorithm": _answer_header(
                        {"type": "string"}, ",".join(resumable.CHECKSUMS)
                    ),
                },
            }
        },
        refusals=(),
    )
    options["parameters"] = []
    head = _operation(
        "Say how much of an upload has arrived.",
        "Resume a broken upload from Upload-Offset. An upload is its starter's alone: "
        "anyone else's answers 404.",
        {
            "200": {
                "description": "How far the upload has got.",
                "headers": {
                    **ANSWER_HEADERS,
                    "Upload-Offset": OFFSET,
                    "Upload-Length": _answer_header(WHOLE, "The file's size."),
                    "Upload-Expires": EXPIRES,
                    routes.CLIP_URL: CLIP,
                },
            }
        },
        body=False,
    )
    patch = _operation(
        "Send the next chunk of the file (tus core).",
        "The chunk's bytes go at Upload-Offset, which must be the upload's offset. What "
        "arrives before a broken connection is kept. The chunk that completes the file makes "
        f"the clip: its API address comes in {routes.CLIP_URL}.",
        {
            "204": {
                "description": "The chunk was written.",
                "headers": {
                    **ANSWER_HEADERS,
                    "Upload-Offset": OFFSET,
                    "Upload-Expires": EXPIRES,
                    routes.CLIP_URL: CLIP,
                },
            }
        },
        refusals=tuple(TUS_ERRORS),
    )
    patch["parameters"] = [
        TUS_RESUMABLE,
        _header("Upload-Offset", WHOLE, "Where in the file this chunk goes."),
        _header(
            "Upload-Checksum",
            {"type": "string", "pattern": "^(sha1|sha256|md5) [A-Za-z0-9+/=]+$"},
            "The chunk's checksum: an algorithm and the base64 digest (tus checksum).",
            required=False,
        ),
    ]
    patch["requestBody"] = {
        "required": True,
        "content": {routes.OFFSET_STREAM: {"schema": {"type": "string", "format": "binary"}}},
    }
    delete = _operation(
        "Abandon an upload, removing what has arrived (tus termination).",
        "Anyone else's upload answers 404.",
        {"204": {"description": "Removed.", "headers": ANSWER_HEADERS}},
    )
    token = {
        "in": "path",
        "name": "token",
        "required": True,
        "schema": {"type": "string", "pattern": resumable.TOKEN.pattern},
        "description": "The upload's name, from Location.",
    }
    spec.path(rule=rules[f"{NAME}.tus_create"], operations={"post": create, "options": options})
    spec.path(
        rule=rules[f"{NAME}.tus_upload"],
        operations={"head": head, "patch": patch, "delete": delete},
        parameters=[token],
    )
