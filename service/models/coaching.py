"""The weekly coaching cycle: action steps, the school's step library, and meeting records."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, str_enum, utcnow
from service.models.clips import Clip
from service.models.org import User


class Strand(enum.StrEnum):
    """The Early Career Framework strand a step serves."""

    BEHAVIOUR = "behaviour"
    INSTRUCTION = "instruction"
    SUBJECT = "subject"

    @property
    def label(self) -> str:
        return {
            "behaviour": "Behaviour",
            "instruction": "Instruction",
            "subject": "Subject knowledge",
        }[self.value]


TEACHERS_STANDARDS = {
    1: "Set high expectations",
    2: "Promote good progress",
    3: "Demonstrate good subject and curriculum knowledge",
    4: "Plan and teach well-structured lessons",
    5: "Adapt teaching",
    6: "Make accurate and productive use of assessment",
    7: "Manage behaviour effectively",
    8: "Fulfil wider professional responsibilities",
}


class StepStatus(enum.StrEnum):
    ACTIVE = "active"
    MET = "met"
    MOVED_ON = "moved_on"  # the mentor judged it right to move on before every criterion was met
    REPEATED = "repeated"  # carried into next week as a new step linked to this one

    @property
    def label(self) -> str:
        return {"active": "Active", "met": "Met", "moved_on": "Moved on", "repeated": "Repeated"}[
            self.value
        ]


class ActionStep(Base):
    """One bite-sized thing an ECT practises this week, with how success will look."""

    __tablename__ = "action_steps"
    __table_args__ = (CheckConstraint("standard BETWEEN 1 AND 8", name="standard_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ect_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    strand: Mapped[Strand] = mapped_column(str_enum(Strand))
    standard: Mapped[int]
    review_on: Mapped[date]
    status: Mapped[StepStatus] = mapped_column(
        str_enum(StepStatus), default=StepStatus.ACTIVE, index=True
    )
    model_clip_id: Mapped[int | None] = mapped_column(
        ForeignKey("clips.id", ondelete="SET NULL"), default=None
    )
    previous_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_steps.id", ondelete="SET NULL"), default=None
    )
    source_comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    ect: Mapped[User] = relationship(foreign_keys=[ect_id], lazy="joined")
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id], lazy="joined")
    model_clip: Mapped[Clip | None] = relationship(foreign_keys=[model_clip_id])
    previous_step: Mapped[ActionStep | None] = relationship(remote_side=[id])


class StepTemplate(Base):
    """A step in a school's library, for mentors to start from."""

    __tablename__ = "step_templates"
    __table_args__ = (
        CheckConstraint("standard BETWEEN 1 AND 8", name="standard_range"),
        UniqueConstraint("school_id", "title", name="uq_step_templates_school_title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    strand: Mapped[Strand] = mapped_column(str_enum(Strand))
    standard: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CriterionCheck(Base):
    """A mentor's tick against one success criterion, for one rehearsal attempt."""

    __tablename__ = "criterion_checks"
    __table_args__ = (UniqueConstraint("clip_id", "criterion", name="uq_criterion_checks_tick"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("action_steps.id", ondelete="CASCADE"))
    criterion: Mapped[int]  # index into the step's criteria
    met: Mapped[bool] = mapped_column(default=True)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


session_clips = Table(
    "coaching_session_clips",
    Base.metadata,
    Column("session_id", ForeignKey("coaching_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("clip_id", ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True),
)


class CoachingSession(Base):
    """The record of one weekly coaching meeting, in the programme's fixed shape."""

    __tablename__ = "coaching_sessions"
    __table_args__ = (CheckConstraint("practice_rounds >= 0", name="practice_rounds"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ect_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    praise: Mapped[str] = mapped_column(Text, default="")
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_steps.id", ondelete="SET NULL"), default=None
    )
    model_clip_id: Mapped[int | None] = mapped_column(
        ForeignKey("clips.id", ondelete="SET NULL"), default=None
    )
    practice_rounds: Mapped[int] = mapped_column(default=0)
    practice_notes: Mapped[str] = mapped_column(Text, default="")
    ect_reflection: Mapped[str | None] = mapped_column(Text, default=None)
    reflected_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ect: Mapped[User] = relationship(foreign_keys=[ect_id], lazy="joined")
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id], lazy="joined")
    step: Mapped[ActionStep | None] = relationship()
    model_clip: Mapped[Clip | None] = relationship(foreign_keys=[model_clip_id])
    observation_clips: Mapped[list[Clip]] = relationship(secondary=session_clips)
