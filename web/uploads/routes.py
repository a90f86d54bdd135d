"""Resumable uploads over tus 1.0 (core, creation, termination, expiration and checksum).

No maintained tus server library fits Flask, so this is the protocol's small core: POST
creates an upload session, HEAD tells the client how far it got, PATCH appends a chunk at
that offset, DELETE abandons it. The browser side is tus-js-client (web/static/vendor). The
use cases live in service/clips/resumable.py; the views only read and write the protocol's headers.
The API answers with the same views at /api/v1/uploads, for clients with a token (web.api.uploads).
See https://tus.io/protocols/resumable-upload for the specification.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta

from flask import current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import ClientDisconnected
from werkzeug.http import http_date
from werkzeug.wrappers import Response

from service.clips import resumable, upload_metadata
from service.clips.upload import used_bytes
from service.errors import InvalidInput
from service.models import Clip, UploadSession
from service.numbers import MAX_BIGINT, parse_integer
from web.resources import db, redis, settings, storage
from workers.queues import enqueue_or_leave_to_sweeper, stale_window

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration,checksum"
OFFSET_STREAM = "application/offset+octet-stream"
CHUNK_SIZE = 5 * 1024 * 1024  # what the page sends per PATCH: small enough to resend cheaply
CLIP_URL = "Coachreel-Clip-Url"  # the final PATCH names the new clip here
# Where that header points, by the blueprint the upload came through: the browser's upload page
# goes on to the clip's watch page, an API client (web.api.uploads) to the clip in the API.
CLIP_ENDPOINTS = {"uploads": "clips.watch", "api_uploads": "api.get_clip"}
VERSION_NEEDED = f"This upload needs the tus protocol, version {TUS_VERSION}."
# The most of a refused request's body read and thrown away to keep its connection open: the
# chunks the page sends, with room to spare. A larger body costs more to read than a reconnect.
DRAIN_LIMIT = 4 * CHUNK_SIZE


def _limits() -> resumable.Limits:
    config = settings()
    return resumable.Limits(
        max_bytes=config.max_upload_bytes,
        quota_bytes=config.user_quota_bytes,
        expiry=timedelta(hours=config.upload_expiry_hours),
    )


def _empty(status: int) -> Response:
    return current_app.response_class(status=status)


def upload_page_settings() -> dict[str, object]:
    """Give the upload page's script the chunk size and the limits it checks."""
    config = settings()
    return {
        "resumable_upload": {
            "chunk_size": CHUNK_SIZE,
            "max_seconds": config.max_clip_seconds,
            "quota_bytes": config.user_quota_bytes,
        },
        "storage_used": lambda: used_bytes(db(), current_user.id),
    }


def speaks_protocol() -> bool:
    """Say whether the request speaks this version of tus (OPTIONS, which asks which, does)."""
    return request.method == "OPTIONS" or request.headers.get("Tus-Resumable") == TUS_VERSION


def check_protocol_version() -> Response | None:
    """Refuse a request that does not speak this version of tus (OPTIONS asks which)."""
    # Runs after the access check, so a stranger learns nothing from this answer.
    if not speaks_protocol():
        response = current_app.response_class(
            f'{{"error": "{VERSION_NEEDED}"}}',
            status=412,
            mimetype="application/json",
        )
        response.headers["Tus-Version"] = TUS_VERSION
        return response
    return None


def protocol_headers(response: Response) -> Response:
    """Add the tus version to every answer, and keep answers out of caches."""
    response.headers["Tus-Resumable"] = TUS_VERSION
    # An upload's offset changes from one request to the next: never serve one from a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def drain_unread_body(response: Response) -> Response:
    """Read what is left of a request's body, so its keep-alive connection can serve the next."""
    # A chunk refused before it was read (wrong offset, busy, gone) leaves its bytes on the
    # connection. gunicorn reads only 64 KB of them before closing the connection, after it
    # has answered "Connection: keep-alive", so the client's next request there goes
    # unanswered. A WSGI app cannot say "Connection: close" (gunicorn drops hop-by-hop
    # headers), so read the rest here; beyond DRAIN_LIMIT the server closes it as before.
    declared = request.content_length
    if declared is not None and declared > DRAIN_LIMIT:
        return response
    try:
        drained = 0
        while drained <= DRAIN_LIMIT:
            data = request.stream.read(64 * 1024)
            if not data:
                break
            drained += len(data)
    except (ClientDisconnected, OSError):
        pass  # the client went away: there is no next request to keep the connection for
    return response


