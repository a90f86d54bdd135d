"""Clips: uploads, their processing state and their playable outputs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, str_enum, utcnow
from service.models.org import School, User
from service.models.privacy import BlurStatus, ConsentState, LawfulBasis, SchoolClass

if TYPE_CHECKING:
    from service.models.comments import Comment


class ClipKind(enum.StrEnum):
    LESSON = "lesson"
    REHEARSAL = "rehearsal"
    MODEL = "model"
    HIGHLIGHT = "highlight"  # a moment cut out of another clip (service.clips.highlights)

    @property
    def label(self) -> str:
        return {
            "lesson": "Lesson observation",
            "rehearsal": "Rehearsal",
            "model": "Model clip",
            "highlight": "Highlight",
        }[self.value]


class ClipStatus(enum.StrEnum):
    UPLOADED = "uploaded"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class TranscriptStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Clip(Base):
    __tablename__ = "clips"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    kind: Mapped[ClipKind] = mapped_column(str_enum(ClipKind))
    title: Mapped[str] = mapped_column(String(200))
    recorded_on: Mapped[date]
    status: Mapped[ClipStatus] = mapped_column(
        str_enum(ClipStatus), default=ClipStatus.UPLOADED, index=True
    )
    failure_reason: Mapped[str | None] = mapped_column(Text, default=None)
    original_key: Mapped[str] = mapped_column(String(300))
    original_filename: Mapped[str] = mapped_column(String(300))
    # 2 GiB and up must fit; SQLite's INTEGER is already 64-bit (migration 0007).
    original_size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    video_key: Mapped[str | None] = mapped_column(String(300), default=None)
    poster_key: Mapped[str | None] = mapped_column(String(300), default=None)
    duration: Mapped[float | None] = mapped_column(default=None)
    width: Mapped[int | None] = mapped_column(default=None)
    height: Mapped[int | None] = mapped_column(default=None)
    processing_method: Mapped[str | None] = mapped_column(String(20), default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    # The transcript is a second stage: a clip plays before its transcript is ready, and a
    # failed transcript never makes the clip unplayable.
    transcript_status: Mapped[TranscriptStatus | None] = mapped_column(
        str_enum(TranscriptStatus), default=None, index=True
    )
    transcript_failure_reason: Mapped[str | None] = mapped_column(Text, default=None)
    transcript_language: Mapped[str | None] = mapped_column(String(10), default=None)
    captions_key: Mapped[str | None] = mapped_column(String(300), default=None)
    transcript_updated_at: Mapped[datetime | None] = mapped_column(default=None)
    # Rehearsals are attempts at one action step, numbered 1, 2, 3...
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_steps.id", ondelete="SET NULL", use_alter=True), default=None, index=True
    )
    attempt: Mapped[int | None] = mapped_column(default=None)
    # Model clips: the owner chooses to share one into the school's model library.
    shareable: Mapped[bool] = mapped_column(default=False)
    strand: Mapped[str | None] = mapped_column(String(20), default=None)
    standard: Mapped[int | None] = mapped_column(default=None)
    phase: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(default=None)

    # Children's privacy (service.privacy). The consent register: the school's lawful basis,
    # what it knows of pupils' consent, and who held the camera.
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("school_classes.id", ondelete="SET NULL"), default=None, index=True
    )
    lawful_basis: Mapped[LawfulBasis] = mapped_column(
        str_enum(LawfulBasis), default=LawfulBasis.PUBLIC_TASK
    )
    consent_state: Mapped[ConsentState] = mapped_column(
        str_enum(ConsentState), default=ConsentState.NOT_RECORDED
    )
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    consent_updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    consent_updated_at: Mapped[datetime | None] = mapped_column(default=None)
    # Sound only: the clip keeps its audio and transcript; no video outlives processing.
    audio_only: Mapped[bool] = mapped_column(default=False)
    # Face blurring: the blurred rendition replaces video_key and poster_key; the unblurred
    # ones are kept (for the uploader alone) until the retention policy removes them.
    blur_status: Mapped[BlurStatus | None] = mapped_column(
        str_enum(BlurStatus), default=None, index=True
    )
    blur_failure_reason: Mapped[str | None] = mapped_column(Text, default=None)
    blur_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # The face to keep (the teacher): a point on a frame, as fractions of width and height.
    blur_keep_x: Mapped[float | None] = mapped_column(default=None)
    blur_keep_y: Mapped[float | None] = mapped_column(default=None)
    blur_keep_t: Mapped[float | None] = mapped_column(default=None)
    unblurred_video_key: Mapped[str | None] = mapped_column(String(300), default=None)
    unblurred_poster_key: Mapped[str | None] = mapped_column(String(300), default=None)
    # A finished blur waiting for the uploader's check (BlurStatus.REVIEW): its video and
    # poster, seen by the uploader alone until they confirm it (service.clips.blur_review).
    blur_review_video_key: Mapped[str | None] = mapped_column(String(300), default=None)
    blur_review_poster_key: Mapped[str | None] = mapped_column(String(300), default=None)
    # Faces blurred in each whole second of the latest blur (index: the second).
    blur_face_strip: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    # Retention (service.privacy.retention): when the original upload was removed, and an extension.
    original_deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    retain_until: Mapped[date | None] = mapped_column(default=None)
    retention_reason: Mapped[str | None] = mapped_column(Text, default=None)
    retention_extended_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), default=None
    )

    owner: Mapped[User] = relationship(lazy="joined", foreign_keys=[owner_id])
    school: Mapped[School] = relationship(lazy="joined")
    school_class: Mapped[SchoolClass | None] = relationship()
    comments: Mapped[list[Comment]] = relationship(
        back_populates="clip", cascade="all, delete-orphan", order_by="Comment.at_seconds"
    )


class HighlightCut(Base):
    """Where a highlight (or a model clip cut from a lesson) came from, and how it is cut.

    Its source may be deleted later: the cut keeps the source's title and owner, so the
    highlight still says where it came from and its teacher still sees it.
    """

    __tablename__ = "highlight_cuts"

    clip_id: Mapped[int] = mapped_column(
        ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True
    )
    source_clip_id: Mapped[int | None] = mapped_column(
        ForeignKey("clips.id", ondelete="SET NULL"), index=True
    )
    source_owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    source_title: Mapped[str] = mapped_column(String(200))
    start: Mapped[float]  # seconds into the source; once cut, where the cut really starts
    end: Mapped[float]
    exact: Mapped[bool] = mapped_column(default=False)  # re-encoded to the frame
    with_comments: Mapped[bool] = mapped_column(default=False)
    with_transcript: Mapped[bool] = mapped_column(default=False)
    cut_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cut_at: Mapped[datetime | None] = mapped_column(default=None)  # the worker's cut is saved

    clip: Mapped[Clip] = relationship(foreign_keys=[clip_id])
    source: Mapped[Clip | None] = relationship(foreign_keys=[source_clip_id])
