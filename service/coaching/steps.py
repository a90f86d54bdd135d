"""Action steps: a mentor sets one for an ECT (with success criteria, a review date and
perhaps a model clip), edits, closes or repeats it; the step an ECT works on now, and the
timeline of their steps.

An ECT works on one step at a time: setting a new step closes the current one as met or moved
on (the mentor says which), and repeating a step closes it as repeated. Both go through
``_close_current``, the one place that keeps a single step active.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    TEACHERS_STANDARDS,
    ActionStep,
    Clip,
    ClipKind,
    Comment,
    Mentorship,
    StepStatus,
    Strand,
    User,
    utcnow,
)
from service.notify import events

MAX_CRITERIA = 5
MAX_TITLE = 200
MAX_TEXT = 5000


@dataclass(frozen=True)
class StepInput:
    """What a mentor writes when setting or editing a step."""

    title: str
    why: str
    criteria: Sequence[str]
    strand: str
    standard: int
    review_on: date | None = None  # None: a week in year 1, a fortnight in year 2
    model_clip_id: int | None = None


# --- who is whose ---------------------------------------------------------------------------


def mentorship_for(session: Session, mentor: User, ect_id: int) -> Mentorship:
    """Return the mentor's current pairing with this ECT, or refuse."""
    pairing = session.scalar(
        select(Mentorship).where(
            Mentorship.mentor_id == mentor.id,
            Mentorship.ect_id == ect_id,
            Mentorship.ended_on.is_(None),
        )
    )
    if pairing is None:
        raise Forbidden("Only the ECT's mentor can set or change their action steps.")
    return pairing


def visible_ect(session: Session, user: User, ect_id: int) -> User:
    """Return the ECT if the user may see their coaching record (404 otherwise)."""
    ect = session.get(User, ect_id)
    if ect is None or not policy.can_view_coaching(session, user, ect):
        raise NotFound("We could not find that teacher's coaching record.")
    return ect


# --- validation -----------------------------------------------------------------------------


def clean_step(data: StepInput) -> tuple[str, str, list[str], Strand, int]:
    """Check a step's fields and return them tidied: title, text, criteria, strand, standard."""
    title = data.title.strip()
    if not title:
        raise InvalidInput("Please give the step a short title.")
    if len(title) > MAX_TITLE:
        raise InvalidInput(
            f"Please keep the title under {MAX_TITLE} characters: a step should be bite-sized."
        )
    criteria = [c.strip() for c in data.criteria if c and c.strip()]
    if not criteria:
        raise InvalidInput("Please give at least one success criterion.")
    if len(criteria) > MAX_CRITERIA:
        raise InvalidInput(f"Please keep to at most {MAX_CRITERIA} success criteria.")
    if any(len(c) > 500 for c in criteria):
        raise InvalidInput("Please keep each success criterion under 500 characters.")
    try:
        strand = Strand(data.strand)
    except ValueError:
        raise InvalidInput(
            "Please choose the ECF strand: behaviour, instruction or subject."
        ) from None
    if data.standard not in TEACHERS_STANDARDS:
        raise InvalidInput("Please choose the Teachers' Standard (1 to 8) the step serves.")
    if len(data.why) > MAX_TEXT:
        raise InvalidInput(f"Please keep the why under {MAX_TEXT} characters.")
    return title, data.why.strip(), criteria, strand, data.standard


def _review_date(pairing: Mentorship, review_on: date | None) -> date:
    if review_on is None:
        return date.today() + timedelta(days=7 if pairing.induction_year == 1 else 14)
    if review_on < date.today():
        raise InvalidInput("The review date cannot be in the past.")
    return review_on


# Why a mentor's own model clip cannot go on a step yet (the step form says it too).
MODEL_CONSENT = (
    "A model clip can go on a step only once the school has recorded that every pupil shown "
    "has consented, or that no pupil can be identified: ask your induction coordinator to "
    "record consent."
)