def _whole_number(name: str, message: str) -> int:
    value = parse_integer(request.headers.get(name, "").strip(), maximum=MAX_BIGINT)
    if value is None:
        raise InvalidInput(message)
    return value


def _checksum() -> tuple[str, bytes] | None:
    raw = request.headers.get("Upload-Checksum")
    if raw is None:
        return None
    algorithm, _, encoded = raw.strip().partition(" ")
    if algorithm not in resumable.CHECKSUMS:
        raise InvalidInput(f"Checksums with {algorithm or 'no algorithm'} are not supported.")
    try:
        return algorithm, base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise InvalidInput("The chunk's checksum could not be read.") from None


def _position(response: Response, upload: UploadSession) -> Response:
    response.headers["Upload-Offset"] = str(upload.offset)
    response.headers["Upload-Expires"] = http_date(upload.expires_at)
    return response


def tus_create() -> ResponseReturnValue:
    """Say what this server supports (OPTIONS), or create an upload session (POST)."""
    if request.method == "OPTIONS":
        response = _empty(204)
        response.headers.update(
            {
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": EXTENSIONS,
                "Tus-Max-Size": str(settings().max_upload_bytes),
                "Tus-Checksum-Algorithm": ",".join(resumable.CHECKSUMS),
            }
        )
        return response
    if "Upload-Defer-Length" in request.headers:
        raise InvalidInput("Please choose the whole video file before uploading it.")
    length = _whole_number("Upload-Length", "The upload must say how large the file is.")
    metadata = upload_metadata.parse_metadata(request.headers.get("Upload-Metadata"))
    details = upload_metadata.details_from_metadata(metadata)
    upload = resumable.create(
        db(), settings().uploads_path, current_user, details, length, _limits()
    )
    response = _empty(201)
    # The upload goes on through the blueprint that created it (the pages' or the API's).
    response.headers["Location"] = url_for(".tus_upload", token=upload.token)
    response.headers["Upload-Expires"] = http_date(upload.expires_at)
    return response


def tus_upload(token: str) -> ResponseReturnValue:
    """Report an upload's offset (HEAD), append a chunk (PATCH), or abandon it (DELETE)."""
    folder = settings().uploads_path
    upload = resumable.get_own(db(), folder, current_user, token)
    if request.method == "DELETE":
        resumable.cancel(db(), folder, upload)
        return _empty(204)
    if request.method == "HEAD":
        response = _position(_empty(200), upload)
        response.headers["Upload-Length"] = str(upload.length)
        if resumable.is_complete(upload):
            # Every byte arrived but registering the clip failed (storage was down): the
            # client resumes with HEAD and finds nothing left to send, so finish here.
            _finished(response, _finish(upload))
        return response
    if request.mimetype != OFFSET_STREAM:
        raise resumable.Unsupported(f"Chunks must be sent as {OFFSET_STREAM}.")
    offset = _whole_number("Upload-Offset", "The chunk must say where in the file it goes.")
    upload = resumable.append(
        db(),
        folder,
        upload,
        offset,
        request.stream,
        _limits(),
        content_length=request.content_length,
        checksum=_checksum(),
    )
    response = _position(_empty(204), upload)
    if resumable.is_complete(upload):
        _finished(response, _finish(upload))
    return response


def _finish(upload: UploadSession) -> Clip:
    clip = resumable.finish(
        db(), storage(), settings().uploads_path, current_user, upload, _limits()
    )
    # The clip is safe in storage and the database: if Redis is down, the sweeper queues it.
    enqueue_or_leave_to_sweeper(
        redis(), "processing", clip.id, None, stale_after=stale_window(settings())
    )
    return clip


def _finished(response: Response, clip: Clip) -> None:
    response.headers[CLIP_URL] = url_for(CLIP_ENDPOINTS[request.blueprint or ""], clip_id=clip.id)
    response.headers.pop("Upload-Expires", None)  # the session is gone
    # No flash: the watch page says the clip is being prepared for as long as it is.
