"""Children's privacy: the consent register's vocabulary, a school's classes, and shares.

A school is the data controller for the pupils its clips show. Each clip records the lawful
basis the school relies on and the state of pupils' consent; a school names its classes, some
of which may be recorded as sound only; and an ECT may lend one clip to a named colleague for
a limited time.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, utcnow
from service.models.org import School, User

if TYPE_CHECKING:  # clips imports this module
    from service.models.clips import Clip


class LawfulBasis(enum.StrEnum):
    """The UK GDPR Article 6 basis a school relies on to record a lesson."""

    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legit_interests"
    CONSENT = "consent"

    @property
    def label(self) -> str:
        return {
            "public_task": "Public task (the school's duty to train its teachers)",
            "legit_interests": "Legitimate interests",
            "consent": "Consent",
        }[self.value]


class ConsentState(enum.StrEnum):
    """What the school knows of the consent of the pupils a clip shows."""

    NOT_RECORDED = "not_recorded"
    NO_PUPILS = "no_pupils"
    ALL_CONSENTED = "all_consented"
    SOME_NOT_CONSENTED = "some_refused"

    @property
    def label(self) -> str:
        return {
            "not_recorded": "Not recorded yet",
            "no_pupils": "No pupils can be identified",
            "all_consented": "Every pupil shown has consent",
            "some_refused": "Some pupils shown have not consented: faces must be blurred",
        }[self.value]

    @property
    def requires_blur(self) -> bool:
        return self is ConsentState.SOME_NOT_CONSENTED

    @property
    def allows_sharing(self) -> bool:
        """Say whether a clip may go past its ECT, mentor and coordinators (library, shares)."""
        return self in (ConsentState.NO_PUPILS, ConsentState.ALL_CONSENTED)


class BlurStatus(enum.StrEnum):
    REQUESTED = "requested"
    PROCESSING = "processing"
    # Blurred, waiting for the uploader to check it: shown to nobody else until they confirm
    # (unless the school lets blurs go without that check).
    REVIEW = "review"
    READY = "ready"
    FAILED = "failed"


class SchoolClass(Base):
    """A class a school records, e.g. "9X2 maths"; some are recorded as sound only."""

    __tablename__ = "school_classes"
    __table_args__ = (UniqueConstraint("school_id", "name", name="uq_school_classes_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    audio_only: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()


class ClipShare(Base):
    """One clip lent by its ECT to one named colleague until a time, unless revoked sooner."""

    __tablename__ = "clip_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    shared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    colleague_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # The ECT chose to let the mentor's feedback go with the clip (off unless they say so).
    includes_feedback: Mapped[bool] = mapped_column(default=False)

    shared_by: Mapped[User] = relationship(foreign_keys=[shared_by_id])
    colleague: Mapped[User] = relationship(foreign_keys=[colleague_id], lazy="joined")


class BlurRegion(Base):
    """A rectangle the uploader asked to be blurred from one moment to another (a touch-up).

    Corners are fractions (0..1) of the upright picture's width and height; times are seconds.
    Every region of a clip is blurred by each blur that follows, whatever faces are found.
    """

    __tablename__ = "blur_regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    start_s: Mapped[float]
    end_s: Mapped[float]
    x0: Mapped[float]
    y0: Mapped[float]
    x1: Mapped[float]
    y1: Mapped[float]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsentRequest(Base):
    """An ECT's request that the coordinators record consent for a clip, so it can be shared.

    At most one is open per clip; recording consent for the clip, or a coordinator marking it
    done, closes it.
    """

    __tablename__ = "consent_requests"
    __table_args__ = (
        Index(
            "uq_consent_requests_open",
            "clip_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    clip: Mapped[Clip] = relationship("Clip")
