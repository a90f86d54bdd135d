"""Notifications: what someone is told happened (in the app, and by email as they choose)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, str_enum, utcnow


class DeliveryMode(enum.StrEnum):
    """How a person wants one kind of notification emailed (the app always shows it)."""

    NOW = "now"  # an email at once
    DIGEST = "digest"  # one email a day with the day's notifications of every such kind
    OFF = "off"  # no email

    @property
    def label(self) -> str:
        return {"now": "At once", "digest": "In a daily digest", "off": "Off"}[self.value]


class Notification(Base):
    """One thing one person is told. Its text and link carry no child's data: a title the
    teacher gave a clip, a person's name, a date. ``dedupe_key`` makes raising idempotent: a
    use case or check that runs twice for the same event adds nothing the second time."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_dedupe"),
        Index(
            "ix_notifications_unread",
            "user_id",
            sqlite_where=text("read_at IS NULL"),
            postgresql_where=text("read_at IS NULL"),
        ),
        Index(
            "ix_notifications_to_email",
            "created_at",
            sqlite_where=text("email_due = 1"),
            postgresql_where=text("email_due"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # service.notify.kinds: "clip_uploaded", ...
    text: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(300))  # a path in the app: "/clips/12?t=73.5"
    # What the notification is about, for checking access when it is read (a clip the person
    # may no longer see makes the notification disappear) and for clean-up.
    clip_id: Mapped[int | None] = mapped_column(
        ForeignKey("clips.id", ondelete="CASCADE"), default=None, index=True
    )
    ect_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    dedupe_key: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    # Whether an email is still owed for it (at once or in the next digest), and when it went.
    email_due: Mapped[bool] = mapped_column(default=False)
    emailed_at: Mapped[datetime | None] = mapped_column(default=None)


class NotificationPreference(Base):
    """A person's choice of email for one kind of notification; none means the kind's default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_preferences_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[DeliveryMode] = mapped_column(str_enum(DeliveryMode))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ScheduledRun(Base):
    """A scheduled check that has run (the daily reminders, Monday's digest, a day's email
    digest): its unique key makes it run once however many workers ask."""

    __tablename__ = "scheduled_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # "reminders:2026-12-07:12"
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
