"""Who reviews whose coaching: coordinators and admins assign reviewers to mentors in their scope,
and end assignments (never deleted); each change is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    AuditAction,
    Membership,
    ReviewerAssignment,
    Role,
    School,
    User,
    utcnow,
)

# --- reviewer assignments ---------------------------------------------------------------------


def mentor_school_ids(user: User) -> set[int]:
    return set(user.school_ids(Role.MENTOR))


def _in_scope(session: Session, actor: User, mentor: User) -> bool:
    return any(
        policy.coordinates_school(session, actor, school_id)
        for school_id in mentor_school_ids(mentor)
    )


def _reviewer_schools(school_ids: set[int]) -> ColumnElement[bool]:
    """Schools whose reviewers may serve these schools: the same schools and their trusts'."""
    trusts = select(School.trust_id).where(School.id.in_(school_ids), School.trust_id.is_not(None))
    return or_(Membership.school_id.in_(school_ids), School.trust_id.in_(trusts))


@dataclass(frozen=True)
class AssignmentsView:
    assignments: list[ReviewerAssignment]  # current ones, by mentor name
    mentors: list[User]  # the mentors the actor may assign a reviewer to
    reviewers: list[User]  # the reviewers they may choose from


def assignments_view(session: Session, actor: User) -> AssignmentsView:
    """The current assignments in the actor's scope, and who they may assign to whom."""
    if not policy.can_assign_reviewers(actor):
        raise Forbidden("Only induction coordinators and admins assign reviewers.")
    admin = actor.has_role(Role.ADMIN)
    schools = set(policy.audited_school_ids(session, actor))
    mentors_query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.MENTOR, User.active.is_(True))
    )
    if not admin:
        mentors_query = mentors_query.where(Membership.school_id.in_(schools))
    mentors = list(session.scalars(mentors_query.order_by(User.name)).unique())
    reviewers_query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(School, School.id == Membership.school_id)
        .where(Membership.role == Role.REVIEWER, User.active.is_(True))
    )
    if not admin:
        reviewers_query = reviewers_query.where(_reviewer_schools(schools))
    reviewers = list(session.scalars(reviewers_query.order_by(User.name)).unique())
    in_scope = select(Membership.user_id).where(Membership.role == Role.MENTOR)
    if not admin:
        in_scope = in_scope.where(Membership.school_id.in_(schools))
    assignments = list(
        session.scalars(
            select(ReviewerAssignment)
            .join(User, User.id == ReviewerAssignment.mentor_id)
            .where(
                ReviewerAssignment.ended_at.is_(None),
                ReviewerAssignment.mentor_id.in_(in_scope),
            )
            .order_by(User.name, ReviewerAssignment.id)
        ).unique()
    )
    return AssignmentsView(assignments, mentors, reviewers)


def assign_reviewer(
    session: Session, actor: User, reviewer_id: int, mentor_id: int, *, ip: str = ""
) -> ReviewerAssignment:
    """Assign a reviewer to a mentor in the actor's scope; recorded in the audit log."""
    if not policy.can_assign_reviewers(actor):
        raise Forbidden("Only induction coordinators and admins assign reviewers.")
    problems = []  # both choices are judged, and every problem named at once, one a line
    mentor = session.get(User, mentor_id)
    if mentor is None or not mentor.active or not _in_scope(session, actor, mentor):
        problems.append("Please choose one of the mentors in your school from the list.")
    reviewer = session.get(User, reviewer_id)
    if (
        reviewer is None
        or not reviewer.active
        or not reviewer.has_role(Role.REVIEWER)
        or (mentor is not None and reviewer.id == mentor.id)
    ):
        problems.append("Please choose a reviewer from the list.")
    if problems or mentor is None or reviewer is None:
        raise InvalidInput("\n".join(problems))
    if not actor.has_role(Role.ADMIN):
        serves = session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(School, School.id == Membership.school_id)
            .where(
                Membership.user_id == reviewer.id,
                Membership.role == Role.REVIEWER,
                _reviewer_schools(mentor_school_ids(mentor)),
            )
        )
        if not serves:
            raise InvalidInput(
                f"{reviewer.name} reviews outside {mentor.name}'s school and trust; "
                "please ask an admin to add them to the school first."
            )
    if policy.reviews_mentor(session, reviewer, mentor.id):
        raise InvalidInput(f"{reviewer.name} already reviews {mentor.name}'s coaching.")
    assignment = ReviewerAssignment(
        reviewer_id=reviewer.id, mentor_id=mentor.id, assigned_by_id=actor.id
    )
    session.add(assignment)
    session.flush()
    auditlog.record(
        session,
        actor,
        AuditAction.PERMISSION_CHANGE,
        subject_id=reviewer.id,
        school_id=min(mentor_school_ids(mentor)),
        detail=f"Assigned {reviewer.name} to review {mentor.name}'s coaching "
        f"(assignment {assignment.id})",
        ip=ip,
    )
    session.commit()
    return assignment


def end_assignment(
    session: Session, actor: User, assignment_id: int, *, ip: str = ""
) -> ReviewerAssignment:
    """End a reviewer's assignment (kept for the record); recorded in the audit log."""
    if not policy.can_assign_reviewers(actor):
        raise Forbidden("Only induction coordinators and admins assign reviewers.")
    assignment = session.get(ReviewerAssignment, assignment_id)
    if assignment is None or not _in_scope(session, actor, assignment.mentor):
        raise NotFound("We could not find that reviewer assignment.")
    if assignment.ended_at is not None:
        raise InvalidInput("That assignment has already ended.")
    assignment.ended_at = utcnow()
    auditlog.record(
        session,
        actor,
        AuditAction.PERMISSION_CHANGE,
        subject_id=assignment.reviewer_id,
        school_id=min(mentor_school_ids(assignment.mentor)),
        detail=f"Ended {assignment.reviewer.name}'s review of {assignment.mentor.name}'s coaching "
        f"(assignment {assignment.id})",
        ip=ip,
    )
    session.commit()
    return assignment
