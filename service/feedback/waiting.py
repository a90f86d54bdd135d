"""Clips waiting for feedback: ready lessons and rehearsals their ECT's current mentor has not
yet commented on (the induction dashboard counts them and their oldest wait)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, select

from service.models import Clip, ClipKind, ClipStatus, Comment, Mentorship

FEEDBACK_KINDS = (ClipKind.LESSON, ClipKind.REHEARSAL)


def awaits_mentor_feedback() -> ColumnElement[bool]:
    """Ready lessons and rehearsals whose owner's current mentor has not commented on them."""
    current_mentor_commented = exists(
        select(Comment.id)
        .join(Mentorship, Mentorship.mentor_id == Comment.author_id)
        .where(
            Comment.clip_id == Clip.id,
            Comment.deleted_at.is_(None),
            Mentorship.ect_id == Clip.owner_id,
            Mentorship.ended_on.is_(None),
        )
    )
    has_mentor = exists(
        select(Mentorship.id).where(
            Mentorship.ect_id == Clip.owner_id,
            Mentorship.school_id == Clip.school_id,
            Mentorship.ended_on.is_(None),
        )
    )
    return and_(
        Clip.status == ClipStatus.READY,
        Clip.kind.in_(FEEDBACK_KINDS),
        has_mentor,
        ~current_mentor_commented,
    )
