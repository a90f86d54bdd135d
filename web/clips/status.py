"""A clip's status as its pages poll it: processing, transcript and face blur, each with the
moving progress of its job read from the queue."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from redis.exceptions import RedisError

from service import policy
from service.clips import stream as clip_stream
from service.models import BlurStatus, Clip, ClipStatus, TranscriptStatus
from web.resources import redis, storage
from workers.queues import (
    BLUR_JOBS,
    PROCESSING_JOBS,
    STAGE_LABELS,
    TRANSCRIBE_JOBS,
    clip_progress,
)


def _progress(clip_id: int, kinds: tuple[str, ...] = PROCESSING_JOBS) -> dict[str, object]:
    """Return how far the clip's job of these kinds has got: still queued if Redis is down."""
    try:
        return clip_progress(redis(), clip_id, kinds)
    except RedisError:
        return {"stage": "queued", "stage_label": STAGE_LABELS["queued"], "progress": 0.0}


def _stream_url(clip: Clip) -> str:
    return url_for("clips.stream", clip_id=clip.id, name=clip_stream.MASTER)


def status_json(clip: Clip) -> dict[str, object]:
    """Describe where the clip has got: processing, then its transcript and its blur."""
    data: dict[str, object] = {
        "id": clip.id,
        "status": clip.status.value,
        "failure_reason": clip.failure_reason,
        "duration": clip.duration,
    }
    if clip.status == ClipStatus.READY:
        data.update(
            stage="done",
            stage_label="Ready",
            progress=1.0,
            video_url=url_for("clips.video", clip_id=clip.id),
            poster_url=url_for("clips.poster", clip_id=clip.id),
            stream_url=_stream_url(clip) if clip_stream.has_stream(storage(), clip) else None,
        )
    elif clip.status == ClipStatus.FAILED:
        data.update(stage="failed", stage_label="Could not be prepared", progress=1.0)
    else:
        data.update(_progress(clip.id))
        # Playable as far as it is done, while the rest is still being made.
        ready = float(data.pop("stream_seconds", 0.0) or 0.0)
        if (
            ready > 0
            and clip_stream.streams(clip)
            and not policy.video_withheld(current_user, clip)
        ):
            data.update(stream_url=_stream_url(clip), stream_seconds=ready)
    data["transcript"] = transcript_status_json(clip)
    data["blur"] = blur_status_json(clip)
    return data


def transcript_status_json(clip: Clip) -> dict[str, object]:
    """Describe the clip's transcript: state, progress, links, and what went wrong."""
    status = clip.transcript_status
    data: dict[str, object] = {"status": status.value if status else None}
    if status == TranscriptStatus.READY:
        data.update(
            url=url_for("clips.transcript", clip_id=clip.id),
            captions_url=(
                url_for("clips.captions", clip_id=clip.id) if clip.captions_key else None
            ),
        )
    elif status == TranscriptStatus.FAILED:
        data["failure_reason"] = clip.transcript_failure_reason
    elif status is not None:
        data.update(_progress(clip.id, TRANSCRIBE_JOBS))
    return data


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
        "owner": clip.owner.name,
    }
    checks = policy.can_review_blur(current_user, clip)
    if checks and status in (BlurStatus.REVIEW, BlurStatus.READY):
        # Where faces were found, for the uploader checking the blur (and touching it up).
        data["face_strip"] = clip.blur_face_strip
    if status == BlurStatus.REVIEW:
        label = "Ready for you to check" if checks else f"Waiting for {clip.owner.name}'s check"
        data.update(stage_label=label, progress=1.0, notice=clip.blur_failure_reason)
        if checks and clip.blur_review_video_key is not None:
            data["review_url"] = url_for("clips.blur_candidate", clip_id=clip.id)
    elif status == BlurStatus.READY:
        data.update(stage_label="Faces blurred", progress=1.0, notice=clip.blur_failure_reason)
    elif status == BlurStatus.FAILED:
        data.update(stage_label="Faces could not be blurred", failure=clip.blur_failure_reason)
    elif status is not None and clip.status != ClipStatus.READY:
        data.update(stage_label="Waiting for the clip to be prepared", progress=0.0)
    elif status is not None:
        moving = _progress(clip.id, BLUR_JOBS)
        data.update(stage_label=moving["stage_label"], progress=moving["progress"])
    return data
