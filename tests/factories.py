"""Row and file factories for tests: real clips made with the bundled ffmpeg."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import media_pipeline
from service import clips
from service.models import Clip, ClipKind, User
from service.storage import Storage


def generated_clip(path: Path, **kwargs) -> Path:  # noqa: ANN003
    """Make a small real video (testsrc2 + a tone) at ``path``."""
    media_pipeline.make_test_clip(path, **kwargs)
    return path


def upload(
    session: Session,
    storage: Storage,
    email: str,
    source: Path | bytes,
    *,
    title: str = "Lesson clip",
    kind: ClipKind = ClipKind.LESSON,
    filename: str = "lesson.mp4",
) -> Clip:
    """Register an upload by the user with ``email``, as the upload route does."""
    user = session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    stream = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    with stream:
        return clips.register_upload(
            session,
            storage,
            user,
            clips.UploadDetails(kind, title, date.today(), filename),
            stream,
            max_bytes=2 * 1024**3,
        )
