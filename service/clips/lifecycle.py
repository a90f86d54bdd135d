"""A clip's processing state machine: uploaded -> processing -> ready | failed, as the
workers move it, and the clips the sweeper finds stuck."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import (
    Clip,
    ClipStatus,
    TranscriptStatus,
    utcnow,
)
from service.notify import events

# The processing_method of a clip from a sound-only class: its sound alone is kept, as an .m4a
# (workers.sound_only makes it), and no video outlives processing.
SOUND_ONLY_METHOD = "audio_only"


def mark_processing(session: Session, clip_id: int) -> Clip | None:
    """Move a clip into ``processing`` (again, if a run is retried); None if it is gone."""
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    clip.status = ClipStatus.PROCESSING
    clip.failure_reason = None
    clip.attempts += 1
    session.commit()
    return clip


def record_duration(session: Session, clip_id: int, duration: float) -> None:
    """Remember a clip's duration as soon as it is known (it sizes the processing timeout)."""
    clip = session.get(Clip, clip_id)
    if clip is not None:
        clip.duration = duration
        session.commit()


def mark_ready(
    session: Session,
    clip_id: int,
    *,
    video: str,
    poster: str | None,
    duration: float,
    width: int | None,
    height: int | None,
    method: str,
    original_deleted: bool = False,
) -> Clip | None:
    """Record a clip's playable outputs; the clip becomes watchable.

    A sound-only clip (service.clips.sound_only) is ready with its .m4a as ``video``, no
    poster and no picture size, and its original already deleted (``original_deleted``).
    """
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    now = utcnow()
    clip.status = ClipStatus.READY
    clip.failure_reason = None
    clip.video_key = video
    clip.poster_key = poster
    clip.duration = duration
    clip.width = width
    clip.height = height
    clip.processing_method = method
    clip.ready_at = now
    if original_deleted and clip.original_deleted_at is None:
        clip.original_deleted_at = now
    if clip.transcript_status is None:
        clip.transcript_status = TranscriptStatus.PENDING
        clip.transcript_updated_at = now
    events.clip_ready(session, clip)  # the mentor hears of it when there is something to watch
    session.commit()
    return clip


def mark_failed(session: Session, clip_id: int, reason: str) -> Clip | None:
    """Record that a clip could not be processed, with a reason a teacher can read."""
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    clip.status = ClipStatus.FAILED
    clip.failure_reason = reason
    session.commit()
    return clip


def unfinished_clips(session: Session, *, not_touched_since: datetime) -> list[Clip]:
    """List clips still waiting for processing that nothing has touched for a while."""
    query = (
        select(Clip)
        .where(
            Clip.status.in_([ClipStatus.UPLOADED, ClipStatus.PROCESSING]),
            Clip.updated_at < not_touched_since,
        )
        .order_by(Clip.id)
    )
    return list(session.scalars(query))
