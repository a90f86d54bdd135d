"""The notification centre: a person's notifications, newest first, and how many are unread.

Access is checked when they are read, not only when raised: a notification about a clip the
person may no longer see (the pairing ended, the share was revoked) or about an ECT whose
coaching they may no longer follow is not listed, not counted, and cannot be opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true, update
from sqlalchemy.orm import Session

from service import policy
from service.errors import NotFound
from service.models import Clip, Membership, Mentorship, Notification, Role, User, utcnow
from service.policy.roles import reviewed_mentor_ids

PAGE_SIZE = 30


@dataclass(frozen=True)
class Page:
    """One page of a person's notifications."""

    items: list[Notification]
    page: int
    has_more: bool
    unread: int


def coaching_visibility(session: Session, user: User) -> ColumnElement[bool]:
    """Return a WHERE clause on ``Notification.ect_id`` true where the user may follow that
    ECT's coaching: the rules of ``policy.can_view_coaching``, as SQL."""
    if not user.is_active:
        return false()
    if user.has_role(Role.ADMIN):
        return true()
    ect = Notification.ect_id
    conditions: list[ColumnElement[bool]] = []
    if user.has_role(Role.ECT):
        conditions.append(ect == user.id)
    if user.has_role(Role.MENTOR):
        conditions.append(
            exists(
                select(Mentorship.id).where(
                    Mentorship.mentor_id == user.id,
                    Mentorship.ect_id == ect,
                    Mentorship.ended_on.is_(None),
                )
            )
        )
    if user.has_role(Role.REVIEWER):
        conditions.append(
            exists(
                select(Mentorship.id).where(
                    Mentorship.ect_id == ect,
                    Mentorship.ended_on.is_(None),
                    Mentorship.mentor_id.in_(reviewed_mentor_ids(user)),
                )
            )
        )
    audited = policy.audited_school_ids(session, user)
    if audited:
        conditions.append(
            exists(
                select(Membership.id).where(
                    Membership.user_id == ect,
                    Membership.role == Role.ECT,
                    Membership.school_id.in_(audited),
                )
            )
        )
    if not conditions:
        return false()
    is_ect = exists(
        select(Membership.id).where(Membership.user_id == ect, Membership.role == Role.ECT)
    )
    return and_(is_ect, or_(*conditions))


def visible(session: Session, user: User) -> ColumnElement[bool]:
    """Return a WHERE clause selecting the user's own notifications they may still see."""
    clips = select(Clip.id).where(policy.clip_visibility(user))
    return and_(
        Notification.user_id == user.id,
        or_(Notification.clip_id.is_(None), Notification.clip_id.in_(clips)),
        or_(Notification.ect_id.is_(None), coaching_visibility(session, user)),
    )


def unread_count(session: Session, user: User) -> int:
    """Return how many of the user's notifications they have not read (one query)."""
    if not user.is_active:
        return 0
    query = select(func.count(Notification.id)).where(
        Notification.read_at.is_(None), visible(session, user)
    )
    return session.scalar(query) or 0


def notifications(session: Session, user: User, page: int = 1) -> Page:
    """Return a page of the user's notifications, newest first."""
    page = max(1, page)
    query = (
        select(Notification)
        .where(visible(session, user))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    items = list(session.scalars(query))
    return Page(items[:PAGE_SIZE], page, len(items) > PAGE_SIZE, unread_count(session, user))


def open_notification(session: Session, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read and return it (its link is where to go)."""
    found = session.scalar(
        select(Notification).where(Notification.id == notification_id, visible(session, user))
    )
    if found is None:
        raise NotFound(
            "That notification is no longer there: what it was about has moved or ended. "
            "Please go back to your notifications."
        )
    if found.read_at is None:
        found.read_at = utcnow()
        session.commit()
    return found


def mark_all_read(session: Session, user: User) -> int:
    """Mark every unread notification of the user's read; return how many were unread."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount or 0  # type: ignore[attr-defined]
