"""A clip's stream: its playlists and fMP4 segments, each behind the same check as its video.

Every file is sent from this origin, never redirected to the bucket: hls.js fetches them with
XHR, which a redirect to another origin would need the bucket to allow (CORS), and a playlist
still growing must never be cached. One view of the stream is one audit event: the master
playlist, which a player fetches once, records it (once per window); playlists and segments
record nothing.
"""

from __future__ import annotations

from flask import abort, current_app
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.clips import stream as clip_stream
from web.auditing import audit_view
from web.clips.routes import audited, serve_media
from web.resources import db, storage

PLAYLIST_TYPE = "application/vnd.apple.mpegurl"


def stream(clip_id: int, name: str) -> ResponseReturnValue:
    """Send one file of a clip's stream: a playlist (never cached) or a segment."""
    clip, key = clip_stream.stream_file(db(), current_user, clip_id, name)
    if not name.endswith(".m3u8"):
        # A segment's key names the video it belongs to (hls/, blurred-hls/), so a blur that
        # replaces the stream changes the key and with it the ETag: caches fetch it again.
        return serve_media(key, "video/mp4", presign=False)
    store = storage()
    if not store.exists(key):
        abort(404)
    with store.open(key) as handle:
        body = handle.read()
    response = current_app.response_class(body, mimetype=PLAYLIST_TYPE)
    # An EVENT playlist grows while the clip is processed: ask again every time.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if name == clip_stream.MASTER:
        return audited(response, lambda: audit_view(clip, "stream"))
    return response
