"""Counts of clips by processing, transcript and face-blur state (``coachreel status``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from service.models import BlurStatus, Clip, ClipStatus, TranscriptStatus

WAITING = (ClipStatus.UPLOADED, ClipStatus.PROCESSING)
TRANSCRIPT_WAITING = (TranscriptStatus.PENDING, TranscriptStatus.PROCESSING)


@dataclass(frozen=True)
class WaitingClip:
    """The clip that has waited longest for a worker."""

    id: int
    state: str  # "uploaded", "processing", or "transcript pending" / "transcript processing"
    since: datetime


def clip_state_counts(session: Session) -> dict[str, int]:
    """Count clips in each processing state (every state named, zero included)."""
    counts = dict.fromkeys((s.value for s in ClipStatus), 0)
    rows = session.execute(select(Clip.status, func.count()).group_by(Clip.status))
    for status, count in rows:
        counts[ClipStatus(status).value] = count
    return counts


def transcript_state_counts(session: Session) -> dict[str, int]:
    """Count playable clips in each transcript state (every state named, zero included)."""
    counts = dict.fromkeys((s.value for s in TranscriptStatus), 0)
    query = (
        select(Clip.transcript_status, func.count())
        .where(Clip.transcript_status.is_not(None))
        .group_by(Clip.transcript_status)
    )
    for status, count in session.execute(query):
        counts[TranscriptStatus(status).value] = count
    return counts


def blur_state_counts(session: Session) -> dict[str, int]:
    """Count clips in each face-blur state (every state named, zero included)."""
    counts = dict.fromkeys((s.value for s in BlurStatus), 0)
    query = (
        select(Clip.blur_status, func.count())
        .where(Clip.blur_status.is_not(None))
        .group_by(Clip.blur_status)
    )
    for status, count in session.execute(query):
        counts[BlurStatus(status).value] = count
    return counts


def oldest_waiting_clip(session: Session) -> WaitingClip | None:
    """Return the oldest clip still waiting to be made playable or transcribed, if any."""
    clip = session.scalar(
        select(Clip)
        .where(
            or_(
                Clip.status.in_(WAITING),
                (Clip.status == ClipStatus.READY) & Clip.transcript_status.in_(TRANSCRIPT_WAITING),
            )
        )
        .order_by(Clip.created_at, Clip.id)
        .limit(1)
    )
    if clip is None:
        return None
    if clip.status in WAITING:
        state = clip.status.value
    else:
        state = f"transcript {clip.transcript_status.value}"  # type: ignore[union-attr]
    return WaitingClip(clip.id, state, clip.created_at)
