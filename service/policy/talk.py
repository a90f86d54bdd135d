"""Talk analytics: who may see a teacher's talk figures.

Rules, in words:
- talk figures (per clip and the trends across clips) are the teacher's own: the clip's owner
  sees them;
- an ECT may share theirs with a current mentor, pairing by pairing; that mentor then sees
  the figures of every clip of the ECT's in the pairing's school, and the trends;
- nobody else sees them individually: not coordinators, reviewers, admins, nor a colleague
  the clip is lent to. For them the figures do not exist (404).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Clip, Mentorship, Role, User


def talk_pairings(session: Session, ect_id: int) -> list[Mentorship]:
    """Return the ECT's current pairings, whose mentors they may share their figures with."""
    return list(
        session.scalars(
            select(Mentorship)
            .where(Mentorship.ect_id == ect_id, Mentorship.ended_on.is_(None))
            .order_by(Mentorship.started_on, Mentorship.id)
        )
    )


def _shared_with_mentor(
    session: Session, user: User, ect_id: int, school_id: int | None = None
) -> bool:
    if not user.has_role(Role.MENTOR):
        return False
    query = select(Mentorship.id).where(
        Mentorship.mentor_id == user.id,
        Mentorship.ect_id == ect_id,
        Mentorship.ended_on.is_(None),
        Mentorship.talk_shared.is_(True),
    )
    if school_id is not None:
        query = query.where(Mentorship.school_id == school_id)
    return session.scalar(query.limit(1)) is not None


def can_view_talk(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may see this clip's talk figures."""
    if not user.is_active:
        return False
    if clip.owner_id == user.id:
        return True
    return _shared_with_mentor(session, user, clip.owner_id, clip.school_id)


def can_view_talk_trends(session: Session, user: User, ect_id: int) -> bool:
    """Say whether the user may see a teacher's talk trends (theirs, or shared with them)."""
    if not user.is_active:
        return False
    return user.id == ect_id or _shared_with_mentor(session, user, ect_id)


def can_share_talk(user: User) -> bool:
    """Say whether the user has talk figures to share with a mentor (ECTs)."""
    return user.is_active and user.has_role(Role.ECT)
