"""Emailing notifications at once: each due notification of a kind the person has "at once"
becomes one message in the outbox (service.mail), which the mail job sends.

Sending twice is impossible by construction: a notification is claimed (``email_due`` set
false, ``emailed_at`` set) in the same transaction that writes its message, and only if it was
still due. A run killed before its commit leaves everything due for the next run; one killed
after it has written the messages, which the sweeper queues if nobody did. Kinds emailed in the
daily digest are left due for the digest (service.notify.digests); kinds turned off are
cleared. Access is checked again here: nothing is emailed about what the person may no longer
see, and a deactivated person is emailed nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, event, exists, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from service import mail
from service.models import DeliveryMode, Notification, NotificationPreference, User, utcnow
from service.notify.centre import visible
from service.notify.kinds import KINDS, digest_by_default
from service.notify.preferences import settings_url, unsubscribe_url
from service.notify.raising import delivery_mode

BATCH = 100
TEMPLATE_PREFIX = "notify-"  # a message's template: "notify-<kind>" (workers.mail reads it)


@dataclass(frozen=True)
class Links:
    """What an email's links need: the app's public address and the key that signs them."""

    base_url: str | None
    secret_key: str


def _not_in_digest():
    """WHERE clause: the notification's person does not have its kind in the daily digest."""
    chosen = aliased(NotificationPreference)
    has_choice = exists(
        select(chosen.id).where(
            chosen.user_id == Notification.user_id, chosen.kind == Notification.kind
        )
    )
    digest_choice = exists(
        select(chosen.id).where(
            chosen.user_id == Notification.user_id,
            chosen.kind == Notification.kind,
            chosen.mode == DeliveryMode.DIGEST,
        )
    )
    return and_(
        ~digest_choice,
        or_(has_choice, Notification.kind.not_in(digest_by_default())),
    )


def due_ids(session: Session, limit: int = BATCH) -> list[int]:
    """Return the ids of notifications owed an email at once (or owed clearing: turned off)."""
    query = (
        select(Notification.id)
        .where(Notification.email_due.is_(True), _not_in_digest())
        .order_by(Notification.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def anything_due(session: Session) -> bool:
    """Say whether a delivery run has work to do."""
    return bool(due_ids(session, limit=1))


def deliver_due(session: Session, links: Links, limit: int = BATCH) -> list[int]:
    """Write the email of each due notification (up to ``limit``), mark them emailed, commit;
    return the ids of the messages written, for the caller to queue."""
    messages = []
    for notification_id in due_ids(session, limit):
        notification = session.get(Notification, notification_id)
        if notification is None:
            continue
        person = session.get(User, notification.user_id)
        mode = delivery_mode(session, notification.user_id, notification.kind)
        if mode == DeliveryMode.DIGEST:
            continue  # chosen a moment ago: the digest takes it
        # Claim it: only the run whose update finds it still due writes its email.
        claimed = session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.email_due.is_(True))
            .values(email_due=False)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            continue
        if mode == DeliveryMode.OFF or person is None or not person.active:
            continue
        if not _still_visible(session, person, notification_id):
            continue
        session.refresh(notification)
        notification.emailed_at = utcnow()
        messages.append(compose(session, person, notification, links))
    session.commit()
    return [message.id for message in messages]


def _still_visible(session: Session, person: User, notification_id: int) -> bool:
    query = select(Notification.id).where(
        Notification.id == notification_id, visible(session, person)
    )
    return session.scalar(query) is not None


def compose(session: Session, person: User, notification: Notification, links: Links):
    """Write one notification's email: its words, a link to the place, and the way out."""
    base = (links.base_url or "").rstrip("/") or None
    target = (base or "http://localhost:5000") + notification.link
    kind = KINDS.get(notification.kind)
    label = kind.label if kind else "Coachreel notifications"
    stop = unsubscribe_url(base, links.secret_key, person.id, notification.kind)
    text, page = mail.letter(
        greeting=f"Hello {person.name},",
        paragraphs=[notification.text],
        link=target,
        button="Open it in Coachreel",
        after=[f"You get this email because “{label}” is set to be emailed at once."],
        footer_links=[
            ("Stop these emails", stop),
            ("Choose which emails you get", settings_url(base)),
        ],
    )
    return mail.compose(
        session,
        to=person.email,
        user_id=person.id,
        template=f"{TEMPLATE_PREFIX}{notification.kind}"[:40],
        subject=f"Coachreel: {label}"[:200],
        text=text,
        html=page,
    )


def unsubscribe_kind(template: str) -> str | None:
    """Return the kind a notification email's unsubscribe link turns off (None: not one)."""
    if template.startswith(TEMPLATE_PREFIX):
        return template[len(TEMPLATE_PREFIX) :] or None
    return None


NOTED = "coachreel.notified"


def after_notifications_commit(factory: sessionmaker[Session], queue: Callable[[], None]) -> None:
    """Call ``queue`` after each commit, by a session of ``factory``, that wrote a notification.

    The callers queue the delivery run (the web app, the worker): the use cases that raise
    notifications never need to remember it.
    """

    def note(session: Session, _flush_context: object) -> None:
        if any(isinstance(row, Notification) for row in session.new):
            session.info[NOTED] = True

    def forget(session: Session, *_args: object) -> None:
        session.info.pop(NOTED, None)

    def committed(session: Session) -> None:
        if session.info.pop(NOTED, False):
            queue()

    event.listen(factory, "after_flush", note)
    event.listen(factory, "after_commit", committed)
    event.listen(factory, "after_rollback", forget)
