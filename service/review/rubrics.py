"""Each trust's coaching rubric: made from DEFAULT_RUBRIC the first time it is needed, edited by the
trust's coordinators and admins; retired items stay on old notes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.errors import InvalidInput, NotFound
from service.models import (
    DEFAULT_RUBRIC,
    RubricItem,
    School,
    Trust,
    User,
)

MAX_LABEL = 200


# --- the rubric ------------------------------------------------------------------------------


def rubric_for(session: Session, trust_id: int | None) -> list[RubricItem]:
    """Return a trust's rubric in order, retired items included, made from the default once."""
    items = rubric_rows(session, trust_id)
    if items:
        return items
    for position, label in enumerate(DEFAULT_RUBRIC):
        session.add(RubricItem(trust_id=trust_id, label=label, position=position))
    session.commit()
    return rubric_rows(session, trust_id)


def rubric_rows(session: Session, trust_id: int | None) -> list[RubricItem]:
    where = RubricItem.trust_id.is_(None) if trust_id is None else RubricItem.trust_id == trust_id
    query = select(RubricItem).where(where).order_by(RubricItem.position, RubricItem.id)
    return list(session.scalars(query))


def trust_of_school(session: Session, school_id: int) -> int | None:
    """Return the trust a school belongs to (None outside a trust)."""
    return session.scalar(select(School.trust_id).where(School.id == school_id))


@dataclass(frozen=True)
class RubricChoice:
    """A rubric the user may edit: a trust (None: schools outside a trust) and its items."""

    trust_id: int | None
    name: str
    items: list[RubricItem]


def editable_rubrics(session: Session, user: User) -> list[tuple[int | None, str]]:
    """The rubrics the user may edit, as (trust id, name); admins also the no-trust rubric."""
    allowed = policy.rubric_trust_ids(user)
    query = select(Trust.id, Trust.name).order_by(Trust.name)
    if allowed is not None:
        query = query.where(Trust.id.in_(allowed))
    choices: list[tuple[int | None, str]] = [(row.id, row.name) for row in session.execute(query)]
    if allowed is None:
        choices.append((None, "Schools outside a trust"))
    return choices


def rubric_to_edit(session: Session, user: User, trust_id: int | None) -> RubricChoice:
    """Return a rubric the user may edit, made from the default if it is new."""
    names = dict(editable_rubrics(session, user))
    if trust_id not in names:
        raise NotFound("We could not find that trust's rubric.")
    return RubricChoice(trust_id, names[trust_id], rubric_for(session, trust_id))


def _editable_item(session: Session, user: User, item_id: int) -> RubricItem:
    item = session.get(RubricItem, item_id)
    if item is None:
        raise NotFound("We could not find that rubric item.")
    allowed = policy.rubric_trust_ids(user)
    if allowed is not None and item.trust_id not in allowed:
        raise NotFound("We could not find that rubric item.")
    return item


def _label(label: str) -> str:
    text = " ".join(label.split())
    if not text:
        raise InvalidInput("Please write the rubric item, for example “Praise is specific”.")
    if len(text) > MAX_LABEL:
        raise InvalidInput(f"Please keep a rubric item under {MAX_LABEL} characters.")
    return text


def _unique_label(items: list[RubricItem], label: str, *, skip: RubricItem | None = None) -> str:
    text = _label(label)
    if any(i.label.lower() == text.lower() and not i.retired and i is not skip for i in items):
        raise InvalidInput(f"The rubric already has “{text}”.")
    return text


def add_rubric_item(session: Session, user: User, trust_id: int | None, label: str) -> RubricItem:
    """Add an item at the end of a trust's rubric."""
    rubric = rubric_to_edit(session, user, trust_id)
    text = _unique_label(rubric.items, label)
    position = max((i.position for i in rubric.items), default=-1) + 1
    item = RubricItem(trust_id=trust_id, label=text, position=position)
    session.add(item)
    session.commit()
    return item


def rename_rubric_item(session: Session, user: User, item_id: int, label: str) -> RubricItem:
    """Reword a rubric item; notes already tagged with it show the new wording."""
    item = _editable_item(session, user, item_id)
    item.label = _unique_label(rubric_rows(session, item.trust_id), label, skip=item)
    session.commit()
    return item


def retire_rubric_item(
    session: Session, user: User, item_id: int, *, retired: bool = True
) -> RubricItem:
    """Stop offering an item for new notes (old notes keep it), or offer it again."""
    item = _editable_item(session, user, item_id)
    item.retired = retired
    session.commit()
    return item


def move_rubric_item(session: Session, user: User, item_id: int, offset: int) -> RubricItem:
    """Move an item one place up (offset -1) or down (+1) in its rubric."""
    item = _editable_item(session, user, item_id)
    items = rubric_rows(session, item.trust_id)
    index = items.index(item)
    other = index + (1 if offset > 0 else -1)
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for position, row in enumerate(items):
            row.position = position
        session.commit()
    return item
