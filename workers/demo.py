"""The demo trust, made on the spot: its people (service.demo), one sample clip processed here
and now, a term of coaching history, and talk figures for the history's lessons.

The demo's lessons reuse the sample video, which has no speech, so their talk is measured by
media_pipeline on a made-up transcript, as the workers measure a real clip: each lesson asks
questions and waits a little longer after them than the one before, as if the ECT were working
on wait time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from media_pipeline import Segment, Transcript, Word, analyse_talk
from service.clips import transcripts, upload
from service.demo.history import seed_history
from service.demo.seed import seed_demo
from service.models import Clip, ClipKind, ConsentState, User
from service.talk import figures
from workers.context import build_context, use_context
from workers.process import process_clip
from workers.samples import make_sample_clip
from workers.talk import talk_figures

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


def seed_talk(session: Session, clip_ids: list[int], duration: float) -> None:
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
        figures.save_talk(session, clip_id, talk_figures(analyse_talk(said), None, voiced=False))


def seed_demo_trust(settings: Settings, echo: Callable[[str], object] = print) -> list:
    """Seed the demo organisation, one processed sample clip and a term of coaching history;
    return the demo logins."""
    ctx = build_context(settings)
    use_context(ctx)
    with ctx.sessions() as session:
        logins = seed_demo(session)
        if session.scalar(select(Clip.id).limit(1)) is None:
            echo("Making a sample clip…")
            ect = session.scalar(select(User).where(User.email == "ect1@northfield.example"))
            with tempfile.TemporaryDirectory() as tmp:
                sample = make_sample_clip(Path(tmp) / "sample.mp4", ffmpeg=settings.ffmpeg_binary)
                with open(sample, "rb") as stream:
                    clip = upload.register_upload(
                        session,
                        ctx.storage,
                        ect,
                        upload.UploadDetails(
                            kind=ClipKind.LESSON,
                            title="Sample: settling the class (demo clip)",
                            recorded_on=date.today(),
                            filename="sample.mp4",
                            consent_state=ConsentState.ALL_CONSENTED,
                        ),
                        stream,
                        max_bytes=settings.max_upload_bytes,
                    )
            # Process it right here, so the demo opens with a clip ready to watch.
            process_clip(clip.id)
            session.expire_all()
            sample_clip = session.get(Clip, clip.id)
            for clip_ids in seed_history(session, sample_clip) or []:
                seed_talk(session, clip_ids, sample_clip.duration or 20.0)
    use_context(None)
    ctx.engine.dispose()
    return logins
