"""What was said in a clip: time-stamped segments, with word timings for seeking."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base
from service.models.clips import Clip


class TranscriptSegment(Base):
    """One sentence-ish stretch of speech; full-text indexed for search (see migration 0002)."""

    __tablename__ = "transcript_segments"
    __table_args__ = (UniqueConstraint("clip_id", "position", name="uq_transcript_segments_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    start: Mapped[float]
    end: Mapped[float]
    text: Mapped[str] = mapped_column(Text)
    # [[start, end, word], ...]: compact, and only ever read whole with its segment.
    words: Mapped[list[list[float | str]]] = mapped_column(JSON, default=list)

    clip: Mapped[Clip] = relationship()
