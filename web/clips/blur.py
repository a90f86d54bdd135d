"""Face blurring on the clips blueprint: ask for a blur, and the uploader's unblurred original.

The watch page's panel (templates/clips/_blur.html, static/blur.js) follows the blur through
the clip's status JSON and sends the face to keep as fractions of the picture.
"""

from __future__ import annotations

import logging
import math

from flask import flash, jsonify, redirect, request, url_for
from flask_login import current_user
from redis.exceptions import RedisError

from service import blur, policy
from service.models import AuditAction, Clip, ClipStatus
from web.auditing import audit, request_ip
from web.clips.blueprint import bp
from web.clips.blur_state import blur_panel, blur_status_json
from web.clips.routes import _serve
from web.errors import wants_json
from web.resources import db, redis
from workers.queues import enqueue_blur

log = logging.getLogger(__name__)


@bp.context_processor
def _blur_helpers() -> dict[str, object]:
    return {"blur_panel": blur_panel}


@bp.app_context_processor
def _withheld() -> dict[str, object]:
    # Any page showing a clip's poster or video asks this first (the routes answer 404).
    return {"video_withheld": lambda clip: policy.video_withheld(current_user, clip)}


def _number(name: str) -> float:
    """Read a number from the form: NaN when missing or not a number (the use case says so)."""
    try:
        return float(request.form.get(name, ""))
    except ValueError:
        return math.nan


def _keep() -> tuple[float, float, float] | None:
    names = ("keep_x", "keep_y", "keep_t")
    if not any((request.form.get(name) or "").strip() for name in names):
        return None
    x, y, t = (_number(name) for name in names)
    return x, y, t


def queue_blur(clip: Clip) -> None:
    """Queue a requested blur of a playable clip (processing queues it for one still coming)."""
    if clip.status != ClipStatus.READY:
        return
    try:
        enqueue_blur(redis(), clip.id, clip.duration)
    except RedisError:
        # The request is recorded; the sweeper will queue the blur.
        log.exception("could not queue the blur of clip %s; the sweeper will", clip.id)


@bp.post("/<int:clip_id>/blur")
def request_blur(clip_id: int):  # noqa: ANN201
    clip = blur.request_blur(db(), current_user, clip_id, keep=_keep(), ip=request_ip())
    queue_blur(clip)
    if wants_json():
        return jsonify(blur=blur_status_json(clip)), 202
    flash("Pupils' faces will be blurred. The blurred video replaces this one when ready.", "info")
    return redirect(url_for("clips.watch", clip_id=clip.id))


@bp.get("/<int:clip_id>/original")
def original(clip_id: int):  # noqa: ANN201
    clip = blur.unblurred_video(db(), current_user, clip_id)
    key, _poster = blur.unblurred_keys(clip)
    if request.range is None or request.range.ranges[0][0] == 0:
        # A player's first request of a page view; the rest are range requests.
        audit(
            AuditAction.VIEW_ORIGINAL,
            clip_id=clip.id,
            subject_id=clip.owner_id,
            detail=f"unblurred video of {clip.title}",
        )
    return _serve(key, "video/mp4")
