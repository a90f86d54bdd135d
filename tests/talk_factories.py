"""Talk figures for tests: clips whose transcripts give known figures, and steps set on known
days, all made through the service functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from media_pipeline import Transcript, analyse_talk
from service import coaching
from service.models import ActionStep, Clip, ClipKind, User
from service.storage import Storage
from service.talk import save_talk
from tests.factories import ready_clip
from tests.talk_transcripts import make


def lesson_transcript(duration: float, questions: int, wait: float | None) -> Transcript:
    """``questions`` questions, 10 s apart, each answered after ``wait`` seconds; with no wait,
    one statement and no question (so the clip has no median wait)."""
    if wait is None:
        return make(duration, [(0.0, 0.5, "Good"), (0.6, 1.0, "morning.")])
    segments = []
    for n in range(questions):
        t = n * 10.0
        segments.append([(t, t + 0.5, "Why"), (t + 0.6, t + 1.0, "not?")])
        answer = t + 1.0 + wait
        segments.append([(answer, answer + 0.5, "Because"), (answer + 0.6, answer + 1.0, "so.")])
    return make(duration, *segments)


def talk_clip(
    session: Session,
    storage: Storage,
    email: str,
    recorded_on: date,
    *,
    title: str = "Lesson",
    kind: ClipKind = ClipKind.LESSON,
    duration: float = 60.0,
    questions: int = 1,
    wait: float | None = 1.0,
) -> Clip:
    """A ready clip of the user's, recorded on that day, with its talk figures saved."""
    clip = ready_clip(session, storage, email, title=title, kind=kind, duration=duration)
    clip.recorded_on = recorded_on
    session.commit()
    stats = analyse_talk(lesson_transcript(duration, questions, wait))
    assert save_talk(session, clip.id, stats) is not None
    return clip


def step_on(session: Session, mentor_email: str, ect_id: int, title: str, day: date) -> ActionStep:
    """An action step the mentor set for the ECT, dated as if set at 9am on ``day``."""
    mentor = session.scalar(select(User).where(User.email == mentor_email))
    data = coaching.StepInput(title, "", ["Count to three in your head"], "instruction", 4)
    step = coaching.set_action_step(session, mentor, ect_id, data)
    step.created_at = datetime.combine(day, time(9, 0), tzinfo=UTC)  # 9 or 10am in England
    session.commit()
    return step


def base_day() -> date:
    return date.today() - timedelta(days=40)
