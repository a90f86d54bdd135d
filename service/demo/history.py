"""A term of coaching history for the demo, so the audit and review pages have a story to tell.

Every pairing started with the school year and met on its cadence in term time, with a chain
of action steps and a formal observation each half term, except where the demo needs a gap
for the coordinator to spot: Tom Wright (Northfield) has had no coaching for three weeks, and
Ellie Morgan (Riverside) missed her autumn 1 formal observation. Lesson clips reuse the
processed sample clip's files, with feedback after different waits per mentor; the sample
has no speech, so they wait to be transcribed like any upload and get no talk figures (none are
made up). Each school's reviewer has annotated their mentors' first sessions, and one mentor
has replied.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.induction.terms import SchoolCalendar
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipStatus,
    CoachingSession,
    Comment,
    CommentKind,
    ConsentState,
    Mentorship,
    Observation,
    ObservationKind,
    ReviewerAssignment,
    StepStatus,
    StepTemplate,
    TranscriptStatus,
    User,
)
from service.review import notes, rubrics

GAP_ECT = "ect3@northfield.example"  # no coaching for the last three term-time weeks
MISSED_FORMAL_ECT = "ect3@riverside.example"  # no formal observation in autumn 1
TALK_SHARING_ECT = "ect1@northfield.example"  # shares talk figures with their mentor
# Hours from upload to the mentor's first feedback, per mentor (by email).
FEEDBACK_HOURS = {
    "mentor1@northfield.example": (3, 20, 6, 26),
    "mentor2@northfield.example": (48, 70, 30, 52),
    "mentor1@riverside.example": (1, 4, 2, 8),
    "mentor2@riverside.example": (22, 30, 18, 40),
}
# The consent register's record of each ECT's lesson clips, oldest first: the school has
# checked the older ones; the newest is waiting for the coordinator.
CONSENT = (
    ConsentState.ALL_CONSENTED,
    ConsentState.ALL_CONSENTED,
    ConsentState.ALL_CONSENTED,
    ConsentState.NOT_RECORDED,
)
PRAISE = (
    "Your instructions were short and every pupil started within a minute.",
    "You waited for full attention before speaking, and it held.",
    "The pause before naming a pupil made the whole room think.",
    "Your think-aloud showed exactly why you chose each step.",
)


def seed_history(
    session: Session, sample: Clip, today: date | None = None
) -> list[list[int]] | None:
    """Add the history once (None if it is already there); return each ECT's lesson clip ids,
    oldest first, for the workers to transcribe (workers.demo)."""
    if session.scalar(select(CoachingSession.id).limit(1)) is not None:
        return None
    calendar = SchoolCalendar()
    today = today or calendar.today()
    year = calendar.academic_year_of(today)
    first_day = calendar.year(year)[0].starts_on
    weeks = [w for w in calendar.weeks(year) if not w.holiday and w.starts_on < today]
    pairings = session.scalars(select(Mentorship).order_by(Mentorship.id)).all()
    lessons: list[list[int]] = []
    for index, pairing in enumerate(pairings):
        pairing.started_on = first_day
        ect, mentor = session.get(User, pairing.ect_id), session.get(User, pairing.mentor_id)
        library = session.scalars(
            select(StepTemplate)
            .where(StepTemplate.school_id == pairing.school_id)
            .order_by(StepTemplate.id)
        ).all()
        meeting_weeks = weeks[:: 1 if pairing.induction_year == 1 else 2]
        if ect.email == GAP_ECT:
            meeting_weeks = [w for w in meeting_weeks if w.starts_on < today - timedelta(21)]
        step: ActionStep | None = None
        for number, week in enumerate(meeting_weeks):
            held_on = min(week.starts_on + timedelta(days=2), today - timedelta(days=1))
            if number % 2 == 0:  # a new step every second meeting
                if step is not None:
                    step.status = StepStatus.MET if number % 4 else StepStatus.MOVED_ON
                    step.closed_at = _at(held_on, 16)
                template = library[(index + number // 2) % len(library)]
                step = ActionStep(
                    ect_id=ect.id,
                    mentor_id=mentor.id,
                    school_id=pairing.school_id,
                    title=template.title,
                    why=template.why,
                    criteria=list(template.criteria),
                    strand=template.strand,
                    standard=template.standard,
                    review_on=held_on + timedelta(days=pairing.cadence_days),
                    created_at=_at(held_on, 15),
                    previous_step_id=step.id if step is not None else None,
                )
                session.add(step)
                session.flush()
            session.add(
                CoachingSession(
                    ect_id=ect.id,
                    mentor_id=mentor.id,
                    school_id=pairing.school_id,
                    held_on=held_on,
                    praise=PRAISE[number % len(PRAISE)],
                    step_id=step.id,
                    practice_rounds=1 + number % 3,
                    practice_notes="Rehearsed with the class's names; tightened the wording.",
                    created_at=_at(held_on, 17),
                )
            )
        for term in calendar.year(year):
            if term.starts_on + timedelta(days=21) > today:
                continue
            if ect.email == MISSED_FORMAL_ECT and term.number == 1:
                continue
            session.add(
                Observation(
                    ect_id=ect.id,
                    school_id=pairing.school_id,
                    observer_id=mentor.id,
                    kind=ObservationKind.FORMAL,
                    observed_on=term.starts_on + timedelta(days=16),
                    with_ect_lead=term.number % 2 == 0,
                    notes="Formal observation against the Teachers' Standards.",
                    recorded_by_id=mentor.id,
                )
            )
        lessons.append(_lesson_clips(session, sample, pairing.school_id, ect, mentor, today))
        # One ECT has chosen to share their talk figures with their mentor; the rest have not.
        pairing.talk_shared = ect.email == TALK_SHARING_ECT
    session.commit()
    _reviews(session)
    return lessons


# (target, rubric item, verdict, note) for a reviewer's notes on a mentor's early sessions.
NOTES = (
    ("session", 0, "strength", "Praise named the exact move and its effect: keep doing this."),
    ("step", 1, "work_on", "This step bundles three moves; pick the first one for this week."),
    ("session", 5, "work_on", "One practice round is not enough to make it stick: aim for 3."),
    ("step", 3, "strength", "Criteria are observable: you could tick them from the video."),
)


def _reviews(session: Session) -> None:
    """Each school's reviewer annotates the first sessions of each of their mentors."""
    assignments = session.scalars(select(ReviewerAssignment).order_by(ReviewerAssignment.id))
    for assignment in assignments.all():
        reviewer = session.get(User, assignment.reviewer_id)
        records = session.scalars(
            select(CoachingSession)
            .where(CoachingSession.mentor_id == assignment.mentor_id)
            .order_by(CoachingSession.held_on, CoachingSession.id)
            .limit(3)
        ).all()
        if not records:
            continue
        items = rubrics.rubric_for(session, rubrics.trust_of_school(session, records[0].school_id))
        for n, record in enumerate(records):
            target, item, verdict, body = NOTES[n % len(NOTES)]
            note = notes.add_review_note(
                session,
                reviewer,
                record.id,
                target=target,
                rubric_item_id=items[item].id,
                verdict=verdict,
                body=body,
            )
            # Reviewers write a few days after the meeting; the mentor replies the day after.
            note.created_at = note.updated_at = _at(record.held_on + timedelta(days=3), 10)
            session.commit()
            if n == 1:
                mentor = session.get(User, assignment.mentor_id)
                reply = notes.reply_to_note(
                    session, mentor, note.id, "Agreed: I'll split it and model just the first."
                )
                reply.created_at = _at(record.held_on + timedelta(days=4), 8)
                session.commit()
            if n < 2:
                notes.mark_reviewed(session, reviewer, record.id)


