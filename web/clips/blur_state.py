"""What the watch page shows of a clip's face blur: its state as JSON, and the panel's flags."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from redis.exceptions import RedisError

from service import blur, policy
from service.models import BlurStatus, Clip, ClipStatus
from web.resources import db, redis
from workers.queues import BLUR_JOBS, STAGE_LABELS, clip_progress


def blur_status_json(clip: Clip) -> dict[str, object]:
    """Describe the clip's blur for the signed-in user: state, progress, and what went wrong."""
    status = clip.blur_status
    data: dict[str, object] = {
        "status": status.value if status else None,
        "stage_label": None,
        "progress": None,
        "failure": None,
        "notice": None,
        "withheld": policy.video_withheld(current_user, clip),
    }
    if status == BlurStatus.READY:
        data.update(stage_label="Faces blurred", progress=1.0, notice=clip.blur_failure_reason)
    elif status == BlurStatus.FAILED:
        data.update(stage_label="Faces could not be blurred", failure=clip.blur_failure_reason)
    elif status is not None and clip.status != ClipStatus.READY:
        data.update(stage_label="Waiting for the clip to be prepared", progress=0.0)
    elif status is not None:
        try:
            moving = clip_progress(redis(), clip.id, BLUR_JOBS)
        except RedisError:
            moving = {"stage_label": STAGE_LABELS["queued"], "progress": 0.0}
        data.update(stage_label=moving["stage_label"], progress=moving["progress"])
    return data


def blur_panel(clip: Clip) -> dict[str, object]:
    """The flags and links the watch page's blur panel needs."""
    session = db()
    has_original = (
        policy.can_view_original(current_user, clip)
        and clip.unblurred_video_key is not None
        and blur.unblurred_keys(clip)[0] is not None
    )
    return {
        "state": blur_status_json(clip),
        "can_request": clip.status != ClipStatus.FAILED
        and policy.can_request_blur(session, current_user, clip),
        "is_uploader": policy.can_view_original(current_user, clip),
        "has_original": has_original,
        "request_url": url_for("clips.request_blur", clip_id=clip.id),
        "original_url": url_for("clips.original", clip_id=clip.id),
    }
