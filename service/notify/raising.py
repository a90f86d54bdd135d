"""Raising a notification: one row per person and event, never two (the dedupe key)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.models import DeliveryMode, Notification, NotificationPreference, User
from service.notify.kinds import default_mode as kind_default


def delivery_mode(
    session: Session, user_id: int, kind: str, default: DeliveryMode | None = None
) -> DeliveryMode:
    """Return how this person wants this kind emailed (their choice, else the kind's default)."""
    chosen = session.scalar(
        select(NotificationPreference.mode).where(
            NotificationPreference.user_id == user_id, NotificationPreference.kind == kind
        )
    )
    return chosen or default or kind_default(kind)


def notify(
    session: Session,
    user_id: int,
    kind: str,
    *,
    text: str,
    link: str,
    dedupe_key: str,
    clip_id: int | None = None,
    ect_id: int | None = None,
    default_mode: DeliveryMode | None = None,
) -> Notification | None:
    """Add a notification for a person unless one with this key exists (a retried job or a
    check run twice adds nothing); return it, or None when it was there already or the person
    is deactivated. The caller commits with the rest of its work. ``text`` names no child.

    The row is written at once in a SAVEPOINT: a duplicate raised at the same moment by
    another process (the unique key refuses it) undoes only this insert, never the caller's
    work. ``default_mode`` is the kind's registered default unless given.
    """
    person = session.get(User, user_id)
    if person is None or not person.active:
        return None
    key = dedupe_key[:160]
    exists = session.scalar(
        select(Notification.id).where(
            Notification.user_id == user_id, Notification.dedupe_key == key
        )
    )
    if exists is not None:
        return None
    mode = delivery_mode(session, user_id, kind, default_mode)
    notification = Notification(
        user_id=user_id,
        kind=kind,
        text=text[:300],
        link=link[:300],
        clip_id=clip_id,
        ect_id=ect_id,
        dedupe_key=key,
        email_due=mode != DeliveryMode.OFF,
    )
    session.flush()  # the caller's own rows first: their errors are theirs to handle
    try:
        with session.begin_nested():
            session.add(notification)
    except IntegrityError:  # the same event, raised at the same moment elsewhere
        return None
    return notification
