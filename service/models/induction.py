"""The induction record a coordinator audits: observations and each school's term dates."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, str_enum, utcnow
from service.models.clips import Clip
from service.models.org import User


class ObservationKind(enum.StrEnum):
    WEEKLY = "weekly"  # the short observation before a coaching meeting
    FORMAL = "formal"  # one each half term: odd ones by the mentor, even with the ECT lead

    @property
    def label(self) -> str:
        return {"weekly": "Weekly", "formal": "Formal"}[self.value]


class Observation(Base):
    """An observation of an ECT's teaching: from a clip, or logged as held in person."""

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    ect_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[ObservationKind] = mapped_column(str_enum(ObservationKind))
    observed_on: Mapped[date] = mapped_column(index=True)
    clip_id: Mapped[int | None] = mapped_column(
        ForeignKey("clips.id", ondelete="SET NULL"), default=None
    )
    # The clip's title when the observation was logged: the record still says it was made
    # from a clip (and which) after the clip itself is deleted by its owner or by retention.
    clip_title: Mapped[str | None] = mapped_column(String(200), default=None)
    with_ect_lead: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ect: Mapped[User] = relationship(foreign_keys=[ect_id])
    observer: Mapped[User] = relationship(foreign_keys=[observer_id], lazy="joined")
    clip: Mapped[Clip | None] = relationship()

    @property
    def in_person(self) -> bool:
        return self.clip_id is None and self.clip_title is None

    @property
    def clip_deleted(self) -> bool:
        """Made from a clip that has since been deleted."""
        return self.clip_id is None and self.clip_title is not None


class HalfTerm(Base):
    """One of a school's six half terms in an academic year (the year it starts in)."""

    __tablename__ = "half_terms"
    __table_args__ = (
        UniqueConstraint("school_id", "academic_year", "number", name="uq_half_terms_number"),
        CheckConstraint("number BETWEEN 1 AND 6", name="number_range"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    academic_year: Mapped[int]  # 2026 for 2026/27
    number: Mapped[int]  # 1..6: autumn 1, autumn 2, spring 1, spring 2, summer 1, summer 2
    starts_on: Mapped[date]
    ends_on: Mapped[date]
