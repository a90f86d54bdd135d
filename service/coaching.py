"""Use cases for the coaching cycle: action steps, the step and model libraries, rehearsals
and criterion ticks. The weekly meeting record and the home pages are in service.meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service import policy
from service.clips import get_visible_clip
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    TEACHERS_STANDARDS,
    ActionStep,
    Clip,
    ClipKind,
    Comment,
    CriterionCheck,
    Mentorship,
    StepStatus,
    StepTemplate,
    Strand,
    User,
    utcnow,
)

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


def _clean_step(data: StepInput) -> tuple[str, str, list[str], Strand, int]:
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


def model_clip_for(session: Session, mentor: User, clip_id: int | None) -> int | None:
    """Return the id of a model clip the mentor may attach (None for none), or refuse."""
    if clip_id is None:
        return None
    clip = session.get(Clip, clip_id)
    if clip is None or clip.kind != ClipKind.MODEL or not policy.can_attach_model(mentor, clip):
        raise InvalidInput(
            "That model clip cannot be used: choose one of your own model clips "
            "or one shared in your school's model library."
        )
    return clip.id


# --- action steps ---------------------------------------------------------------------------


def set_action_step(
    session: Session,
    mentor: User,
    ect_id: int,
    data: StepInput,
    *,
    source_comment_id: int | None = None,
) -> ActionStep:
    """Set a new active step for an ECT the mentor mentors."""
    visible_ect(session, mentor, ect_id)  # 404 before 403: never confirm a stranger exists
    pairing = mentorship_for(session, mentor, ect_id)
    title, why, criteria, strand, standard = _clean_step(data)
    if source_comment_id is not None:
        comment = session.get(Comment, source_comment_id)
        if comment is None or comment.clip.owner_id != ect_id:
            raise InvalidInput("That comment is not on one of this ECT's clips.")
    step = ActionStep(
        ect_id=ect_id,
        mentor_id=mentor.id,
        school_id=pairing.school_id,
        title=title,
        why=why,
        criteria=criteria,
        strand=strand,
        standard=standard,
        review_on=_review_date(pairing, data.review_on),
        model_clip_id=model_clip_for(session, mentor, data.model_clip_id),
        source_comment_id=source_comment_id,
    )
    session.add(step)
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
    title, why, criteria, strand, standard = _clean_step(data)
    step.title, step.why, step.criteria = title, why, criteria
    step.strand, step.standard = strand, standard
    if data.review_on != step.review_on:
        step.review_on = _review_date(pairing, data.review_on)
    step.model_clip_id = model_clip_for(session, mentor, data.model_clip_id)
    session.commit()
    return step


def close_action_step(
    session: Session, mentor: User, step_id: int, outcome: StepStatus
) -> ActionStep:
    """Mark an active step met, or moved on from before every criterion was met."""
    step = _own_step(session, mentor, step_id)
    if outcome not in (StepStatus.MET, StepStatus.MOVED_ON):
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
    step.status = StepStatus.REPEATED
    step.closed_at = utcnow()
    again = ActionStep(
        ect_id=step.ect_id,
        mentor_id=mentor.id,
        school_id=step.school_id,
        title=step.title,
        why=step.why,
        criteria=list(step.criteria),
        strand=step.strand,
        standard=step.standard,
        review_on=_review_date(pairing, review_on),
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
    """Return the ECT's active step (the newest, if more than one is active)."""
    visible_ect(session, user, ect_id)
    return session.scalar(
        select(ActionStep)
        .where(ActionStep.ect_id == ect_id, ActionStep.status == StepStatus.ACTIVE)
        .order_by(ActionStep.created_at.desc(), ActionStep.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class TimelineEntry:
    step: ActionStep
    rehearsals: list[Clip]
    comments: list[Comment]


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
        entries.append(TimelineEntry(step, rehearsals, comments))
    return entries


# --- the step library ------------------------------------------------------------------------


def save_to_library(session: Session, mentor: User, data: StepInput) -> StepTemplate:
    """Add a step to the mentor's school library."""
    school_id = policy.mentor_school(mentor)
    if school_id is None:
        raise Forbidden("Only mentors can add steps to the library.")
    title, why, criteria, strand, standard = _clean_step(data)
    exists = session.scalar(
        select(StepTemplate.id).where(
            StepTemplate.school_id == school_id, StepTemplate.title == title
        )
    )
    if exists is not None:
        raise InvalidInput("Your school's library already has a step with that title.")
    template = StepTemplate(
        school_id=school_id,
        title=title,
        why=why,
        criteria=criteria,
        strand=strand,
        standard=standard,
        created_by_id=mentor.id,
    )
    session.add(template)
    session.commit()
    return template


def search_library(
    session: Session,
    user: User,
    *,
    strand: str | None = None,
    standard: int | None = None,
    text: str = "",
) -> list[StepTemplate]:
    """List the library steps of the user's schools, filtered by strand, standard and words."""
    school_ids = policy.member_school_ids(session, user)
    query = select(StepTemplate).where(StepTemplate.school_id.in_(school_ids))
    if strand:
        if strand not in {s.value for s in Strand}:
            raise InvalidInput("Please choose the ECF strand: behaviour, instruction or subject.")
        query = query.where(StepTemplate.strand == Strand(strand))
    if standard:
        query = query.where(StepTemplate.standard == standard)
    for word in text.split():
        like = f"%{word.replace('%', '').replace('_', '')}%"
        query = query.where(or_(StepTemplate.title.ilike(like), StepTemplate.why.ilike(like)))
    return list(
        session.scalars(
            query.order_by(StepTemplate.strand, StepTemplate.standard, StepTemplate.title)
        )
    )


def step_from_template(session: Session, user: User, template_id: int) -> StepInput:
    """Return a library step as the starting values of a new step."""
    template = session.get(StepTemplate, template_id)
    if template is None or template.school_id not in policy.member_school_ids(session, user):
        raise NotFound("We could not find that library step.")
    return StepInput(
        title=template.title,
        why=template.why,
        criteria=list(template.criteria),
        strand=template.strand.value,
        standard=template.standard,
    )


# --- model clips -----------------------------------------------------------------------------


def attach_model_clip(session: Session, mentor: User, step_id: int, clip_id: int) -> ActionStep:
    """Attach a model clip to a step."""
    step = _own_step(session, mentor, step_id)
    step.model_clip_id = model_clip_for(session, mentor, clip_id)
    session.commit()
    return step


# --- rehearsals and criterion ticks ---------------------------------------------------------


def rehearsable_steps(session: Session, user: User) -> list[ActionStep]:
    """List the user's own active steps, newest first (what a rehearsal can be linked to)."""
    return list(
        session.scalars(
            select(ActionStep)
            .where(ActionStep.ect_id == user.id, ActionStep.status == StepStatus.ACTIVE)
            .order_by(ActionStep.created_at.desc(), ActionStep.id.desc())
        )
    )


def rehearsal_step(session: Session, ect: User, step_id: int | None) -> tuple[int, int]:
    """Check a rehearsal may be linked to this step; return (step id, next attempt number)."""
    step = session.get(ActionStep, step_id) if step_id is not None else None
    if step is None or step.ect_id != ect.id:
        raise InvalidInput("A rehearsal must be linked to one of your own action steps.")
    if step.status != StepStatus.ACTIVE:
        raise InvalidInput("That step is closed; rehearse your current step.")
    attempts = session.scalars(select(Clip.attempt).where(Clip.step_id == step.id)).all()
    return step.id, max((a or 0 for a in attempts), default=0) + 1


def tick_criterion(
    session: Session, mentor: User, clip_id: int, criterion: int, met: bool
) -> CriterionCheck | None:
    """Tick (or untick) one success criterion for one rehearsal attempt."""
    clip = get_visible_clip(session, mentor, clip_id)
    if clip.kind != ClipKind.REHEARSAL or clip.step_id is None:
        raise InvalidInput("Criteria are ticked on rehearsals of a step.")
    step = session.get(ActionStep, clip.step_id)
    mentorship_for(session, mentor, step.ect_id)
    if not 0 <= criterion < len(step.criteria):
        raise InvalidInput("That success criterion is not part of the step.")
    check = session.scalar(
        select(CriterionCheck).where(
            CriterionCheck.clip_id == clip.id, CriterionCheck.criterion == criterion
        )
    )
    if not met:
        if check is not None:
            session.delete(check)
            session.commit()
        return None
    if check is None:
        check = CriterionCheck(
            clip_id=clip.id, step_id=step.id, criterion=criterion, met=True, checked_by_id=mentor.id
        )
        session.add(check)
    session.commit()
    return check


@dataclass(frozen=True)
class RehearsalView:
    clip: Clip
    step: ActionStep
    model: Clip | None
    ticked: set[int]
    attempts: list[Clip]


def rehearsal_view(session: Session, user: User, clip_id: int) -> RehearsalView:
    """Everything the rehearsal page shows: the attempt, its step, the model and the ticks."""
    clip = get_visible_clip(session, user, clip_id)
    if clip.kind != ClipKind.REHEARSAL or clip.step_id is None:
        raise NotFound("That clip is not a rehearsal of an action step.")
    if not policy.can_view_coaching(session, user, clip.owner):
        # A colleague lent the clip sees the clip alone, not the ECT's step and criteria.
        raise NotFound()
    step = session.get(ActionStep, clip.step_id)
    model = None
    if step.model_clip_id is not None:
        candidate = session.get(Clip, step.model_clip_id)
        if candidate is not None and policy.can_view_clip(session, user, candidate):
            model = candidate
    ticked = set(
        session.scalars(
            select(CriterionCheck.criterion).where(
                CriterionCheck.clip_id == clip.id, CriterionCheck.met.is_(True)
            )
        )
    )
    attempts = list(
        session.scalars(
            select(Clip)
            .where(Clip.step_id == step.id, policy.clip_visibility(user))
            .order_by(Clip.attempt)
        )
    )
    return RehearsalView(clip, step, model, ticked, attempts)