def model_clip_for(session: Session, mentor: User, clip_id: int | None) -> int | None:
    """Return the id of a model clip the mentor may attach (None for none), or refuse."""
    if clip_id is None:
        return None
    clip = session.get(Clip, clip_id)
    if clip is not None and policy.can_attach_model(mentor, clip):
        return clip.id
    if clip is not None and clip.kind == ClipKind.MODEL and clip.owner_id == mentor.id:
        raise InvalidInput(MODEL_CONSENT)  # the mentor's own clip: say what is missing
    raise InvalidInput(
        "That model clip cannot be used: choose one of your own model clips "
        "or one shared in your school's model library."
    )


# --- action steps ---------------------------------------------------------------------------

# How a mentor closes a step by hand, or says what became of it when setting the next one.
CLOSING_OUTCOMES = (StepStatus.MET, StepStatus.MOVED_ON)


def _active_steps(session: Session, ect_id: int) -> list[ActionStep]:
    """The ECT's active steps, newest first: one, or none (more only in data from before one
    step at a time was enforced). Locks the ECT's row, so two mentors setting steps at once
    (on PostgreSQL) take turns instead of leaving two steps active."""
    session.execute(select(User.id).where(User.id == ect_id).with_for_update())
    return list(
        session.scalars(
            select(ActionStep)
            .where(ActionStep.ect_id == ect_id, ActionStep.status == StepStatus.ACTIVE)
            .order_by(ActionStep.created_at.desc(), ActionStep.id.desc())
        )
    )


def _close_current(steps: Sequence[ActionStep], outcome: StepStatus) -> None:
    """Close the current step as ``outcome``, and any older one left active as moved on."""
    now = utcnow()
    for n, step in enumerate(steps):
        step.status = outcome if n == 0 else StepStatus.MOVED_ON
        step.closed_at = now


def set_action_step(
    session: Session,
    mentor: User,
    ect_id: int,
    data: StepInput,
    *,
    source_comment_id: int | None = None,
    current_outcome: StepStatus | None = None,
) -> ActionStep:
    """Set a new active step for an ECT the mentor mentors, closing their current step as
    ``current_outcome`` (met or moved on; required while they have one)."""
    ect = visible_ect(session, mentor, ect_id)  # 404 before 403: never confirm a stranger exists
    pairing = mentorship_for(session, mentor, ect_id)
    title, why, criteria, strand, standard = clean_step(data)
    if source_comment_id is not None:
        comment = session.get(Comment, source_comment_id)
        if comment is None or comment.clip.owner_id != ect_id:
            raise InvalidInput("That comment is not on one of this ECT's clips.")
    review_on = _review_date(pairing, data.review_on)
    model_clip_id = model_clip_for(session, mentor, data.model_clip_id)
    current = _active_steps(session, ect_id)
    if current and current_outcome not in CLOSING_OUTCOMES:
        raise InvalidInput(
            f"{ect.name} is still working on “{current[0].title}”. Please say whether it was "
            "met or you are moving on from it: an ECT works on one step at a time."
        )
    _close_current(current, current_outcome or StepStatus.MOVED_ON)
    step = ActionStep(
        ect_id=ect_id,
        mentor_id=mentor.id,
        school_id=pairing.school_id,
        title=title,
        why=why,
        criteria=criteria,
        strand=strand,
        standard=standard,
        review_on=review_on,
        model_clip_id=model_clip_id,
        source_comment_id=source_comment_id,
    )
    session.add(step)
    events.step_set(session, step)
    session.commit()
    return step


def _own_step(session: Session, mentor: User, step_id: int) -> ActionStep:
    step = session.get(ActionStep, step_id)
    if step is None or not policy.can_view_coaching(session, mentor, step.ect):
        raise NotFound("We could not find that action step.")
    mentorship_for(session, mentor, step.ect_id)
    return step


def edit_action_step(session: Session, mentor: User, step_id: int, data: StepInput) -> ActionStep:
    """Change a step's wording, criteria, tags, review date or model."""
    step = _own_step(session, mentor, step_id)
    pairing = mentorship_for(session, mentor, step.ect_id)
    title, why, criteria, strand, standard = clean_step(data)
    step.title, step.why, step.criteria = title, why, criteria
    step.strand, step.standard = strand, standard
    if data.review_on != step.review_on:
        step.review_on = _review_date(pairing, data.review_on)
    if data.model_clip_id != step.model_clip_id:
        # Keeping the model already attached is not attaching it again; the ECT sees it only
        # while its consent allows (policy.clip_visibility).
        step.model_clip_id = model_clip_for(session, mentor, data.model_clip_id)
    session.commit()
    return step


