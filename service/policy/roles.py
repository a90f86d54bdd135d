"""Who a user is to others: admin, an ECT's mentor, a mentor's reviewer, a coordinator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Mentorship, ReviewerAssignment, Role, School, User


def is_admin(user: User) -> bool:
    """Say whether the user is an active admin."""
    return user.is_active and user.has_role(Role.ADMIN)


def teaching_school_ids(user: User) -> list[int]:
    """Return the schools where the user teaches: those where they are an ECT or a mentor."""
    return sorted(set(user.school_ids(Role.ECT)) | set(user.school_ids(Role.MENTOR)))


def library_school_ids(session: Session, user: User) -> list[int]:
    """Return the schools whose step and model libraries the user may browse: where they teach,
    and where they coordinate induction (a trust coordinator: every school of the trust)."""
    return sorted(set(teaching_school_ids(user)) | set(audited_school_ids(session, user)))


def mentor_school(user: User) -> int | None:
    """Return the school in which the user is a mentor, if any."""
    return user.school_for(Role.MENTOR)


def mentors(session: Session, user: User, ect_id: int) -> bool:
    """Say whether the user is this ECT's current mentor."""
    if not user.is_active or not user.has_role(Role.MENTOR):
        return False
    pairing = session.scalar(
        select(Mentorship.id).where(
            Mentorship.mentor_id == user.id,
            Mentorship.ect_id == ect_id,
            Mentorship.ended_on.is_(None),
        )
    )
    return pairing is not None


def reviewed_mentor_ids(user: User):
    return select(ReviewerAssignment.mentor_id).where(
        ReviewerAssignment.reviewer_id == user.id, ReviewerAssignment.ended_at.is_(None)
    )


def reviews_mentor(session: Session, user: User, mentor_id: int) -> bool:
    """Say whether the user is currently assigned to review this mentor's coaching."""
    if not user.is_active or not user.has_role(Role.REVIEWER):
        return False
    query = select(ReviewerAssignment.id).where(
        ReviewerAssignment.reviewer_id == user.id,
        ReviewerAssignment.mentor_id == mentor_id,
        ReviewerAssignment.ended_at.is_(None),
    )
    return session.scalar(query) is not None


def reviews_ect(session: Session, user: User, ect_id: int) -> bool:
    """Say whether the user reviews the coaching of this ECT's current mentor."""
    if not user.is_active or not user.has_role(Role.REVIEWER):
        return False
    query = select(Mentorship.id).where(
        Mentorship.ect_id == ect_id,
        Mentorship.ended_on.is_(None),
        Mentorship.mentor_id.in_(reviewed_mentor_ids(user)),
    )
    return session.scalar(query) is not None


def audited_school_ids(session: Session, user: User) -> list[int]:
    """Return the schools whose induction record the user may audit (coordinators, admins)."""
    if not user.is_active:
        return []
    if user.has_role(Role.ADMIN):
        return list(session.scalars(select(School.id).order_by(School.id)))
    ids = set(user.school_ids(Role.COORDINATOR))
    trust_ids = user.trust_ids(Role.COORDINATOR)
    if trust_ids:
        ids.update(session.scalars(select(School.id).where(School.trust_id.in_(trust_ids))))
    return sorted(ids)


def can_audit(user: User) -> bool:
    """Say whether the user audits induction anywhere (coordinators and admins)."""
    return user.is_active and (user.has_role(Role.ADMIN) or user.has_role(Role.COORDINATOR))


def coordinates_school(session: Session, user: User, school_id: int) -> bool:
    """Say whether the user coordinates induction in this school (or is an admin)."""
    if not user.is_active:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return school_id in audited_school_ids(session, user)


def can_audit_trust(user: User, trust_id: int) -> bool:
    """Say whether the user may see a whole trust's roll-up (its coordinators, admins)."""
    if not user.is_active:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return trust_id in user.trust_ids(Role.COORDINATOR)
