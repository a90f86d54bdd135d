"""The uploader's check of a finished blur, on the clips blueprint: the blurred video waiting
for the check, areas to blur added and removed, "blur again", and sharing it.

The watch page's panel (templates/clips/_blur_review.html, static/blur/review.js) sends the
area as fractions of the picture and its from/to times as typed (m:ss).
"""

from __future__ import annotations

import math

from flask import flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.clips import blur_review
from service.models import AuditAction, BlurRegion, Clip
from web.auditing import audit_access, request_ip
from web.clips.blur import queue_blur
from web.clips.routes import audited, serve_media
from web.clips.status import blur_status_json
from web.errors import wants_json
from web.resources import db, storage


def region_json(region: BlurRegion) -> dict[str, object]:
    """Describe one area to blur for the page, with the link that removes it."""
    return {
        "id": region.id,
        "start": region.start_s,
        "end": region.end_s,
        "from": blur_review.clock(region.start_s),
        "to": blur_review.clock(region.end_s),
        "x0": region.x0,
        "y0": region.y0,
        "x1": region.x1,
        "y1": region.y1,
        "remove_url": url_for(
            "clips.remove_blur_region", clip_id=region.clip_id, region_id=region.id
        ),
    }


def review_panel(clip: Clip) -> dict[str, object]:
    """Return what the uploader's touch-up panel needs: its links and the areas to blur."""
    return {
        "candidate_url": url_for("clips.blur_candidate", clip_id=clip.id),
        "confirm_url": url_for("clips.confirm_blur", clip_id=clip.id),
        "again_url": url_for("clips.blur_again", clip_id=clip.id),
        "regions_url": url_for("clips.add_blur_region", clip_id=clip.id),
        "regions": [region_json(r) for r in blur_review.clip_regions(db(), clip.id)],
        "max_regions": blur_review.MAX_REGIONS,
    }


def review_helpers() -> dict[str, object]:
    """Give the watch page's touch-up panel what it needs."""
    return {
        "blur_review_panel": review_panel,
        "can_review_blur": lambda clip: policy.can_review_blur(current_user, clip),
    }


def _number(name: str) -> float:
    """Read a fraction from the form: NaN when missing or not a number (the use case says so)."""
    try:
        value = float(request.form.get(name, ""))
    except ValueError:
        return math.nan
    return value


def _regions_answer(clip_id: int, message: str, status: int = 200) -> ResponseReturnValue:
    regions = blur_review.regions_for(db(), current_user, clip_id)
    if wants_json():
        return jsonify(message=message, regions=[region_json(r) for r in regions]), status
    flash(message, "info")
    return redirect(url_for("clips.watch", clip_id=clip_id, _anchor="blur"))


def add_blur_region(clip_id: int) -> ResponseReturnValue:
    """Add an area to blur (a rectangle, from one time to another) to the uploader's clip."""
    form = request.form
    wanted = blur_review.RegionInput(
        start=blur_review.parse_clock(form.get("from", "")),
        end=blur_review.parse_clock(form.get("to", "")),
        x0=_number("x0"),
        y0=_number("y0"),
        x1=_number("x1"),
        y1=_number("y1"),
    )
    region = blur_review.add_region(db(), current_user, clip_id, wanted, ip=request_ip())
    message = (
        f"Added an area to blur from {blur_review.clock(region.start_s)} to "
        f"{blur_review.clock(region.end_s)}. Blur again to apply it."
    )
    return _regions_answer(clip_id, message, 201)


def remove_blur_region(clip_id: int, region_id: int) -> ResponseReturnValue:
    """Remove one of the clip's areas to blur."""
    region = blur_review.remove_region(db(), current_user, clip_id, region_id, ip=request_ip())
    message = (
        f"Removed the area from {blur_review.clock(region.start_s)} to "
        f"{blur_review.clock(region.end_s)}."
    )
    return _regions_answer(clip_id, message)


def blur_again(clip_id: int) -> ResponseReturnValue:
    """Blur the clip again from its unblurred video, with every area to blur added."""
    clip = blur_review.blur_again(db(), current_user, clip_id, ip=request_ip())
    queue_blur(clip)
    if wants_json():
        return jsonify(blur=blur_status_json(clip)), 202
    flash("Blurring again with your additions. Check the result here when it is ready.", "info")
    return redirect(url_for("clips.watch", clip_id=clip.id))


def confirm_blur(clip_id: int) -> ResponseReturnValue:
    """Share the blurred video the uploader checked with everyone who may see the clip."""
    clip = blur_review.confirm_blur(db(), current_user, clip_id, ip=request_ip(), storage=storage())
    if wants_json():
        return jsonify(blur=blur_status_json(clip))
    flash("The blurred video is shared: everyone who may see this clip now watches it.", "info")
    return redirect(url_for("clips.watch", clip_id=clip.id))


def blur_candidate(clip_id: int) -> ResponseReturnValue:
    """Stream the blurred video waiting for its uploader's check, to the uploader alone."""
    clip = blur_review.candidate(db(), current_user, clip_id)
    response = serve_media(clip.blur_review_video_key, "video/mp4")
    detail = f"blurred video to check of {clip.title}"
    return audited(response, lambda: audit_access(clip, AuditAction.VIEW_BLUR_REVIEW, detail))
