"""Sound-only clips: for classes a school records as sound only, a clip keeps its sound and its
transcript, and no video outlives processing (workers.audio_only makes the sound file)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.models import Clip, ClipStatus, TranscriptStatus, utcnow

METHOD = "audio_only"  # the clip's processing_method once its sound is kept alone


def audio_key(clip_id: int) -> str:
    """Return the storage key of a sound-only clip's playable .m4a."""
    return f"clips/{clip_id}/audio.m4a"


def mark_sound_only_ready(
    session: Session, clip_id: int, *, audio: str, duration: float
) -> Clip | None:
    """Record a sound-only clip's .m4a as its playable file, with its original deleted."""
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    now = utcnow()
    clip.status = ClipStatus.READY
    clip.failure_reason = None
    clip.video_key = audio
    clip.poster_key = None
    clip.duration = duration
    clip.width = clip.height = None
    clip.processing_method = METHOD
    clip.ready_at = now
    if clip.original_deleted_at is None:
        clip.original_deleted_at = now
    if clip.transcript_status is None:
        clip.transcript_status = TranscriptStatus.PENDING
        clip.transcript_updated_at = now
    session.commit()
    return clip
