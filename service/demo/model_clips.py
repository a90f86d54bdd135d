"""Model clips for the demo: each ECT's mentor has recorded a model of the step the ECT works on
now, shared it in the school's model library and attached it to the step, and the ECT has
rehearsed the step once, so a new user opens a rehearsal beside its model at once.

Like the lessons (service.demo.history) they reuse the processed sample's files: a test pattern
with a tone and no speech, so they wait to be transcribed like any upload and no talk figures
are made up for them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.coaching.model_clips import share_model_clip
from service.demo.history import sample_media
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipStatus,
    Comment,
    CommentKind,
    ConsentState,
    CriterionCheck,
    School,
    StepStatus,
    TranscriptStatus,
    User,
)

# The phase each demo school's model clips are filed under in its library.
PHASES = {"Northfield Primary": "Primary", "Riverside Academy": "Secondary"}
REHEARSAL_PRAISE = "Clear signal and you waited: now hold the pause a beat longer before naming."


def seed_model_clips(session: Session, sample: Clip, now: datetime | None = None) -> list[int]:
    """Give every ECT's current step a model clip from the school's library and one rehearsal
    of it (with the mentor's praise and a criterion ticked); return the new clips' ids, for
    the workers to transcribe (workers.demo)."""
    now = now or datetime.now(UTC)
    steps = session.scalars(
        select(ActionStep).where(ActionStep.status == StepStatus.ACTIVE).order_by(ActionStep.id)
    ).all()
    models: dict[tuple[int, str], Clip] = {}  # one model per school and step title
    made: list[int] = []
    for step in steps:
        mentor, ect = session.get(User, step.mentor_id), session.get(User, step.ect_id)
        set_at = _aware(step.created_at)
        model = models.get((step.school_id, step.title))
        if model is None:
            model = _clip(
                session,
                sample,
                owner=mentor,
                school_id=step.school_id,
                kind=ClipKind.MODEL,
                title=f"Model: {step.title}",
                at=set_at - timedelta(hours=2),
            )
            school = session.get(School, step.school_id)
            share_model_clip(
                session,
                mentor,
                model.id,
                shareable=True,
                strand=step.strand.value if step.strand else None,
                standard=step.standard,
                phase=PHASES.get(school.name, ""),
            )
            models[(step.school_id, step.title)] = model
            made.append(model.id)
        step.model_clip_id = model.id
        rehearsal = _clip(
            session,
            sample,
            owner=ect,
            school_id=step.school_id,
            kind=ClipKind.REHEARSAL,
            title=f"Rehearsal: {step.title}",
            at=min(set_at + timedelta(days=1), now - timedelta(hours=3)),
        )
        rehearsal.step_id, rehearsal.attempt = step.id, 1
        session.add(
            Comment(
                clip_id=rehearsal.id,
                author_id=mentor.id,
                kind=CommentKind.PRAISE,
                at_seconds=3.0,
                body=REHEARSAL_PRAISE,
                created_at=rehearsal.created_at + timedelta(hours=2),
            )
        )
        session.add(
            CriterionCheck(
                clip_id=rehearsal.id,
                step_id=step.id,
                criterion=0,
                met=True,
                checked_by_id=mentor.id,
            )
        )
        made.append(rehearsal.id)
    session.commit()
    return made


def _clip(
    session: Session,
    sample: Clip,
    *,
    owner: User,
    school_id: int,
    kind: ClipKind,
    title: str,
    at: datetime,
) -> Clip:
    """A playable clip made of the sample's files; it shows no pupils (a model or rehearsal)."""
    clip = Clip(
        owner_id=owner.id,
        school_id=school_id,
        kind=kind,
        title=title[:200],
        recorded_on=at.date(),
        status=ClipStatus.READY,
        **sample_media(sample),
        created_at=at,
        ready_at=at + timedelta(minutes=2),
        consent_state=ConsentState.NO_PUPILS,
        recorded_by=owner.name,
        transcript_status=TranscriptStatus.PENDING,
        transcript_updated_at=at + timedelta(minutes=2),
    )
    session.add(clip)
    session.flush()
    return clip


def _aware(moment: datetime) -> datetime:
    # SQLite gives back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