def close_action_step(
    session: Session, mentor: User, step_id: int, outcome: StepStatus
) -> ActionStep:
    """Mark an active step met, or moved on from before every criterion was met."""
    step = _own_step(session, mentor, step_id)
    if outcome not in CLOSING_OUTCOMES:
        raise InvalidInput("A step is closed as met or moved on.")
    if step.status != StepStatus.ACTIVE:
        raise InvalidInput("Only an active step can be closed.")
    step.status = outcome
    step.closed_at = utcnow()
    session.commit()
    return step


def repeat_action_step(
    session: Session, mentor: User, step_id: int, review_on: date | None = None
) -> ActionStep:
    """Carry a step into the next cycle as a new active step linked to the old one."""
    step = _own_step(session, mentor, step_id)
    if step.status != StepStatus.ACTIVE:
        raise InvalidInput("Only an active step can be repeated.")
    pairing = mentorship_for(session, mentor, step.ect_id)
    review_on = _review_date(pairing, review_on)
    current = _active_steps(session, step.ect_id)
    # The repeated step first, so it is closed as repeated; any other still active moved on.
    _close_current([step] + [s for s in current if s.id != step.id], StepStatus.REPEATED)
    again = ActionStep(
        ect_id=step.ect_id,
        mentor_id=mentor.id,
        school_id=step.school_id,
        title=step.title,
        why=step.why,
        criteria=list(step.criteria),
        strand=step.strand,
        standard=step.standard,
        review_on=review_on,
        model_clip_id=step.model_clip_id,
        previous_step_id=step.id,
    )
    session.add(again)
    session.commit()
    return again


def get_step(session: Session, user: User, step_id: int) -> ActionStep:
    """Return a step the user may see."""
    step = session.get(ActionStep, step_id)
    if step is None or not policy.can_view_coaching(session, user, step.ect):
        raise NotFound("We could not find that action step.")
    return step


def current_step(session: Session, user: User, ect_id: int) -> ActionStep | None:
    """Return the ECT's active step (the newest, should data from before one step at a time
    hold more than one)."""
    visible_ect(session, user, ect_id)
    return session.scalar(
        select(ActionStep)
        .where(ActionStep.ect_id == ect_id, ActionStep.status == StepStatus.ACTIVE)
        .order_by(ActionStep.created_at.desc(), ActionStep.id.desc())
        .limit(1)
    )


def visible_model(session: Session, user: User, step: ActionStep | None) -> Clip | None:
    """Return the step's model clip when the user may watch it (None otherwise)."""
    if step is None or step.model_clip_id is None:
        return None
    clip = session.get(Clip, step.model_clip_id)
    return clip if clip is not None and policy.can_view_clip(session, user, clip) else None


@dataclass(frozen=True)
class TimelineEntry:
    step: ActionStep
    rehearsals: list[Clip]
    comments: list[Comment]
    model: Clip | None = None  # the step's model clip, when the viewer may watch it


def step_timeline(session: Session, user: User, ect_id: int) -> list[TimelineEntry]:
    """Every step of an ECT, newest first, with its rehearsals and linked feedback."""
    visible_ect(session, user, ect_id)
    steps = list(
        session.scalars(
            select(ActionStep)
            .where(ActionStep.ect_id == ect_id)
            .order_by(ActionStep.created_at.desc(), ActionStep.id.desc())
        )
    )
    entries = []
    for step in steps:
        rehearsals = list(
            session.scalars(
                select(Clip)
                .where(Clip.step_id == step.id, policy.clip_visibility(user))
                .order_by(Clip.attempt)
            )
        )
        comments = []
        if step.source_comment_id is not None:
            source = session.get(Comment, step.source_comment_id)
            if source is not None:
                comments.append(source)
        model = visible_model(session, user, step)
        entries.append(TimelineEntry(step, rehearsals, comments, model))
    return entries
