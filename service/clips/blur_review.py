"""The uploader's check of a finished blur: watch it, add areas to blur, blur again, share it.

A finished blur waits in ``review`` (service.clips.blur) until the uploader confirms it; only
then does anyone else see the clip's video. The uploader can see where faces were found (the
clip's ``blur_face_strip``), and mark areas the blur missed: a rectangle of the picture from
one moment to another (a BlurRegion, in fractions of the upright picture). Every region of a
clip is blurred by each blur that follows; "blur again" asks for the blur once more with the
same face to keep. Adding and removing regions, and sharing, are written to the audit log.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.clips.blur import publish_blurred, request_blur
from service.clips.stream import retire_streams
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, BlurRegion, BlurStatus, Clip, User
from service.storage.base import Storage

log = logging.getLogger(__name__)

MAX_REGIONS = 200  # per clip
MIN_SIZE = 0.02  # a region's least width and height, as a fraction of the picture's
# A region may end this long after the clip's last frame (a rounded-up "to" time).
END_SLACK = 0.5
# The states in which the uploader has a blurred result in hand to touch up.
_TOUCHABLE = (BlurStatus.REVIEW, BlurStatus.READY, BlurStatus.FAILED)


@dataclass(frozen=True)
class RegionInput:
    """An area to blur as the uploader drew it: seconds, and fractions of the picture."""

    start: float
    end: float
    x0: float
    y0: float
    x1: float
    y1: float


def clock(seconds: float) -> str:
    """Write seconds as m:ss (m:ss.s between whole seconds), as the from/to fields show them."""
    tenths = max(0, math.floor(seconds * 10 + 1e-6))
    minutes, secs = divmod(tenths // 10, 60)
    return f"{minutes}:{secs:02d}" + (f".{tenths % 10}" if tenths % 10 else "")


def parse_clock(text: str) -> float:
    """Read a time typed as m:ss, m:ss.s, h:mm:ss or seconds; NaN when it is none of those."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(_decimal(p) for p in parts):
        return math.nan
    if any("." in p for p in parts[:-1]) or any(float(p) >= 60 for p in parts[1:]):
        return math.nan
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _decimal(text: str) -> bool:
    whole, _, fraction = text.partition(".")
    digits = whole + fraction
    return digits.isascii() and whole.isdigit() and (fraction == "" or fraction.isdigit())


def review_clip(session: Session, user: User, clip_id: int) -> Clip:
    """Return a clip whose blur the user checks and touches up (its uploader alone)."""
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_review_blur(user, clip):
        if clip.audio_only and clip.owner_id == user.id:
            raise InvalidInput("This clip is kept as sound only: it has no picture to blur.")
        raise Forbidden(
            "Only the teacher who recorded this clip checks its blurred video and chooses "
            "what else to blur."
        )
    return clip


def candidate(session: Session, user: User, clip_id: int) -> Clip:
    """Return the clip whose blurred video, waiting for a check, the user may watch."""
    clip = get_visible_clip(session, user, clip_id)
    if (
        not policy.can_view_original(user, clip)
        or clip.blur_status != BlurStatus.REVIEW
        or clip.blur_review_video_key is None
    ):
        raise NotFound(
            "We could not find that page. It may have been removed, or it is not shared with you."
        )
    return clip


def confirm_blur(
    session: Session, user: User, clip_id: int, *, ip: str = "", storage: Storage | None = None
) -> Clip:
    """Share the blurred video the uploader checked: from now on everybody watches it, and
    its stream; the unblurred stream is then deleted from ``storage``."""
    clip = review_clip(session, user, clip_id)
    if clip.blur_status != BlurStatus.REVIEW or clip.blur_review_video_key is None:
        raise InvalidInput(_not_in_review(clip))
    publish_blurred(clip, clip.blur_review_video_key, clip.blur_review_poster_key)
    clip.blur_status = BlurStatus.READY
    auditlog.record(
        session,
        user,
        AuditAction.CONFIRM_BLUR,
        clip_id=clip.id,
        subject_id=clip.owner_id,
        school_id=clip.school_id,
        detail=f"{clip.title}: blurred video checked and shared",
        ip=ip,
    )
    session.commit()
    log.info("user %s checked and shared the blurred video of clip %s", user.id, clip.id)
    if storage is not None:
        try:
            retire_streams(storage, clip)
        except Exception:  # shared all the same: a stream not shown is never served
            log.warning("clip %s: the unblurred stream could not be deleted yet", clip.id)
    return clip


def _not_in_review(clip: Clip) -> str:
    if clip.blur_status in (BlurStatus.REQUESTED, BlurStatus.PROCESSING):
        return "The video is being blurred again: check it once it is ready, then share it."
    if clip.blur_status == BlurStatus.READY:
        return "This blurred video is already shared."
    return "There is no blurred video waiting for your check."


