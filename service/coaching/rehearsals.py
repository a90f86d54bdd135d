"""Rehearsals of an action step: which steps an ECT can rehearse, numbering attempts, ticking
success criteria, and the page that shows a rehearsal beside the model."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.clips.visibility import get_visible_clip
from service.coaching.steps import mentorship_for
from service.errors import InvalidInput, NotFound
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    CriterionCheck,
    StepStatus,
    User,
)

# --- rehearsals and criterion ticks ---------------------------------------------------------


def rehearsable_steps(session: Session, user: User) -> list[ActionStep]:
    """List the steps a rehearsal of the user's can be linked to: their current step, if any."""
    return list(
        session.scalars(
            select(ActionStep)
            .where(ActionStep.ect_id == user.id, ActionStep.status == StepStatus.ACTIVE)
            .order_by(ActionStep.created_at.desc(), ActionStep.id.desc())
            .limit(1)
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
