"""Face blurring on the clips blueprint: ask for a blur, and the uploader's unblurred original.

The watch page's panel (templates/clips/_blur.html, static/blur.js) follows the blur through
the clip's status JSON and sends the face to keep as fractions of the picture; the uploader's
check of a finished blur is web.clips.blur_review.
"""

from __future__ import annotations

import math

from flask import flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.clips import blur
from service.models import AuditAction, BlurStatus, Clip, ClipStatus
from web.auditing import audit_access, request_ip
from web.clips.routes import audited, serve_media
from web.clips.status import blur_status_json
from web.errors import wants_json
from web.resources import db, redis, settings
from workers.queues import enqueue_or_leave_to_sweeper, stale_window


def blur_panel(clip: Clip) -> dict[str, object]:
    """Return the flags and links the watch page's blur panel needs."""
    # While a first blur waits for the check, the playable video is still the unblurred one.
    has_original = (
        policy.can_view_original(current_user, clip)
        and (clip.unblurred_video_key is not None or clip.blur_status == BlurStatus.REVIEW)
        and blur.unblurred_keys(clip)[0] is not None
    )
    return {
        "state": blur_status_json(clip),
        "can_request": clip.status != ClipStatus.FAILED
        and policy.can_request_blur(db(), current_user, clip),
        "is_uploader": policy.can_view_original(current_user, clip),
        "can_review": policy.can_review_blur(current_user, clip),
        "has_original": has_original,
        "request_url": url_for("clips.request_blur", clip_id=clip.id),
        "original_url": url_for("clips.original", clip_id=clip.id),
    }


def blur_helpers() -> dict[str, object]:
    """Give the watch page's blur panel what it needs."""
    return {"blur_panel": blur_panel}


def withheld_helper() -> dict[str, object]:
    """Let any page ask whether a clip's video is withheld from the signed-in user."""
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
    # The request is recorded: if Redis is down, the sweeper queues the blur.
    enqueue_or_leave_to_sweeper(
        redis(), "blur", clip.id, clip.duration, stale_after=stale_window(settings())
    )


def request_blur(clip_id: int) -> ResponseReturnValue:
    """Ask for pupils' faces in a clip to be blurred, keeping one face if chosen."""
    clip = blur.request_blur(db(), current_user, clip_id, keep=_keep(), ip=request_ip())
    queue_blur(clip)
    if wants_json():
        return jsonify(blur=blur_status_json(clip)), 202
    flash("Pupils' faces will be blurred. The blurred video replaces this one when ready.", "info")
    return redirect(url_for("clips.watch", clip_id=clip.id))


def original(clip_id: int) -> ResponseReturnValue:
    """Stream the unblurred original of a clip to its uploader."""
    clip = blur.unblurred_video(db(), current_user, clip_id)
    key, _poster = blur.unblurred_keys(clip)
    response = serve_media(key, "video/mp4")
    # Any range counts (a player may start at the end of the file), once per window.
    detail = f"unblurred video of {clip.title}"
    return audited(response, lambda: audit_access(clip, AuditAction.VIEW_ORIGINAL, detail))