def blur_again(session: Session, user: User, clip_id: int, *, ip: str = "") -> Clip:
    """Ask for the blur again, keeping the same face and blurring every region added."""
    clip = review_clip(session, user, clip_id)
    if clip.blur_status not in _TOUCHABLE:
        raise InvalidInput(
            "The video is already being blurred: add more areas once it is ready."
            if clip.blur_status in (BlurStatus.REQUESTED, BlurStatus.PROCESSING)
            else "Please ask for pupils' faces to be blurred first."
        )
    x, y, t = clip.blur_keep_x, clip.blur_keep_y, clip.blur_keep_t
    keep = (x, y, t) if x is not None and y is not None and t is not None else None
    return request_blur(session, user, clip_id, keep=keep, ip=ip)


def clip_regions(session: Session, clip_id: int) -> list[BlurRegion]:
    """List a clip's areas to blur, in the order they start."""
    query = select(BlurRegion).where(BlurRegion.clip_id == clip_id)
    return list(session.scalars(query.order_by(BlurRegion.start_s, BlurRegion.id)))


def regions_for(session: Session, user: User, clip_id: int) -> list[BlurRegion]:
    """List the areas to blur of a clip the user touches up (its uploader)."""
    return clip_regions(session, review_clip(session, user, clip_id).id)


def check_region(region: RegionInput, duration: float | None) -> None:
    """Check an area to blur, with a message a teacher can act on."""
    values = (region.start, region.end, region.x0, region.y0, region.x1, region.y1)
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
        raise InvalidInput(
            "Please drag a rectangle over the area to blur, and give the times it starts "
            "and ends as minutes and seconds, e.g. 1:05."
        )
    corners = (region.x0, region.y0, region.x1, region.y1)
    if not all(0.0 <= v <= 1.0 for v in corners):
        raise InvalidInput("Please draw the area on the picture itself: part of it is outside.")
    if region.x1 <= region.x0 or region.y1 <= region.y0:
        raise InvalidInput(
            "Please drag from one corner of the area to the opposite corner: the area has no "
            "width or no height."
        )
    if region.x1 - region.x0 < MIN_SIZE or region.y1 - region.y0 < MIN_SIZE:
        raise InvalidInput(
            f"That area is too small to blur: please drag a larger rectangle (at least "
            f"{MIN_SIZE:.0%} of the picture's width and height)."
        )
    if region.start < 0:
        raise InvalidInput("Please start the area at 0:00 or later.")
    if region.end <= region.start:
        raise InvalidInput(
            "Please end the area after it starts: the “to” time must be later than the “from” time."
        )
    if duration is not None and region.end > duration + END_SLACK:
        raise InvalidInput(f"Please end the area by {clock(duration)}, when the clip ends.")


def add_region(
    session: Session, user: User, clip_id: int, region: RegionInput, *, ip: str = ""
) -> BlurRegion:
    """Add an area to blur to the uploader's clip; it is blurred when the blur runs again."""
    clip = _touchable(session, user, clip_id)
    check_region(region, clip.duration)
    count = session.scalar(select(func.count(BlurRegion.id)).where(BlurRegion.clip_id == clip.id))
    if (count or 0) >= MAX_REGIONS:
        raise InvalidInput(
            f"A clip can have at most {MAX_REGIONS} areas to blur. Please remove some, or "
            "draw larger areas that cover several."
        )
    added = BlurRegion(
        clip_id=clip.id,
        start_s=float(region.start),
        end_s=float(region.end),
        x0=float(region.x0),
        y0=float(region.y0),
        x1=float(region.x1),
        y1=float(region.y1),
        created_by_id=user.id,
    )
    session.add(added)
    _audit(session, user, clip, f"added an area to blur, {_region_text(added)}", ip)
    session.commit()
    return added


def remove_region(
    session: Session, user: User, clip_id: int, region_id: int, *, ip: str = ""
) -> BlurRegion:
    """Remove one of the clip's areas to blur; the next blur leaves it as it is."""
    clip = _touchable(session, user, clip_id)
    region = session.get(BlurRegion, region_id)
    if region is None or region.clip_id != clip.id:
        raise NotFound("We could not find that area. It may have been removed already.")
    session.delete(region)
    _audit(session, user, clip, f"removed an area to blur, {_region_text(region)}", ip)
    session.commit()
    return region


def _touchable(session: Session, user: User, clip_id: int) -> Clip:
    clip = review_clip(session, user, clip_id)
    if clip.blur_status in (BlurStatus.REQUESTED, BlurStatus.PROCESSING):
        raise InvalidInput("The video is being blurred: change the areas to blur once it is ready.")
    if clip.blur_status is None:
        raise InvalidInput("Please ask for pupils' faces to be blurred first.")
    return clip


def _region_text(region: BlurRegion) -> str:
    return (
        f"{clock(region.start_s)}–{clock(region.end_s)} at {region.x0:.0%}–{region.x1:.0%} "
        f"across, {region.y0:.0%}–{region.y1:.0%} down"
    )


def _audit(session: Session, user: User, clip: Clip, what: str, ip: str) -> None:
    auditlog.record(
        session,
        user,
        AuditAction.BLUR_TOUCH_UP,
        clip_id=clip.id,
        subject_id=clip.owner_id,
        school_id=clip.school_id,
        detail=f"{clip.title}: {what}",
        ip=ip,
    )
    log.info("user %s on clip %s: %s", user.id, clip.id, what)
