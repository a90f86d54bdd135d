"""Face blurring: asking for it, and the worker's transitions of a clip's blur state.

The blur is a stage after processing: ``requested -> processing -> review -> ready`` (or
``failed``). A finished blur waits in ``review`` for the uploader to check it
(service.clips.blur_review), unless the school lets blurs go without that check; until then
its video and poster are ``blur_review_video_key`` and ``blur_review_poster_key``, and
nobody else sees the clip's video. Once shared, the blurred rendition becomes the clip's
``video_key`` and ``poster_key``, which everybody watches; the first blur moves the unblurred
ones to ``unblurred_video_key`` and ``unblurred_poster_key``, seen by the uploader alone until
the retention policy removes them. A later blur (another face chosen to keep, touch-ups added)
starts again from the unblurred rendition and is written beside the one being shown. When the
face to keep was not found, the blur still succeeds (every face is blurred) and
``blur_failure_reason`` carries a notice saying so.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, BlurRegion, BlurStatus, Clip, ClipStatus, User
from service.storage.keys import blur_keys

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


def _regions_text(session: Session, clip_id: int) -> str:
    count = session.scalar(select(func.count(BlurRegion.id)).where(BlurRegion.clip_id == clip_id))
    if not count:
        return ""
    return f", with {count} area{'s' if count != 1 else ''} to blur as well"


def request_blur(
    session: Session,
    user: User,
    clip_id: int,
    *,
    keep: tuple[float, float, float] | None = None,
    ip: str = "",
) -> Clip:
    """Ask for the clip's faces to be blurred, optionally keeping one face (the teacher's).

    The clip's video is withheld from everyone but the uploader until the blur is done (and,
    unless the school says otherwise, checked by the uploader). The caller queues the blur
    job when the clip is ready (processing queues it otherwise).
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
    if clip.video_key is not None and unblurred_keys(clip)[0] is None:
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
        detail=f"{clip.title}: {_keep_text(keep)}{_regions_text(session, clip.id)}",
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
    if clip.video_key in blur_keys(clip.id):
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
    session: Session,
    clip_id: int,
    *,
    video: str,
    poster: str | None,
    notice: str | None = None,
    face_strip: Sequence[int] | None = None,
) -> Clip | None:
    """Record a finished blur: for the uploader to check, or shared where the school allows.

    ``face_strip`` counts the faces blurred in each whole second. A blur asked for again while
    this one ran stays ``requested``, so the newer choice is blurred next; until then this
    blurred rendition waits for the uploader (or is shown, where no check is asked for).
    """
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    clip.blur_face_strip = list(face_strip) if face_strip is not None else None
    shared = clip.school.blur_without_review
    if shared:
        publish_blurred(clip, video, poster)
    else:
        clip.blur_review_video_key, clip.blur_review_poster_key = video, poster
    if clip.blur_status != BlurStatus.REQUESTED:
        clip.blur_status = BlurStatus.READY if shared else BlurStatus.REVIEW
        clip.blur_failure_reason = notice
    session.commit()
    return clip


def publish_blurred(clip: Clip, video: str, poster: str | None) -> None:
    """Make a blurred rendition the one everybody watches; keep the unblurred one aside.

    The caller sets the blur's state and commits.
    """
    if clip.unblurred_video_key is None and clip.video_key not in blur_keys(clip.id):
        clip.unblurred_video_key = clip.video_key
        clip.unblurred_poster_key = clip.poster_key
    clip.video_key = video
    clip.poster_key = poster
    clip.blur_review_video_key = None
    clip.blur_review_poster_key = None


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
