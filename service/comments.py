"""Use cases for time-stamped feedback on clips."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.clips import get_visible_clip
from service.errors import Forbidden, InvalidInput
from service.models import ClipStatus, Comment, User

MAX_COMMENT = 5000


def add_comment(
    session: Session, user: User, clip_id: int, *, at_seconds: float, body: str
) -> Comment:
    """Add time-stamped feedback to a clip the user may comment on."""
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_comment(session, user, clip):
        raise Forbidden("You can watch this clip but not comment on it.")
    if clip.status != ClipStatus.READY:
        raise InvalidInput("You can comment once the clip is ready to watch.")
    text = body.strip()
    if not text:
        raise InvalidInput("Please write a comment first.")
    if len(text) > MAX_COMMENT:
        raise InvalidInput(f"Please keep a comment under {MAX_COMMENT} characters.")
    if at_seconds != at_seconds or at_seconds < 0:  # NaN or negative
        raise InvalidInput("The comment's time must be a moment in the clip.")
    if clip.duration is not None and at_seconds > clip.duration + 0.5:
        raise InvalidInput("The comment's time is after the end of the clip.")
    comment = Comment(
        clip_id=clip.id, author_id=user.id, at_seconds=round(at_seconds, 2), body=text
    )
    session.add(comment)
    session.commit()
    return comment


def clip_comments(session: Session, user: User, clip_id: int) -> list[Comment]:
    """List a visible clip's comments in time order."""
    clip = get_visible_clip(session, user, clip_id)
    query = (
        select(Comment).where(Comment.clip_id == clip.id).order_by(Comment.at_seconds, Comment.id)
    )
    return list(session.scalars(query))
