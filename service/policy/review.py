"""Coaching on coaching: reviewers' notes, replies, assignments and the rubric."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from service.models import CoachingSession, ReviewNote, Role, User
from service.policy.roles import audited_school_ids, coordinates_school, reviews_ect, reviews_mentor


def can_review_session(session: Session, user: User, record: CoachingSession) -> bool:
    """Say whether the user may annotate this session record (its mentor's reviewer)."""
    return reviews_mentor(session, user, record.mentor_id) and reviews_ect(
        session, user, record.ect_id
    )


def can_view_review_note(session: Session, user: User, note: ReviewNote) -> bool:
    """Say whether the user may read a reviewer's note. Never the ECT it concerns."""
    query = select(ReviewNote.id).where(
        ReviewNote.id == note.id, review_note_visibility(session, user)
    )
    return session.scalar(query) is not None


def review_note_visibility(session: Session, user: User) -> ColumnElement[bool]:
    """Return a WHERE clause selecting exactly the review notes the user may read.

    The same rule as can_view_review_note, for lists: never the ECT a note concerns.
    """
    if not user.is_active:
        return false()
    own = and_(
        or_(ReviewNote.reviewer_id == user.id, ReviewNote.mentor_id == user.id),
        ReviewNote.ect_id != user.id,
    )
    return or_(own, ReviewNote.school_id.in_(audited_school_ids(session, user)))


def can_reply_review(user: User, note: ReviewNote) -> bool:
    """Say whether the user may reply under a review note (its mentor and its reviewer)."""
    return user.is_active and user.id in (note.reviewer_id, note.mentor_id)


def can_view_mentor_feedback(session: Session, user: User, mentor: User) -> bool:
    """Say whether the user may see the feedback on a mentor's coaching."""
    if not user.is_active or not mentor.has_role(Role.MENTOR):
        return False
    if user.id == mentor.id or reviews_mentor(session, user, mentor.id):
        return True
    schools = mentor.school_ids(Role.MENTOR)
    return any(coordinates_school(session, user, school_id) for school_id in schools)


def can_assign_reviewers(user: User) -> bool:
    """Say whether the user may assign reviewers to mentors (coordinators and admins)."""
    return user.is_active and (user.has_role(Role.ADMIN) or user.has_role(Role.COORDINATOR))


def rubric_trust_ids(user: User) -> list[int] | None:
    """Return the trusts whose rubric the user may edit (None: every trust, for admins)."""
    if not user.is_active:
        return []
    if user.has_role(Role.ADMIN):
        return None
    return sorted(user.trust_ids(Role.COORDINATOR))
