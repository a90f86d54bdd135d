"""Who is who: trusts, schools, users, their roles and mentor-ECT pairings."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, str_enum, utcnow


def new_session_token() -> str:
    """Return a fresh random session token."""
    return secrets.token_hex(32)


class Role(enum.StrEnum):
    ECT = "ect"
    MENTOR = "mentor"
    REVIEWER = "reviewer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            "ect": "Early career teacher",
            "mentor": "Mentor",
            "reviewer": "Reviewer",
            "coordinator": "Induction coordinator",
            "admin": "Administrator",
        }[self.value]


class TeacherMicrophone(enum.StrEnum):
    """How a school records its teachers, for telling teacher from pupils in talk figures.

    The values are media_pipeline.Microphone's; the transcription job passes them across."""

    NONE = "none"  # the camera's microphone alone: speakers cannot be told apart
    LAPEL = "lapel"  # the teacher wears a lapel microphone that records the whole track
    LAPEL_LEFT = "lapel_left"  # lapel on the left channel, the room (camera) microphone right
    LAPEL_RIGHT = "lapel_right"  # lapel on the right channel, the room microphone left

    @property
    def label(self) -> str:
        """Say the setting in words for a settings page."""
        return {
            "none": "The camera's microphone only",
            "lapel": "A lapel microphone on the teacher, recording the whole sound",
            "lapel_left": (
                "A lapel microphone on the teacher, on the left channel "
                "(the camera's microphone on the right)"
            ),
            "lapel_right": (
                "A lapel microphone on the teacher, on the right channel "
                "(the camera's microphone on the left)"
            ),
        }[self.value]


class Trust(Base):
    __tablename__ = "trusts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    schools: Mapped[list[School]] = relationship(back_populates="trust")


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The school's Unique Reference Number (GIAS): how a roster file names the school.
    urn: Mapped[str | None] = mapped_column(String(8), unique=True, default=None)
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trusts.id"), index=True)
    # The audit counts days, weeks and half terms in the school's own time zone.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # Privacy settings (service.privacy): the upload form's blur default, and retention.
    blur_by_default: Mapped[bool] = mapped_column(default=False)
    # Every blur of the school's clips blurs the whole picture but the teacher (the kept face's
    # person), not only the faces found.
    blur_outside_teacher: Mapped[bool] = mapped_column(default=False)
    # A finished blur is shared at once, without waiting for the uploader to check it.
    blur_without_review: Mapped[bool] = mapped_column(default=False)
    original_retention_days: Mapped[int] = mapped_column(default=30)  # after processing
    clip_retention_days: Mapped[int] = mapped_column(default=90)  # after induction ends
    # How teachers are recorded, for telling teacher from pupils in talk figures: a
    # TeacherMicrophone value ("none": the camera's microphone alone).
    teacher_microphone: Mapped[str] = mapped_column(String(16), default="none")

    trust: Mapped[Trust | None] = relationship(back_populates="schools")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the last invitation to set a password was sent (None: never invited by email).
    invited_at: Mapped[datetime | None] = mapped_column(default=None)
    # Signing out, a password change and deactivation replace it, ending every session that
    # carries the old one (Flask-Login's alternative id).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    # Flask-Login reads these four by duck typing; the service layer never imports Flask.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # Flask-Login keeps this in the session and remember-me cookies: the session token, not
        # the row id, so replacing the token ends every session that carries it.
        return self.session_token

    def has_role(self, role: Role) -> bool:
        return any(m.role == role for m in self.memberships)

    @property
    def roles(self) -> set[Role]:
        return {m.role for m in self.memberships}

    def school_ids(self, role: Role | None = None) -> list[int]:
        """Return the schools where the user holds `role` (any role when None), in the order
        they joined them."""
        ids: list[int] = []
        for m in self.memberships:
            if (role is None or m.role == role) and m.school_id is not None:
                if m.school_id not in ids:
                    ids.append(m.school_id)
        return ids

    def school_for(self, role: Role | None = None) -> int | None:
        """Return the first school where the user holds `role` (any role when None), if any."""
        return next(iter(self.school_ids(role)), None)

    def trust_ids(self, role: Role | None = None) -> list[int]:
        """Return the trusts where the user holds `role` across the whole trust."""
        ids: list[int] = []
        for m in self.memberships:
            if (role is None or m.role == role) and m.trust_id is not None:
                if m.trust_id not in ids:
                    ids.append(m.trust_id)
        return ids

    @property
    def primary_role(self) -> Role | None:
        order = [Role.ADMIN, Role.COORDINATOR, Role.MENTOR, Role.REVIEWER, Role.ECT]
        return next((role for role in order if role in self.roles), None)


class Membership(Base):
    """A user's role in a school, in a whole trust (coordinators), or everywhere (admins)."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(
            "(role = 'admin' AND school_id IS NULL AND trust_id IS NULL)"
            " OR (role = 'coordinator' AND (school_id IS NULL) <> (trust_id IS NULL))"
            " OR (role NOT IN ('admin', 'coordinator') AND school_id IS NOT NULL"
            " AND trust_id IS NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trusts.id"), index=True)
    # An ECT's membership: the day their induction started, and the day it ended (retention
    # counts from it).
    induction_started_on: Mapped[date | None] = mapped_column(default=None)
    induction_completed_on: Mapped[date | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(back_populates="memberships")
    school: Mapped[School | None] = relationship(lazy="joined")
    trust: Mapped[Trust | None] = relationship(lazy="joined")


class Mentorship(Base):
    """A mentor paired with an ECT for their induction."""

    __tablename__ = "mentorships"
    __table_args__ = (
        # One current pairing per ECT; ended ones stay as history (a mid-year change of
        # mentor ends one and starts another, and the same two may be paired again later).
        Index(
            "uq_mentorships_current",
            "ect_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
        CheckConstraint("induction_year IN (1, 2)", name="induction_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ect_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The school's ECT lead (induction tutor) for this ECT, who joins the even formal
    # observations; optional.
    ect_lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    induction_year: Mapped[int] = mapped_column(default=1)
    cadence_days: Mapped[int] = mapped_column(default=7)
    started_on: Mapped[date] = mapped_column(default=date.today)
    ended_on: Mapped[date | None] = mapped_column(default=None)
    # The ECT chose to let this mentor see their talk figures (service.talk); off by default.
    talk_shared: Mapped[bool] = mapped_column(default=False)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    ect: Mapped[User] = relationship(foreign_keys=[ect_id])
    ect_lead: Mapped[User | None] = relationship(foreign_keys=[ect_lead_id])
    school: Mapped[School] = relationship()