def _lesson_clips(
    session: Session, sample: Clip, school_id: int, ect: User, mentor: User, today: date
) -> list[int]:
    """Four lesson clips over the last weeks; all but the newest have the mentor's feedback."""
    waits = FEEDBACK_HOURS.get(mentor.email, (24,))
    made: list[int] = []
    for n, hours in enumerate(waits):
        uploaded = _at(today - timedelta(days=7 * (len(waits) - n) + 3), 16)
        clip = Clip(
            owner_id=ect.id,
            school_id=school_id,
            kind=ClipKind.LESSON,
            title=f"Lesson {n + 1}: {('starter', 'group task', 'plenary', 'transitions')[n % 4]}",
            recorded_on=uploaded.date(),
            status=ClipStatus.READY,
            **sample_media(sample),
            created_at=uploaded,
            ready_at=uploaded + timedelta(minutes=2),
            consent_state=CONSENT[-1] if n == len(waits) - 1 else CONSENT[n % 3],
            recorded_by=ect.name,
            # Playable, so its transcript waits (the sweeper queues it if nothing else does).
            transcript_status=TranscriptStatus.PENDING,
            transcript_updated_at=uploaded + timedelta(minutes=2),
        )
        session.add(clip)
        session.flush()
        made.append(clip.id)
        if n == len(waits) - 1:
            continue  # the newest is still waiting for feedback
        session.add(
            Comment(
                clip_id=clip.id,
                author_id=mentor.id,
                kind=CommentKind.PRAISE,
                at_seconds=4.0,
                body="Clear routine to start: every pupil knew what to do.",
                created_at=uploaded + timedelta(hours=hours),
            )
        )
    return made


# The media columns every demo clip copies from the one processed sample clip.
_SAMPLE_MEDIA = (
    "original_key",
    "original_filename",
    "original_size",
    "video_key",
    "poster_key",
    "duration",
    "width",
    "height",
    "processing_method",
)


def sample_media(sample: Clip) -> dict[str, object]:
    """Return the sample clip's media columns, for a demo clip that shows the same video."""
    return {name: getattr(sample, name) for name in _SAMPLE_MEDIA}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)
