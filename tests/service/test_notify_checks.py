"""The scheduled checks on a frozen clock across the February 2027 half term: step review dates,
clips waiting for feedback (counted in term-time days), reviewers' old queues and shares about
to end; who hears, who must not, and nothing raised twice.

The default English calendar: spring 1 ends on Friday 12 February 2027, the half-term holiday
runs to Sunday 21 February, spring 2 starts on Monday 22 February. London is on UTC then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.induction.scope import school_calendar
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipShare,
    ClipStatus,
    CoachingSession,
    Comment,
    Membership,
    Mentorship,
    Notification,
    ReviewerAssignment,
    Role,
    School,
    Strand,
    Trust,
    User,
)
from service.notify import checks


def at(day: date | str, hour: int = 8, minute: int = 0) -> datetime:
    """A moment on a day, in UTC (London's time in February)."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@dataclass
class World:
    """A trust with two schools; Oak has two pairs, a coordinator, a reviewer of one mentor."""

    trust: Trust
    oak: School
    elm: School
    ect: User  # Ava, paired with Mo
    mentor: User
    other_ect: User  # Ben, paired with Nia
    other_mentor: User
    coordinator: User  # Oak's own coordinator
    lead: User  # the trust's coordinator
    reviewer: User  # reviews Mo
    elm_coordinator: User


def person(session: Session, name: str, role: Role, school: School | None, **scope) -> User:
    user = User(email=f"{name.lower()}@oak.example", name=f"{name} Tester", password_hash="x")
    user.memberships.append(Membership(role=role, school_id=school.id if school else None, **scope))
    session.add(user)
    session.flush()
    return user


def build_world(session: Session) -> World:
    """Make the trust, its schools and people, paired since the start of the year."""
    trust = Trust(name="Oak Learning Trust")
    session.add(trust)
    session.flush()
    oak, elm = School(name="Oak Primary", trust=trust), School(name="Elm Primary", trust=trust)
    session.add_all([oak, elm])
    session.flush()
    world = World(
        trust,
        oak,
        elm,
        ect=person(session, "Ava", Role.ECT, oak),
        mentor=person(session, "Mo", Role.MENTOR, oak),
        other_ect=person(session, "Ben", Role.ECT, oak),
        other_mentor=person(session, "Nia", Role.MENTOR, oak),
        coordinator=person(session, "Cat", Role.COORDINATOR, oak),
        lead=person(session, "Lee", Role.COORDINATOR, None, trust_id=trust.id),
        reviewer=person(session, "Rui", Role.REVIEWER, oak),
        elm_coordinator=person(session, "Eve", Role.COORDINATOR, elm),
    )
    for ect, mentor in ((world.ect, world.mentor), (world.other_ect, world.other_mentor)):
        session.add(
            Mentorship(
                mentor_id=mentor.id, ect_id=ect.id, school_id=oak.id, started_on=date(2026, 9, 1)
            )
        )
    session.add(ReviewerAssignment(reviewer_id=world.reviewer.id, mentor_id=world.mentor.id))
    session.commit()
    return world


def clip_of(session: Session, owner: User, school: School, ready: datetime, **kw) -> Clip:
    clip = Clip(
        owner_id=owner.id,
        school_id=school.id,
        kind=kw.pop("kind", ClipKind.LESSON),
        title=kw.pop("title", "Fractions lesson"),
        recorded_on=ready.date(),
        status=ClipStatus.READY,
        original_key="k",
        original_filename="lesson.mp4",
        original_size=1,
        created_at=ready,
        ready_at=ready,
        **kw,
    )
    session.add(clip)
    session.commit()
    return clip


def step_for(session: Session, world: World, ect: User, mentor: User, review_on: date):
    step = ActionStep(
        ect_id=ect.id,
        mentor_id=mentor.id,
        school_id=world.oak.id,
        title="Wait three seconds after a question",
        criteria=["Count to three"],
        strand=Strand.INSTRUCTION,
        standard=4,
        review_on=review_on,
        created_at=at(review_on, 9).replace(day=1),
    )
    session.add(step)
    session.commit()
    return step


def run_checks(session: Session, world: World, now: datetime) -> checks.CheckResult:
    """Run Oak's daily checks at ``now``, committing as the schedule does."""
    result = checks.run_school_checks(
        session, world.oak, school_calendar(session, world.oak), now=now
    )
    session.commit()
    return result


def told(session: Session, kind: str) -> list[tuple[int, str]]:
    """(person, dedupe key) of every notification of a kind, in order."""
    rows = session.execute(
        select(Notification.user_id, Notification.dedupe_key)
        .where(Notification.kind == kind)
        .order_by(Notification.id)
    )
    return [tuple(row) for row in rows]


# --- step review dates --------------------------------------------------------------------------


def test_a_review_date_with_no_rehearsal_tells_the_ect_and_their_mentor_once(session):
    world = build_world(session)
    step = step_for(session, world, world.ect, world.mentor, date(2027, 2, 9))
    rehearsed = step_for(session, world, world.other_ect, world.other_mentor, date(2027, 2, 9))
    rehearsal = clip_of(
        session,
        world.other_ect,
        world.oak,
        at("2027-02-05"),
        kind=ClipKind.REHEARSAL,
        step_id=rehearsed.id,
    )
    session.add(
        Comment(clip_id=rehearsal.id, author_id=world.other_mentor.id, at_seconds=1, body="Yes")
    )
    session.commit()
    assert run_checks(session, world, at("2027-02-08")).total == 0  # the day before
    assert run_checks(session, world, at("2027-02-09")).raised == {checks.STEP_REVIEW_DUE: 2}
    key = f"step-review:{step.id}:2027-02-09"
    assert told(session, checks.STEP_REVIEW_DUE) == [(world.ect.id, key), (world.mentor.id, key)]
    mentor_note = session.scalar(
        select(Notification).where(Notification.user_id == world.mentor.id)
    )
    assert mentor_note.link == f"/coaching/ects/{world.ect.id}#step-{step.id}"
    assert mentor_note.text.startswith("Ava Tester's step “Wait three seconds")
    assert mentor_note.created_at == at("2027-02-09")
    # Run again that day, and the next: nothing more (the other pair rehearsed: never told).
    assert run_checks(session, world, at("2027-02-09", 9)).total == 0
    assert run_checks(session, world, at("2027-02-10")).total == 0
    # A new review date is a new reminder.
    step.review_on = date(2027, 2, 11)
    session.commit()
    assert run_checks(session, world, at("2027-02-11")).raised == {checks.STEP_REVIEW_DUE: 2}


def test_a_review_date_in_the_holiday_is_reminded_on_the_first_day_of_term(session):
    world = build_world(session)
    step_for(session, world, world.ect, world.mentor, date(2027, 2, 17))
    for day in ("2027-02-15", "2027-02-17", "2027-02-19"):  # half term: term-time-only kinds
        assert run_checks(session, world, at(day)).total == 0
    assert run_checks(session, world, at("2027-02-22")).raised == {checks.STEP_REVIEW_DUE: 2}
    assert "was due for review on 17 February" in told_texts(session)[0]


def told_texts(session: Session) -> list[str]:
    return list(session.scalars(select(Notification.text).order_by(Notification.id)))


# --- clips waiting for feedback -----------------------------------------------------------------


def test_a_clip_waits_three_term_time_days_across_the_half_term_before_the_mentor_hears(session):
    world = build_world(session)
    clip = clip_of(session, world.ect, world.oak, at("2027-02-10", 10))  # a Wednesday
    commented = clip_of(session, world.ect, world.oak, at("2027-02-10", 11), title="Phonics")
    session.add(Comment(clip_id=commented.id, author_id=world.mentor.id, at_seconds=3, body="Ok"))
    session.commit()
    # Thursday and Friday are two term-time days; the holiday adds none; Monday is the third.
    assert run_checks(session, world, at("2027-02-12")).total == 0
    assert run_checks(session, world, at("2027-02-19")).total == 0  # nine days on, in half term
    assert run_checks(session, world, at("2027-02-22")).raised == {checks.CLIP_WAITING: 1}
    assert told(session, checks.CLIP_WAITING) == [(world.mentor.id, f"waiting:{clip.id}")]
    note = session.scalar(select(Notification).where(Notification.kind == checks.CLIP_WAITING))
    assert note.link == f"/clips/{clip.id}" and note.clip_id == clip.id
    assert note.text == (
        "Ava Tester's lesson “Fractions lesson” has waited 3 term-time days for your feedback."
    )
    # Two term-time days more, and the school's own coordinator hears (not the trust's lead,
    # not another school's coordinator, not the other mentor); the mentor is not told again.
    assert run_checks(session, world, at("2027-02-23")).total == 0
    assert run_checks(session, world, at("2027-02-24")).raised == {
        checks.CLIP_WAITING_COORDINATOR: 1
    }
    assert told(session, checks.CLIP_WAITING_COORDINATOR) == [
        (world.coordinator.id, f"waiting-coordinator:{clip.id}")
    ]
    assert run_checks(session, world, at("2027-02-25")).total == 0


def test_a_school_without_its_own_coordinator_escalates_to_the_trust(session):
    world = build_world(session)
    world.coordinator.active = False  # deactivated: hears nothing
    session.commit()
    clip_of(session, world.ect, world.oak, at("2027-02-01"))
    run_checks(session, world, at("2027-02-08"))
    assert [who for who, _ in told(session, checks.CLIP_WAITING_COORDINATOR)] == [world.lead.id]


def test_a_deactivated_mentor_is_not_told_and_a_clip_with_feedback_never_waits(session):
    world = build_world(session)
    world.mentor.active = False
    session.commit()
    clip_of(session, world.ect, world.oak, at("2027-02-01"))
    done = clip_of(session, world.other_ect, world.oak, at("2027-02-01"))
    session.add(Comment(clip_id=done.id, author_id=world.other_mentor.id, at_seconds=1, body="Hi"))
    session.commit()
    run_checks(session, world, at("2027-02-04"))
    assert told(session, checks.CLIP_WAITING) == []


# --- reviewers' queues --------------------------------------------------------------------------


def test_a_reviewer_hears_of_records_over_a_week_old_once_a_week(session):
    world = build_world(session)
    for ect, mentor in ((world.ect, world.mentor), (world.other_ect, world.other_mentor)):
        session.add(
            CoachingSession(
                ect_id=ect.id, mentor_id=mentor.id, school_id=world.oak.id, held_on=date(2027, 2, 1)
            )
        )
    session.commit()
    assert run_checks(session, world, at("2027-02-08")).total == 0  # exactly a week
    assert run_checks(session, world, at("2027-02-09")).raised == {checks.REVIEW_QUEUE_OLD: 1}
    assert told(session, checks.REVIEW_QUEUE_OLD) == [
        (world.reviewer.id, f"review-queue:{world.reviewer.id}:2027-W06")
    ]
    assert (
        "1 coaching record in your review queue has waited more than a week"
        in (told_texts(session)[0])
    )
    assert run_checks(session, world, at("2027-02-12")).total == 0  # the same week
    assert run_checks(session, world, at("2027-02-15")).total == 0  # half term
    assert run_checks(session, world, at("2027-02-22")).raised == {checks.REVIEW_QUEUE_OLD: 1}


# --- shares about to end ------------------------------------------------------------------------


def test_the_ect_hears_that_a_share_ends_within_two_days_even_in_the_holiday(session):
    world = build_world(session)
    clip = clip_of(session, world.ect, world.oak, at("2027-02-01"))
    session.add(Comment(clip_id=clip.id, author_id=world.mentor.id, at_seconds=1, body="Good"))
    share = ClipShare(
        clip_id=clip.id,
        shared_by_id=world.ect.id,
        colleague_id=world.other_mentor.id,
        expires_at=at("2027-02-18", 16),
    )
    revoked = ClipShare(
        clip_id=clip.id,
        shared_by_id=world.ect.id,
        colleague_id=world.other_ect.id,
        expires_at=at("2027-02-18", 16),
        revoked_at=at("2027-02-10"),
    )
    session.add_all([share, revoked])
    session.commit()
    assert run_checks(session, world, at("2027-02-15")).total == 0  # three days and more
    assert run_checks(session, world, at("2027-02-16", 17)).raised == {checks.SHARE_EXPIRING: 1}
    assert told(session, checks.SHARE_EXPIRING) == [
        (world.ect.id, f"share-expiring:{share.id}:20270218T1600")
    ]
    assert told_texts(session) == [
        "Your share of “Fractions lesson” with Nia Tester ends on Thursday 18 February at 16:00. "
        "Renew it on the clip's page if they still need it."
    ]
    assert run_checks(session, world, at("2027-02-17")).total == 0
    share.expires_at = at("2027-02-25", 16)  # renewed: a new end, a new reminder when it nears
    session.commit()
    assert run_checks(session, world, at("2027-02-24")).raised == {checks.SHARE_EXPIRING: 1}
