"""Talk figures for the demo's lesson history, so the talk panel and trends have a story to show.

The demo's lessons reuse one generated sample video with no speech, so their figures are
measured on a made-up transcript instead: each lesson asks questions and waits a little longer
after them than the one before, as if the ECT were working on wait time.
"""

from __future__ import annotations

from media_pipeline import Segment, Transcript, Word, analyse_talk
from service import talk, transcripts

STATEMENT = "Right everyone look at the board and copy the title".split()
QUESTION = "Why do you think that happens?".split()
ANSWER = "Because the light bends".split()


def lesson_transcript(duration: float, wait: float) -> Transcript:
    """A lesson of `duration` seconds: explain, ask, wait `wait` seconds, hear an answer."""
    segments: list[Segment] = []
    at = 0.4
    while True:
        turn = [(STATEMENT, 0.3, 0.6), (QUESTION, 0.28, wait), (ANSWER, 0.32, 0.8)]
        if at + sum(len(w) * step + gap for w, step, gap in turn) > duration:
            break
        for words, step, gap in turn:
            timed = []
            for word in words:
                timed.append(Word(at, at + step * 0.85, word, 0.9))
                at += step
            text = " ".join(w.text for w in timed)
            segments.append(
                Segment(len(segments), timed[0].start, timed[-1].end, text, tuple(timed))
            )
            at += gap
    return Transcript(language="en", duration=duration, segments=tuple(segments))


def seed_talk(session, clip_ids: list[int], duration: float) -> None:  # noqa: ANN001
    """Save a transcript and figures for an ECT's lessons, oldest first, waits growing from
    0.6 s to 3 s."""
    for n, clip_id in enumerate(clip_ids):
        wait = 0.6 + 2.4 * n / max(len(clip_ids) - 1, 1)
        said = lesson_transcript(duration, wait)
        segments = [
            transcripts.SegmentData(
                s.start, s.end, s.text, [(w.start, w.end, w.text) for w in s.words]
            )
            for s in said.segments
        ]
        transcripts.save_transcript(session, clip_id, segments, language="en", captions=None)
        talk.save_talk(session, clip_id, analyse_talk(said))
