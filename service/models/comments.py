"""Time-stamped feedback on clips, with one level of replies."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, str_enum, utcnow
from service.models.clips import Clip
from service.models.org import User


class CommentKind(enum.StrEnum):
    """What a piece of feedback is for; the page shows each with its own colour and icon."""

    PRAISE = "praise"
    NEXT_STEP = "next_step"
    QUESTION = "question"
    NOTE = "note"

    @property
    def label(self) -> str:
        return {
            "praise": "Praise",
            "next_step": "Next step",
            "question": "Question",
            "note": "Note",
        }[self.value]


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # A reply has its parent's time; only top-level comments have a moment or range of their own.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True, default=None
    )
    kind: Mapped[CommentKind] = mapped_column(str_enum(CommentKind), default=CommentKind.NOTE)
    at_seconds: Mapped[float]
    end_seconds: Mapped[float | None] = mapped_column(default=None)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)
    # A deleted comment keeps its row (and its replies) with the body emptied.
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    seen_at: Mapped[datetime | None] = mapped_column(default=None)
    seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    clip: Mapped[Clip] = relationship(back_populates="comments")
    author: Mapped[User] = relationship(lazy="joined", foreign_keys=[author_id])
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(
        back_populates="parent",
        order_by="Comment.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
