"""Talk analytics: the figures measured from each transcribed clip, private to its teacher.

One row per clip, written by the transcription job. The headline figures are columns, so an
ECT's trend across weeks is one query; the rest (questions, timeline, speaker split) is a JSON
document read whole with its clip. A clip in which no speech was found keeps a row (it was
measured) with no figures: silence is not 0 % talk at 0 words a minute.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, utcnow
from service.models.clips import Clip


class ClipTalk(Base):
    __tablename__ = "clip_talk"

    clip_id: Mapped[int] = mapped_column(
        ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True
    )
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    duration: Mapped[float]
    # The figures; all None when no speech was found in the clip.
    speech_share: Mapped[float | None]  # 0..1 of the clip's time
    longest_stretch: Mapped[float | None]  # seconds
    questions: Mapped[int | None]
    median_wait: Mapped[float | None]  # seconds; None when no question was answered
    words_per_minute: Mapped[float | None]  # while speaking
    teacher_share: Mapped[float | None]  # of the speech; None when speakers cannot be told apart
    # See workers.talk.talk_figures for the shape.
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    clip: Mapped[Clip] = relationship()

    @property
    def speech_found(self) -> bool:
        """Say whether any speech was found, so the clip has talk figures."""
        return self.speech_share is not None

    @property
    def questions_per_10_minutes(self) -> float | None:
        """Questions at this clip's rate over 10 minutes, so clips of any length compare."""
        if self.questions is None or self.duration <= 0:
            return None
        return self.questions / self.duration * 600
