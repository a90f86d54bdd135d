"""Use cases for the weekly coaching meeting record, the ECT's reflection, and the home pages
that summarise where each ECT is in the cycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.coaching import MAX_TEXT, current_step, mentorship_for, model_clip_for, visible_ect
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipStatus,
    CoachingSession,
    Comment,
    Mentorship,
    User,
    utcnow,
)


@dataclass(frozen=True)
class SessionInput:
    """What a mentor records about one coaching meeting."""

    held_on: date
    praise: str = ""
    step_id: int | None = None
    model_clip_id: int | None = None
    practice_rounds: int = 0
    practice_notes: str = ""
    observation_clip_ids: Sequence[int] = field(default_factory=tuple)


# --- the coaching session record ------------------------------------------------------------


def record_session(
    session: Session, mentor: User, ect_id: int, data: SessionInput
) -> CoachingSession:
    """Record a weekly coaching meeting for an ECT the mentor mentors."""
    visible_ect(session, mentor, ect_id)
    pairing = mentorship_for(session, mentor, ect_id)
    if data.held_on > date.today():
        raise InvalidInput("A meeting is recorded once it has happened: the date is in the future.")
    if data.practice_rounds < 0 or data.practice_rounds > 50:
        raise InvalidInput("Practice rounds must be a number from 0 to 50.")
    if max(len(data.praise), len(data.practice_notes)) > MAX_TEXT:
        raise InvalidInput(f"Please keep each note under {MAX_TEXT} characters.")
    if data.step_id is not None:
        step = session.get(ActionStep, data.step_id)
        if step is None or step.ect_id != ect_id:
            raise InvalidInput("That action step is not one of this ECT's.")
    clips = []
    for clip_id in data.observation_clip_ids:
        clip = session.get(Clip, clip_id)
        if clip is None or clip.owner_id != ect_id:
            raise InvalidInput("Observation clips must be this ECT's own clips.")
        clips.append(clip)
    record = CoachingSession(
        ect_id=ect_id,
        mentor_id=mentor.id,
        school_id=pairing.school_id,
        held_on=data.held_on,
        praise=data.praise.strip(),
        step_id=data.step_id,
        model_clip_id=model_clip_for(session, mentor, data.model_clip_id),
        practice_rounds=data.practice_rounds,
        practice_notes=data.practice_notes.strip(),
    )
    record.observation_clips = clips
    session.add(record)
    session.commit()
    return record


def add_reflection(session: Session, ect: User, session_id: int, text: str) -> CoachingSession:
    """Let the ECT write their reflection on a meeting, before the next one."""
    record = session.get(CoachingSession, session_id)
    if record is None or not policy.can_view_coaching(session, ect, record.ect):
        raise NotFound("We could not find that coaching session.")
    if record.ect_id != ect.id:
        raise Forbidden("Only the ECT writes the reflection on their coaching session.")
    text = text.strip()
    if not text:
        raise InvalidInput("Please write your reflection first.")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Please keep the reflection under {MAX_TEXT} characters.")
    record.ect_reflection = text
    record.reflected_at = utcnow()
    session.commit()
    return record


def coaching_sessions(session: Session, user: User, ect_id: int) -> list[CoachingSession]:
    """List an ECT's coaching session records, newest first."""
    visible_ect(session, user, ect_id)
    return list(
        session.scalars(
            select(CoachingSession)
            .where(CoachingSession.ect_id == ect_id)
            .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())
        )
    )


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
    """The ECTs whose coaching record the user may see (for coordinators and admins)."""
    from service.models import Membership, Role

    school_ids = policy.member_school_ids(session, user)
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.ECT)
    )
    if not user.has_role(Role.ADMIN):
        query = query.where(Membership.school_id.in_(school_ids))
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
