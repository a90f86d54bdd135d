"""Transcripts for talk tests, built from word timings (no model, no database)."""

from __future__ import annotations

from media_pipeline import Segment, Transcript, Word


def make(duration: float, *segments: list[tuple[float, float, str]]) -> Transcript:
    """Build a transcript from segments given as lists of (start, end, word)."""
    built = []
    for index, timed in enumerate(segments):
        words = tuple(Word(start, end, text, 0.9) for start, end, text in timed)
        built.append(
            Segment(
                index=index,
                start=min(w.start for w in words),
                end=max(w.end for w in words),
                text=" ".join(w.text for w in words),
                words=words,
            )
        )
    return Transcript(language="en", duration=duration, segments=tuple(built))
