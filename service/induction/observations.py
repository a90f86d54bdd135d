"""Observations of an ECT's teaching: logged from one of their lesson clips or as held in person.

Who may log one: the ECT's current mentor, the coordinators of the ECT's school (or its
trust) and admins. Others who may see the ECT's coaching get 403; anyone else 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service import policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.induction.terms import SchoolCalendar
from service.models import (
    Clip,
    ClipKind,
    ClipStatus,
    Membership,
    Mentorship,
    Observation,
    ObservationKind,
    Role,
    School,
    User,
)

MAX_NOTES = 5000
STAFF_ROLES = (Role.MENTOR, Role.COORDINATOR, Role.REVIEWER)


@dataclass(frozen=True)
class ObservationInput:
    """What is recorded about one observation."""

    observed_on: date
    kind: str = ObservationKind.WEEKLY.value
    observer_id: int | None = None  # None: the ECT's current mentor
    with_ect_lead: bool = False
    notes: str = ""
    clip_id: int | None = None  # None: held in person


def ect_school(ect: User) -> int | None:
    """The school in which the user is an ECT."""
    return ect.school_for(Role.ECT)


def loggable_ect(session: Session, user: User, ect_id: int) -> User:
    """Return the ECT if the user may log their observations (403 or 404 otherwise)."""
    ect = session.get(User, ect_id)
    if ect is None or ect_school(ect) is None:
        raise NotFound("We could not find that teacher's induction record.")
    if policy.can_log_observation(session, user, ect):
        return ect
    if policy.can_view_coaching(session, user, ect):
        raise Forbidden("Only the ECT's mentor and induction coordinators log observations.")
    raise NotFound("We could not find that teacher's induction record.")


def current_mentor(session: Session, ect_id: int) -> User | None:
    """The ECT's current mentor (the most recent pairing), if any."""
    return session.scalar(
        select(User)
        .join(Mentorship, Mentorship.mentor_id == User.id)
        .where(Mentorship.ect_id == ect_id, Mentorship.ended_on.is_(None))
        .order_by(Mentorship.started_on.desc(), Mentorship.id.desc())
        .limit(1)
    )


def observer_choices(session: Session, ect: User) -> list[User]:
    """Who may be named as the observer: the school's mentors, coordinators and reviewers, and
    the coordinators of its trust."""
    school_id = ect_school(ect)
    trust_id = session.scalar(select(School.trust_id).where(School.id == school_id))
    scope = Membership.school_id == school_id
    if trust_id is not None:
        scope = or_(scope, Membership.trust_id == trust_id)
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(scope, Membership.role.in_(STAFF_ROLES), User.active.is_(True))
        .order_by(User.name, User.id)
    )
    return list(session.scalars(query).unique())


def observable_clips(session: Session, ect: User) -> list[Clip]:
    """The ECT's ready lesson clips in their school, newest first: what an observation may use."""
    return list(
        session.scalars(
            select(Clip)
            .where(
                Clip.owner_id == ect.id,
                Clip.school_id == ect_school(ect),
                Clip.kind == ClipKind.LESSON,
                Clip.status == ClipStatus.READY,
            )
            .order_by(Clip.recorded_on.desc(), Clip.id.desc())
        )
    )


def school_today(session: Session, school_id: int) -> date:
    """Today's date in the school's time zone."""
    zone = session.scalar(select(School.timezone).where(School.id == school_id))
    return SchoolCalendar(zone or "Europe/London").today()


def log_observation(
    session: Session, user: User, ect_id: int, data: ObservationInput, *, today: date | None = None
) -> Observation:
    """Record an observation of an ECT that has happened (today at the latest, school time)."""
    ect = loggable_ect(session, user, ect_id)
    school_id = ect_school(ect)
    assert school_id is not None
    today = today or school_today(session, school_id)
    if data.observed_on > today:
        raise InvalidInput(
            "An observation is logged once it has happened: the date is in the future."
        )
    if data.observed_on.year < 2000:
        raise InvalidInput("Please check the year of the observation date.")
    try:
        kind = ObservationKind(data.kind)
    except ValueError:
        raise InvalidInput("Please choose whether the observation is weekly or formal.") from None
    if data.observer_id is None:
        observer = current_mentor(session, ect.id)
        if observer is None:
            raise InvalidInput("This ECT has no current mentor: please choose who observed.")
    else:
        observer = next(
            (u for u in observer_choices(session, ect) if u.id == data.observer_id), None
        )
        if observer is None:
            raise InvalidInput("The observer must be a member of staff of the ECT's school.")
    notes = data.notes.strip()
    if len(notes) > MAX_NOTES:
        raise InvalidInput(f"Please keep the notes under {MAX_NOTES} characters.")
    clip_titles = {c.id: c.title for c in observable_clips(session, ect)}
    if data.clip_id is not None and data.clip_id not in clip_titles:
        raise InvalidInput(
            "The clip must be one of this ECT's lesson clips that is ready to watch."
        )
    observation = Observation(
        ect_id=ect.id,
        school_id=school_id,
        observer_id=observer.id,
        kind=kind,
        observed_on=data.observed_on,
        clip_id=data.clip_id,
        clip_title=clip_titles.get(data.clip_id) if data.clip_id is not None else None,
        with_ect_lead=bool(data.with_ect_lead),
        notes=notes,
        recorded_by_id=user.id,
    )
    session.add(observation)
    session.commit()
    return observation
