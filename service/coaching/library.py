"""The school's step library: save a step to it, search it, start a step from it."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service import policy
from service.coaching.steps import StepInput, clean_step
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    StepTemplate,
    Strand,
    User,
)

# --- the step library ------------------------------------------------------------------------


def save_to_library(session: Session, mentor: User, data: StepInput) -> StepTemplate:
    """Add a step to the mentor's school library."""
    school_id = policy.mentor_school(mentor)
    if school_id is None:
        raise Forbidden("Only mentors can add steps to the library.")
    title, why, criteria, strand, standard = clean_step(data)
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
    school_ids = policy.library_school_ids(session, user)
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
    if template is None or template.school_id not in policy.library_school_ids(session, user):
        raise NotFound("We could not find that library step.")
    return StepInput(
        title=template.title,
        why=template.why,
        criteria=list(template.criteria),
        strand=template.strand.value,
        standard=template.standard,
    )
