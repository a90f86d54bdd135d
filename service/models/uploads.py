"""Resumable uploads in progress: what the uploader said about the clip, and how far it got."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, str_enum, utcnow
from service.models.clips import ClipKind
from service.models.privacy import ConsentState, LawfulBasis


class UploadSession(Base):
    """One resumable (tus) upload: its bytes are staged in a file named by the token."""

    __tablename__ = "upload_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and unguessable; it names the staged file and appears in the upload's URL.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    # The clip's details, checked when the upload starts so a mistake is caught before the bytes.
    kind: Mapped[ClipKind] = mapped_column(str_enum(ClipKind))
    title: Mapped[str] = mapped_column(String(200))
    recorded_on: Mapped[date]
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_steps.id", ondelete="SET NULL"), default=None
    )
    # The consent register and privacy choices made on the form (service.privacy).
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("school_classes.id", ondelete="SET NULL"), default=None
    )
    lawful_basis: Mapped[LawfulBasis] = mapped_column(
        str_enum(LawfulBasis), default=LawfulBasis.PUBLIC_TASK
    )
    consent_state: Mapped[ConsentState] = mapped_column(
        str_enum(ConsentState), default=ConsentState.NOT_RECORDED
    )
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    blur_faces: Mapped[bool] = mapped_column(default=False)
    filename: Mapped[str] = mapped_column(String(300))  # shown to people, never used as a path
    # The tus Upload-Length and Upload-Offset; 64-bit, as a phone clip can pass 2 GB.
    length: Mapped[int] = mapped_column("upload_length", BigInteger)
    offset: Mapped[int] = mapped_column("upload_offset", BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # when bytes last arrived
    expires_at: Mapped[datetime] = mapped_column(index=True)
