"""A crafted induction history for the audit tests: Northfield Primary on 25 Nov 2026, and the
helpers that build it (clips, comments, sessions, observations at pinned times)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipStatus,
    CoachingSession,
    Comment,
    Mentorship,
    Observation,
    ObservationKind,
    School,
    StepStatus,
    Strand,
    User,
)
from tests.factories import user

# Wednesday of week 4 of autumn 2 (2 Nov - 18 Dec 2026): its last two weeks start on 5 Dec.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
NORTHFIELD = "Northfield Primary"


def at(day: str, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def school_named(session, name: str) -> School:
    return session.scalar(select(School).where(School.name == name))


def pairing_of(session, ect: User) -> Mentorship:
    return session.scalar(select(Mentorship).where(Mentorship.ect_id == ect.id))


def add_clip(session, owner: User, kind: ClipKind, uploaded: datetime, **extra) -> Clip:
    school_id = next(m.school_id for m in owner.memberships if m.school_id)
    clip = Clip(
        owner_id=owner.id,
        school_id=school_id,
        kind=kind,
        title=f"{kind.value} {uploaded:%d %b}",
        recorded_on=uploaded.date(),
        status=extra.pop("status", ClipStatus.READY),
        original_key="k",
        original_filename="c.mp4",
        original_size=1,
        created_at=uploaded,
        **extra,
    )
    session.add(clip)
    session.flush()
    return clip


def add_comment(session, clip: Clip, author: User, when: datetime, *, deleted=False) -> None:
    session.add(
        Comment(
            clip_id=clip.id,
            author_id=author.id,
            at_seconds=1,
            body="" if deleted else "Feedback",
            created_at=when,
            deleted_at=when if deleted else None,
        )
    )


def add_session(session, mentor: User, ect: User, day: str, step: ActionStep | None = None):
    school_id = next(m.school_id for m in ect.memberships if m.school_id)
    session.add(
        CoachingSession(
            ect_id=ect.id,
            mentor_id=mentor.id,
            school_id=school_id,
            held_on=date.fromisoformat(day),
            praise="Clear routine",
            step_id=step.id if step else None,
        )
    )


def add_observation(
    session, ect, observer, day, kind=ObservationKind.FORMAL, lead=False, clip=None
):
    school_id = next(m.school_id for m in ect.memberships if m.school_id)
    session.add(
        Observation(
            ect_id=ect.id,
            school_id=school_id,
            observer_id=observer.id,
            kind=kind,
            observed_on=date.fromisoformat(day),
            with_ect_lead=lead,
            clip_id=clip.id if clip else None,
            notes="Observed the starter",
            recorded_by_id=observer.id,
        )
    )


@dataclass
class History:
    school: School
    coordinator: User
    mentor1: User
    mentor2: User
    ect1: User
    ect2: User
    ect3: User


def build_history(session) -> History:
    """Northfield Primary on 25 Nov 2026.

    ect1 (year 1, weekly): on track. ect2 (year 2, fortnightly): last session 4 Nov and no
    autumn 1 formal observation. ect3 (year 1): paired with mentor2 on 16 Nov, no session yet.
    """
    school = school_named(session, NORTHFIELD)
    h = History(
        school,
        user(session, "coordinator@northfield.example"),
        user(session, "mentor1@northfield.example"),
        user(session, "mentor2@northfield.example"),
        user(session, "ect1@northfield.example"),
        user(session, "ect2@northfield.example"),
        user(session, "ect3@northfield.example"),
    )
    for ect, started in ((h.ect1, "2026-09-01"), (h.ect2, "2026-09-01"), (h.ect3, "2026-11-16")):
        pairing_of(session, ect).started_on = date.fromisoformat(started)
    step = ActionStep(
        ect_id=h.ect1.id,
        mentor_id=h.mentor1.id,
        school_id=school.id,
        title="Cold call after a pause",
        criteria=["Ask the whole class", "Pause", "Name a pupil"],
        strand=Strand.INSTRUCTION,
        standard=2,
        review_on=date(2026, 11, 24),
        status=StepStatus.ACTIVE,
        created_at=at("2026-11-17", 23, 30),
    )
    met = ActionStep(
        ect_id=h.ect1.id,
        mentor_id=h.mentor1.id,
        school_id=school.id,
        title="Wait for 100%",
        criteria=["Same signal"],
        strand=Strand.BEHAVIOUR,
        standard=7,
        review_on=date(2026, 11, 10),
        status=StepStatus.MET,
        created_at=at("2026-11-03"),
    )
    session.add_all([step, met])
    session.flush()
    for day in ("2026-11-03", "2026-11-10", "2026-11-17", "2026-11-24"):
        add_session(session, h.mentor1, h.ect1, day, step)
    add_session(session, h.mentor1, h.ect1, "2026-10-13", met)
    for day in ("2026-10-20", "2026-11-04"):
        add_session(session, h.mentor1, h.ect2, day)
    add_observation(session, h.ect1, h.mentor1, "2026-10-01")
    add_observation(session, h.ect1, h.mentor1, "2026-11-20", kind=ObservationKind.WEEKLY)
    # ect1: a lesson with feedback a day later, and a rehearsal still waiting.
    lesson = add_clip(session, h.ect1, ClipKind.LESSON, at("2026-11-20", 9))
    add_comment(session, lesson, h.mentor1, at("2026-11-21", 9))
    add_clip(session, h.ect1, ClipKind.REHEARSAL, at("2026-11-23", 10))
    add_clip(session, h.ect1, ClipKind.LESSON, at("2026-11-24", 10), status=ClipStatus.PROCESSING)
    # ect2: the mentor's first comment was deleted; the first that stands came two days on.
    other = add_clip(session, h.ect2, ClipKind.LESSON, at("2026-11-10", 12))
    add_comment(session, other, h.mentor1, at("2026-11-11", 12), deleted=True)
    add_comment(session, other, h.mentor1, at("2026-11-12", 12))
    add_comment(session, other, h.mentor1, at("2026-11-13", 12))
    # ect3: only the coordinator has said anything, so it still awaits the mentor.
    third = add_clip(session, h.ect3, ClipKind.LESSON, at("2026-11-18", 8))
    add_comment(session, third, h.coordinator, at("2026-11-18", 9))
    session.commit()
    return h
