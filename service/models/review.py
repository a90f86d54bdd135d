"""Coaching on coaching: reviewers assigned to mentors, and their rubric-tagged notes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, str_enum, utcnow
from service.models.org import User

# The rubric a trust starts from (each trust may edit its own copy).
DEFAULT_RUBRIC = (
    "Praise is specific",
    "Step is bite-sized and observable",
    "The why is explained",
    "Success criteria are clear",
    "The model matches the step",
    "Practice happened more than once",
    "Feedback between practice rounds is precise",
)


class Verdict(enum.StrEnum):
    STRENGTH = "strength"
    WORK_ON = "work_on"

    @property
    def label(self) -> str:
        return {"strength": "Strength", "work_on": "Work on"}[self.value]


class ReviewerAssignment(Base):
    """A reviewer assigned to help one mentor; ended rather than deleted, for the record."""

    __tablename__ = "reviewer_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id], lazy="joined")
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id], lazy="joined")


class RubricItem(Base):
    """One item of a trust's rubric (trust_id NULL: the rubric of schools outside a trust)."""

    __tablename__ = "rubric_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trusts.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)  # kept for the notes that use it


class ReviewNote(Base):
    """A reviewer's annotation on a mentor's comment, action step or session record."""

    __tablename__ = "review_notes"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN comment_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN step_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN session_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    ect_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), default=None, index=True
    )
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_steps.id", ondelete="CASCADE"), default=None, index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), default=None, index=True
    )
    rubric_item_id: Mapped[int] = mapped_column(ForeignKey("rubric_items.id"), index=True)
    verdict: Mapped[Verdict] = mapped_column(str_enum(Verdict))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id], lazy="joined")
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    rubric_item: Mapped[RubricItem] = relationship(lazy="joined")
    replies: Mapped[list[ReviewReply]] = relationship(
        back_populates="note", order_by="ReviewReply.id", cascade="all, delete-orphan"
    )


class ReviewReply(Base):
    """The mentor's (or the reviewer's) reply under a review note."""

    __tablename__ = "review_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(
        ForeignKey("review_notes.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    note: Mapped[ReviewNote] = relationship(back_populates="replies")
    author: Mapped[User] = relationship(lazy="joined")


class SessionReview(Base):
    """A reviewer's mark that a mentor's session record has been reviewed (leaves the queue)."""

    __tablename__ = "session_reviews"
    __table_args__ = (
        UniqueConstraint("session_id", "reviewer_id", name="uq_session_reviews_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sessions.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
