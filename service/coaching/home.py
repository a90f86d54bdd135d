"""Where each person starts, and what ECTs and mentors see there: an ECT's latest feedback, the
ECTs a user may see, and a mentor's mentees with what waits for them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service import policy
from service.coaching.steps import (
    current_step,
)
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipStatus,
    Comment,
    Mentorship,
    Role,
    User,
)


class Home(enum.StrEnum):
    """The page a person lands on after signing in, and behind the logo."""

    COACHING = "coaching"  # an ECT's step and latest feedback; a mentor's ECTs and waiting clips
    REVIEWS = "reviews"  # a reviewer's queue
    INDUCTION = "induction"  # a coordinator's (or admin's) induction dashboard
    CLIPS = "clips"  # anyone with no role of these: the clips they may see


# Someone with several roles starts where the role shown beside their name leads
# (User.primary_role): a coordinator who also mentors lands on the dashboard.
HOMES = {
    Role.ADMIN: Home.INDUCTION,
    Role.COORDINATOR: Home.INDUCTION,
    Role.MENTOR: Home.COACHING,
    Role.REVIEWER: Home.REVIEWS,
    Role.ECT: Home.COACHING,
}


def home_for(user: User) -> Home:
    """Return the home page for this person's main role."""
    role = user.primary_role
    return HOMES.get(role, Home.CLIPS) if role is not None else Home.CLIPS


# --- home pages ------------------------------------------------------------------------------


def latest_feedback(session: Session, ect: User, *, limit: int = 5) -> list[Comment]:
    """The newest feedback others left on the ECT's own clips."""
    query = (
        select(Comment)
        .join(Clip, Comment.clip_id == Clip.id)
        .where(
            Clip.owner_id == ect.id,
            Comment.author_id != ect.id,
            Comment.deleted_at.is_(None),
            policy.clip_visibility(ect),
        )
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def visible_ects(session: Session, user: User) -> list[User]:
    """The ECTs whose coaching record the user may see (for coordinators, reviewers, admins)."""
    from service.models import Membership, Role

    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.ECT)
    )
    if not user.has_role(Role.ADMIN):
        # Each role by its own scope: the schools the user coordinates, the ECTs they mentor
        # or whose mentors they review, and themselves; never every school they hold a role in.
        paired = select(Mentorship.ect_id).where(
            Mentorship.ended_on.is_(None),
            or_(
                Mentorship.mentor_id == user.id,
                Mentorship.mentor_id.in_(policy.reviewed_mentor_ids(user)),
            ),
        )
        query = query.where(
            or_(
                Membership.school_id.in_(policy.audited_school_ids(session, user)),
                User.id.in_(paired),
                User.id == user.id,
            )
        )
    candidates = session.scalars(query.order_by(User.name)).unique()
    return [ect for ect in candidates if policy.can_view_coaching(session, user, ect)]


@dataclass(frozen=True)
class MenteeSummary:
    ect: User
    induction_year: int
    step: ActionStep | None
    last_observed: date | None
    awaiting_feedback: list[Clip]  # ready clips with no comment from the mentor, oldest first


def mentor_home(session: Session, mentor: User) -> list[MenteeSummary]:
    """The mentor's ECTs, each with current step, last observation and clips awaiting feedback."""
    pairings = session.scalars(
        select(Mentorship).where(Mentorship.mentor_id == mentor.id, Mentorship.ended_on.is_(None))
    ).all()
    summaries = []
    for pairing in pairings:
        ect = session.get(User, pairing.ect_id)
        lessons = list(
            session.scalars(
                select(Clip)
                .where(
                    Clip.owner_id == ect.id,
                    Clip.status == ClipStatus.READY,
                    Clip.kind.in_([ClipKind.LESSON, ClipKind.REHEARSAL]),
                )
                .order_by(Clip.created_at)
            )
        )
        commented = set(
            session.scalars(
                select(Comment.clip_id).where(
                    Comment.author_id == mentor.id, Comment.clip_id.in_([c.id for c in lessons])
                )
            )
        )
        observed = [c.recorded_on for c in lessons if c.kind == ClipKind.LESSON]
        summaries.append(
            MenteeSummary(
                ect=ect,
                induction_year=pairing.induction_year,
                step=current_step(session, mentor, ect.id),
                last_observed=max(observed) if observed else None,
                awaiting_feedback=[c for c in lessons if c.id not in commented],
            )
        )
    return summaries
