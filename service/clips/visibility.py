"""Which clips a user may watch: one clip, or the list of them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.errors import NotFound
from service.models import (
    Clip,
    User,
)


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
