"""The demo trust, made on the spot: its people (service.demo), one sample clip processed here
and now, and a term of coaching history whose lessons, model clips and rehearsals reuse the
sample's files.

The sample is a test pattern with a tone and no speech, so no talk figures are made up for it
or for the lessons: each is queued for transcription like any upload, and the transcription
finds no speech (the clip page then says so, and the talk trends leave it out).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import select

from config import Settings
from service.clips import highlights, upload
from service.demo.history import seed_history
from service.demo.model_clips import seed_model_clips
from service.demo.seed import seed_demo
from service.models import Clip, ClipKind, ConsentState, User
from workers.context import build_context, use_context
from workers.process import probe_clip, process_clip
from workers.queues import enqueue_transcription
from workers.samples import make_sample_clip


def seed_demo_trust(settings: Settings, echo: Callable[[str], object] = print) -> list:
    """Seed the demo organisation, one processed sample clip, a term of coaching history and
    model clips beside rehearsals; return the demo logins."""
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
            history = seed_history(session, sample_clip)
            if history is not None:  # a model and a rehearsal for each ECT's current step
                history.append(seed_model_clips(session, sample_clip))
            history = [*(history or []), [_demo_highlight(session, sample_clip)]]
            for clip_ids in history:
                for clip_id in clip_ids:
                    enqueue_transcription(
                        ctx.redis, clip_id, sample_clip.duration, stale_after=ctx.stale_after
                    )
    use_context(None)
    ctx.engine.dispose()
    return logins


def _demo_highlight(session, sample: Clip) -> int:
    """The ECT's mentor cuts a moment of the sample out as a highlight, cut here and now."""
    mentor = session.scalar(select(User).where(User.email == "mentor1@northfield.example"))
    request = highlights.HighlightRequest(
        start=4.0, end=12.0, title="Highlight: the class settles (demo)"
    )
    clip = highlights.cut_highlight(session, mentor, sample.id, request)
    probe_clip(clip.id)  # cuts it from the sample, then checks it
    process_clip(clip.id)
    return clip.id
