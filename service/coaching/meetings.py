"""The weekly coaching meeting: the mentor's record of it, the ECT's reflection, and the
records a user may read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.coaching.steps import (
    MAX_TEXT,
    mentorship_for,
    model_clip_for,
    visible_ect,
)
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    ActionStep,
    Clip,
    CoachingSession,
    User,
    utcnow,
)
from service.notify import events


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
    events.meeting_recorded(session, record)
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
