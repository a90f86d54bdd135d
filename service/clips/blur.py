"""Face blurring: asking for it, and the worker's transitions of a clip's blur state.

The blur is a stage after processing: the blurred rendition becomes the clip's ``video_key``
and ``poster_key``, which everybody watches; the first blur moves the unblurred ones to
``unblurred_video_key`` and ``unblurred_poster_key``, seen by the uploader alone until the
retention policy removes them. A later blur (another face chosen to keep) starts again from
the unblurred rendition. When the face to keep was not found, the blur still succeeds (every
face is blurred) and ``blur_failure_reason`` carries a notice saying so.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, BlurStatus, Clip, ClipStatus, User
from service.storage.keys import blur_key

log = logging.getLogger(__name__)

# The states from which a blur job should (still) run.
_RUNNABLE = (BlurStatus.REQUESTED, BlurStatus.PROCESSING, BlurStatus.FAILED)


def check_keep(keep: tuple[float, float, float] | None, duration: float | None) -> None:
    """Check a face-to-keep point: fractions of the picture's width and height, and seconds."""
    if keep is None:
        return
    x, y, t = keep
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in (x, y, t)):
        raise InvalidInput(
            "To keep the teacher's face clear, pause the video where their face can be "
            "seen and click the middle of it."
        )
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise InvalidInput("Please click on the picture itself to choose the face to keep clear.")
    if t < 0 or (duration is not None and t > duration + 0.5):
        raise InvalidInput(
            "Please pause the video at a moment inside the clip, then click the face to keep."
        )


def _keep_text(keep: tuple[float, float, float] | None) -> str:
    if keep is None:
        return "every face"
    x, y, t = keep
    minutes, seconds = divmod(int(t), 60)
    return f"keeping the face at {x:.0%} across, {y:.0%} down, {minutes}:{seconds:02d}"


def request_blur(
    session: Session,
    user: User,
    clip_id: int,
    *,
    keep: tuple[float, float, float] | None = None,
    ip: str = "",
) -> Clip:
    """Ask for the clip's faces to be blurred, optionally keeping one face (the teacher's).

    The clip's video is withheld from everyone but the uploader until the blur is done. The
    caller queues the blur job when the clip is ready (processing queues it otherwise).
    """
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_request_blur(session, user, clip):
        if clip.audio_only and policy.can_comment(session, user, clip):
            raise InvalidInput("This clip is kept as sound only: it has no picture to blur.")
        raise Forbidden(
            "Only the teacher who recorded this clip and their mentor can ask for faces "
            "to be blurred."
        )
    if clip.status == ClipStatus.FAILED:
        raise InvalidInput("This clip could not be prepared, so there is no video to blur.")
    if clip.blur_status == BlurStatus.READY and clip.unblurred_video_key is None:
        raise InvalidInput(
            "The unblurred original of this clip has been deleted under the school's "
            "retention policy, so it cannot be blurred again."
        )
    check_keep(keep, clip.duration)
    clip.blur_status = BlurStatus.REQUESTED
    clip.blur_requested_by_id = user.id
    clip.blur_failure_reason = None
    clip.blur_keep_x, clip.blur_keep_y, clip.blur_keep_t = keep or (None, None, None)
    auditlog.record(
        session,
        user,
        AuditAction.REQUEST_BLUR,
        clip_id=clip.id,
        subject_id=clip.owner_id,
        school_id=clip.school_id,
        detail=f"{clip.title}: {_keep_text(keep)}",
        ip=ip,
    )
    session.commit()
    log.info("user %s asked for clip %s to be blurred (%s)", user.id, clip.id, _keep_text(keep))
    return clip


def unblurred_video(session: Session, user: User, clip_id: int) -> Clip:
    """Return the clip whose unblurred rendition the user may watch (the uploader alone)."""
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_view_original(user, clip) or clip.status != ClipStatus.READY:
        raise NotFound(
            "We could not find that page. It may have been removed, or it is not shared with you."
        )
    return clip


def unblurred_keys(clip: Clip) -> tuple[str | None, str | None]:
    """Return the keys of the unblurred video and poster (the playable ones, if never blurred)."""
    if clip.unblurred_video_key is not None:
        return clip.unblurred_video_key, clip.unblurred_poster_key
    if clip.video_key == blur_key(clip.id):
        return None, None  # blurred, and the unblurred rendition has been deleted
    return clip.video_key, clip.poster_key


def mark_blurring(session: Session, clip_id: int) -> Clip | None:
    """Move a clip's blur into ``processing``; None when there is nothing to blur now.

    Nothing to blur: the clip is gone, not playable yet (processing queues the blur when it
    is), sound only, never asked to be blurred, or already blurred (a re-run is a no-op).
    """
    clip = session.get(Clip, clip_id)
    if clip is None or clip.status != ClipStatus.READY or clip.audio_only:
        return None
    if clip.blur_status not in _RUNNABLE or clip.video_key is None:
        return None
    clip.blur_status = BlurStatus.PROCESSING
    clip.blur_failure_reason = None
    session.commit()
    return clip


def mark_blurred(
    session: Session, clip_id: int, *, video: str, poster: str | None, notice: str | None = None
) -> Clip | None:
    """Make the blurred rendition the one everybody watches; keep the unblurred one aside.

    A blur asked for again while this one ran stays ``requested``, so the newer choice of
    face to keep is blurred next; until then this blurred rendition is shown.
    """
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    if clip.unblurred_video_key is None and clip.video_key != video:
        clip.unblurred_video_key = clip.video_key
        clip.unblurred_poster_key = clip.poster_key
    clip.video_key = video
    clip.poster_key = poster
    if clip.blur_status != BlurStatus.REQUESTED:
        clip.blur_status = BlurStatus.READY
        clip.blur_failure_reason = notice
    session.commit()
    return clip


def mark_blur_failed(session: Session, clip_id: int, reason: str) -> Clip | None:
    """Record that faces could not be blurred, with a reason a teacher can read."""
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    clip.blur_status = BlurStatus.FAILED
    clip.blur_failure_reason = reason
    session.commit()
    return clip


def unfinished_blurs(session: Session, *, not_touched_since: datetime) -> list[Clip]:
    """List playable clips whose blur is waiting or running and that nothing touched lately."""
    query = (
        select(Clip)
        .where(
            Clip.status == ClipStatus.READY,
            Clip.blur_status.in_([BlurStatus.REQUESTED, BlurStatus.PROCESSING]),
            Clip.updated_at < not_touched_since,
        )
        .order_by(Clip.id)
    )
    return list(session.scalars(query))
