"""Use cases for clips: upload, processing state, listing, and comments."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import policy, privacy
from service.errors import Forbidden, InvalidInput, NotFound, TooLarge
from service.models import (
    BlurStatus,
    Clip,
    ClipKind,
    ClipStatus,
    ConsentState,
    LawfulBasis,
    Role,
    TranscriptStatus,
    UploadSession,
    User,
    utcnow,
)
from service.storage import Storage

log = logging.getLogger(__name__)

MAX_TITLE = 200
DEFAULT_QUOTA = 25 * 1024**3  # the USER_QUOTA default; callers pass the configured quota


@dataclass(frozen=True)
class UploadDetails:
    """What the uploader says about a clip."""

    kind: ClipKind
    title: str
    recorded_on: date
    filename: str
    step_id: int | None = None  # a rehearsal's action step
    # The consent register and privacy choices (service.privacy); blur_faces None: the default.
    class_id: int | None = None
    lawful_basis: LawfulBasis = LawfulBasis.PUBLIC_TASK
    consent_state: ConsentState = ConsentState.NOT_RECORDED
    recorded_by: str = ""
    blur_faces: bool | None = None


def original_key(clip_id: int) -> str:
    return f"clips/{clip_id}/original"


def video_key(clip_id: int) -> str:
    return f"clips/{clip_id}/video.mp4"


def poster_key(clip_id: int) -> str:
    return f"clips/{clip_id}/poster.jpg"


def school_for_upload(user: User, kind: ClipKind) -> int:
    role = Role.MENTOR if kind == ClipKind.MODEL else Role.ECT
    school_ids = [m.school_id for m in user.memberships if m.role == role and m.school_id]
    if not school_ids:
        raise Forbidden("You cannot upload this kind of clip.")
    return school_ids[0]


def check_details(
    session: Session, user: User, details: UploadDetails
) -> tuple[str, int | None, int | None]:
    """Check what the uploader says about a clip; return (title, step id, attempt number)."""
    if details.kind not in policy.upload_kinds(user):
        raise Forbidden("You cannot upload this kind of clip.")
    title = details.title.strip()
    if not title:
        raise InvalidInput("Please give the clip a title.")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"Please keep the title under {MAX_TITLE} characters.")
    if details.recorded_on > date.today() + timedelta(days=1):
        raise InvalidInput("The date recorded cannot be in the future.")
    step_id = attempt = None
    if details.step_id is not None:
        if details.kind != ClipKind.REHEARSAL:
            raise InvalidInput("Only rehearsals are linked to an action step.")
        from service.coaching import rehearsal_step  # coaching builds on clips

        step_id, attempt = rehearsal_step(session, user, details.step_id)
    return title, step_id, attempt


def used_bytes(session: Session, user_id: int) -> int:
    """Count a user's clip storage: their clips' originals and their uploads in progress."""
    clips_total = session.scalar(
        select(func.coalesce(func.sum(Clip.original_size), 0)).where(Clip.owner_id == user_id)
    )
    open_total = session.scalar(
        select(func.coalesce(func.sum(UploadSession.length), 0)).where(
            UploadSession.owner_id == user_id
        )
    )
    return int(clips_total or 0) + int(open_total or 0)


def quota_message(quota_bytes: int) -> str:
    """Say, in words a teacher can act on, that an upload would pass their storage quota."""
    return (
        f"This upload would take you past your {size_text(quota_bytes)} of clip storage. "
        "Please ask your induction coordinator to remove clips you no longer need, "
        "then try again."
    )


def size_text(size: int) -> str:
    """Write a byte count the way people read it (25 GB, 350 MB, 1.5 GB)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.0f}" if unit == "bytes" or value >= 100 else f"{value:.1f}"
            return f"{text.removesuffix('.0')} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def register_upload(
    session: Session,
    storage: Storage,
    user: User,
    details: UploadDetails,
    stream: BinaryIO,
    *,
    max_bytes: int,
    quota_bytes: int = DEFAULT_QUOTA,
) -> Clip:
    """Store an uploaded original and record the clip as ``uploaded``, ready for processing."""
    title, step_id, attempt = check_details(session, user, details)
    school_id = school_for_upload(user, details.kind)
    chosen = privacy.upload_privacy(session, user, school_id, details)
    room = quota_bytes - used_bytes(session, user.id)
    if room <= 0:
        raise TooLarge(quota_message(quota_bytes))

    clip = Clip(
        owner_id=user.id,
        school_id=school_id,
        kind=details.kind,
        title=title,
        recorded_on=details.recorded_on,
        status=ClipStatus.UPLOADED,
        original_key="",
        original_filename=details.filename[:300] or "upload",
        original_size=0,
        step_id=step_id,
        attempt=attempt,
        class_id=chosen.class_id,
        lawful_basis=chosen.lawful_basis,
        consent_state=chosen.consent_state,
        recorded_by=chosen.recorded_by,
        audio_only=chosen.audio_only,
    )
    if chosen.consent_state != ConsentState.NOT_RECORDED:
        clip.consent_updated_by_id, clip.consent_updated_at = user.id, utcnow()
    if chosen.blur:
        # The blur worker's sweeper picks REQUESTED clips up once they are playable.
        clip.blur_status, clip.blur_requested_by_id = BlurStatus.REQUESTED, user.id
    session.add(clip)
    session.flush()  # the id names the storage key
    key = original_key(clip.id)
    try:
        try:
            size = storage.put_stream(key, stream, max_bytes=min(max_bytes, room))
        except TooLarge:
            if room < max_bytes:
                raise TooLarge(quota_message(quota_bytes)) from None
            raise
        if size == 0:
            raise InvalidInput("The file is empty. Please choose the video file again.")
        clip.original_key = key
        clip.original_size = size
        session.commit()
    except BaseException:
        session.rollback()
        storage.delete(key)
        raise
    log.info("clip %s uploaded by user %s (%d bytes)", clip.id, user.id, size)
    return clip


def get_visible_clip(session: Session, user: User, clip_id: int) -> Clip:
    """Return the clip if the user may see it; otherwise it does not exist for them."""
    clip = session.scalar(select(Clip).where(Clip.id == clip_id, policy.clip_visibility(user)))
    if clip is None:
        raise NotFound(
            "We could not find that clip. It may have been removed, or it is not shared with you."
        )
    return clip


def visible_clips(session: Session, user: User, *, limit: int = 200) -> list[Clip]:
    """List the clips the user may see, newest first."""
    query = (
        select(Clip)
        .where(policy.clip_visibility(user))
        .order_by(Clip.created_at.desc(), Clip.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


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
    poster: str,
    duration: float,
    width: int,
    height: int,
    method: str,
) -> Clip | None:
    """Record a clip's playable outputs; the clip becomes watchable."""
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    clip.status = ClipStatus.READY
    clip.failure_reason = None
    clip.video_key = video
    clip.poster_key = poster
    clip.duration = duration
    clip.width = width
    clip.height = height
    clip.processing_method = method
    clip.ready_at = utcnow()
    if clip.transcript_status is None:
        clip.transcript_status = TranscriptStatus.PENDING
        clip.transcript_updated_at = utcnow()
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
