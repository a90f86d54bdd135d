"""The audit log: record who viewed or changed what, and let coordinators and admins read it.

Events are written, never edited: the model refuses updates and deletes, and no route changes
one. A use case that changes permissions records its event in the same transaction as the
change, so neither lands without the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from service import policy
from service.models import AuditAction, AuditEvent, Clip, Role, User, utcnow

PAGE_SIZE = 100
# A player fetches a clip's video in many range requests, and people pause and come back:
# one view per person and clip in this window is recorded, so the log stays readable.
VIEW_WINDOW = timedelta(minutes=10)


def record(
    session: Session,
    actor: User | None,
    action: AuditAction,
    *,
    clip_id: int | None = None,
    subject_id: int | None = None,
    school_id: int | None = None,
    detail: str = "",
    ip: str = "",
) -> AuditEvent:
    """Add an event to the session; the caller commits it with the rest of its work."""
    if school_id is None and clip_id is not None:
        school_id = session.scalar(select(Clip.school_id).where(Clip.id == clip_id))
    if school_id is None and subject_id is not None:
        school_id = _school_of(session, subject_id)
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        clip_id=clip_id,
        subject_id=subject_id,
        school_id=school_id,
        detail=detail[:500],
        ip=ip[:64],
    )
    session.add(event)
    session.flush()
    return event


def record_access(
    session: Session,
    viewer: User,
    clip: Clip,
    action: AuditAction,
    *,
    detail: str,
    ip: str = "",
) -> AuditEvent | None:
    """Record a read of a clip's media or words, once per person, clip and action a window.

    Answers None when this read is part of one already recorded. The window alone decides:
    a player's first request may ask for any byte range (the end of the file first, say), so
    no request shape is trusted to mark the start of a viewing.
    """
    recent = session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.action == action,
            AuditEvent.actor_id == viewer.id,
            AuditEvent.clip_id == clip.id,
            AuditEvent.at > utcnow() - VIEW_WINDOW,
        )
        .limit(1)
    )
    if recent is not None:
        return None
    return record(
        session,
        viewer,
        action,
        clip_id=clip.id,
        subject_id=clip.owner_id,
        school_id=clip.school_id,
        detail=detail,
        ip=ip,
    )


def record_view(
    session: Session, viewer: User, clip: Clip, *, how: str, ip: str = ""
) -> AuditEvent | None:
    """Record that someone viewed a clip, unless they already did in the last few minutes."""
    return record_access(
        session, viewer, clip, AuditAction.VIEW_CLIP, detail=f"{how}: {clip.title}", ip=ip
    )


def _school_of(session: Session, user_id: int) -> int | None:
    user = session.get(User, user_id)
    if user is None:
        return None
    return user.school_for()


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    older: int | None  # the id to continue from, when there are older events


def _in_scope(session: Session, viewer: User, query: Select) -> Select:
    """Limit an events query to the events the viewer may read."""
    if viewer.has_role(Role.ADMIN):
        return query
    return query.where(AuditEvent.school_id.in_(policy.audited_school_ids(session, viewer)))


def browse(
    session: Session,
    viewer: User,
    *,
    clip_id: int | None = None,
    person_id: int | None = None,
    action: AuditAction | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> EventPage:
    """The events the viewer may read, newest first, optionally for one clip or person.

    Admins read every event; a coordinator reads the events of the schools they audit.
    """
    query = _in_scope(session, viewer, select(AuditEvent))
    if clip_id is not None:
        query = query.where(AuditEvent.clip_id == clip_id)
    if person_id is not None:
        query = query.where(
            or_(AuditEvent.actor_id == person_id, AuditEvent.subject_id == person_id)
        )
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    rows = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit + 1)))
    older = rows[limit - 1].id if len(rows) > limit else None
    return EventPage(rows[:limit], older)


@dataclass(frozen=True)
class FilterNames:
    clip_title: str | None  # None when the clip is unknown or outside the viewer's log
    person_name: str | None


def filter_names(
    session: Session, viewer: User, *, clip_id: int | None, person_id: int | None
) -> FilterNames:
    """Name the clip and person a log is filtered by, where the viewer's log may name them.

    Only an event the viewer may read names them: an id from elsewhere names nothing.
    """
    clip_title = person_name = None
    if clip_id is not None:
        seen = _in_scope(session, viewer, select(AuditEvent.id)).where(
            AuditEvent.clip_id == clip_id
        )
        clip_title = session.scalar(select(Clip.title).where(Clip.id == clip_id, seen.exists()))
    if person_id is not None:
        seen = _in_scope(session, viewer, select(AuditEvent.id)).where(
            or_(AuditEvent.actor_id == person_id, AuditEvent.subject_id == person_id)
        )
        person_name = session.scalar(select(User.name).where(User.id == person_id, seen.exists()))
    return FilterNames(clip_title, person_name)
