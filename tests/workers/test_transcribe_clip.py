"""The transcript stage, end to end with the real speech model on real speech."""

from __future__ import annotations

import re
from datetime import timedelta

import jiwer
from sqlalchemy import select

import media_pipeline
from service.clips import transcripts
from service.models import Clip, ClipStatus, TranscriptSegment, TranscriptStatus, User
from tests.factories import generated_clip, librivox_reference, speech_clip, upload
from workers.queues import enqueue_processing
from workers.runner import PromptSimpleWorker
from workers.sweeper import sweep
from workers.transcribe import transcribe_clip

ECT = "ect1@northfield.example"


def _clip(ctx, clip_id: int) -> Clip:
    with ctx.sessions() as session:
        return session.get(Clip, clip_id)


def _segments(ctx, clip_id: int) -> list[TranscriptSegment]:
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(TranscriptSegment)
                .where(TranscriptSegment.clip_id == clip_id)
                .order_by(TranscriptSegment.position)
            )
        )


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]+", " ", text.lower()).split())


def test_real_speech_is_transcribed_captioned_and_searchable(
    ctx, session, demo, run_jobs, tmp_path
):
    reference = librivox_reference()
    source = speech_clip(tmp_path / "reading.mp4", [wav for wav, _ in reference])
    clip = upload(session, ctx.storage, ECT, source)
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()  # probe, make playable, then transcribe

    done = _clip(ctx, clip.id)
    assert done.status == ClipStatus.READY
    assert done.transcript_status == TranscriptStatus.READY, done.transcript_failure_reason
    segments = _segments(ctx, clip.id)
    hypothesis = _normalise(" ".join(s.text for s in segments))
    truth = _normalise(" ".join(text for _, text in reference))
    error_rate = jiwer.wer(truth, hypothesis)
    assert error_rate < 0.15, (error_rate, hypothesis)
    for before, after in zip(segments, segments[1:], strict=False):
        assert before.start <= after.start
    for seg in segments:
        assert 0 <= seg.start < seg.end <= done.duration + 0.05
        assert seg.words and all(
            seg.start - 0.05 <= w[0] <= w[1] <= seg.end + 0.05 for w in seg.words
        )

    with ctx.storage.open(done.captions_key) as vtt:
        captions = vtt.read().decode()
    assert captions.startswith("WEBVTT") and "-->" in captions
    ect = session.scalar(select(User).where(User.email == ECT))
    hits = transcripts.search(session, ect, "Dashwood")
    assert hits and hits[0].clip_id == clip.id


def test_a_clip_without_sound_gets_an_empty_transcript_and_stays_playable(
    ctx, session, demo, run_jobs, tmp_path
):
    silent = upload(
        session, ctx.storage, ECT, generated_clip(tmp_path / "silent.mp4", duration=3, tone_hz=0)
    )
    mute = upload(
        session, ctx.storage, ECT, generated_clip(tmp_path / "mute.mp4", duration=3, acodec=None)
    )
    for clip in (silent, mute):
        enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    for clip in (silent, mute):
        done = _clip(ctx, clip.id)
        assert done.status == ClipStatus.READY
        assert done.transcript_status == TranscriptStatus.READY
        assert _segments(ctx, clip.id) == []
        assert done.captions_key is None


def test_a_failed_transcript_leaves_the_clip_playable(ctx, session, demo, run_jobs, tmp_path):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=2))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    # The stored playable file is damaged after the fact (a disk fault, say).
    import io

    ctx.storage.put_stream(f"clips/{clip.id}/video.mp4", io.BytesIO(b"\x00" * 4096))
    result = transcribe_clip(clip.id)
    assert "failed" in result
    done = _clip(ctx, clip.id)
    assert done.status == ClipStatus.READY
    assert done.transcript_status == TranscriptStatus.FAILED
    assert done.transcript_failure_reason and "ffmpeg" not in done.transcript_failure_reason


def test_transcribing_again_replaces_the_transcript(ctx, session, demo, run_jobs, tmp_path):
    wav, _ = librivox_reference()[0]
    clip = upload(session, ctx.storage, ECT, speech_clip(tmp_path / "s.mp4", [wav]))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    first = [(s.start, s.text) for s in _segments(ctx, clip.id)]
    assert first
    transcribe_clip(clip.id)
    assert [(s.start, s.text) for s in _segments(ctx, clip.id)] == first


def test_sweeper_requeues_a_transcript_whose_job_was_lost(ctx, session, demo, run_jobs, tmp_path):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=1))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    # Process only: the transcript job is then lost with Redis.
    from rq import Queue

    PromptSimpleWorker([Queue("process", connection=ctx.redis)], connection=ctx.redis).work(
        burst=True
    )
    assert _clip(ctx, clip.id).transcript_status == TranscriptStatus.PENDING
    ctx.redis.flushdb()
    assert sweep(ctx, grace=timedelta(0)) == [clip.id]
    run_jobs()
    assert _clip(ctx, clip.id).transcript_status == TranscriptStatus.READY


def test_model_that_cannot_be_loaded_is_a_clear_error():
    import pytest

    with pytest.raises(media_pipeline.ModelLoadError, match="such-model.*no such folder"):
        media_pipeline.load_model(media_pipeline.WhisperOptions(model="/no/such-model"))
