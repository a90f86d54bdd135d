"""process_clip end to end, with real RQ workers on real Redis and real ffmpeg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rq.job import Job

import media_pipeline
from service.clips import lifecycle
from service.models import Clip, ClipStatus
from tests.factories import generated_clip, upload
from workers.queues import enqueue_processing, job_id

ECT = "ect1@northfield.example"


def _reload(ctx, clip_id: int) -> Clip:
    with ctx.sessions() as session:
        return session.get(Clip, clip_id)


def _work_folders(ctx) -> set[str]:
    root = ctx.settings.work_path  # jobs' work folders: this instance's own
    return {p.name for p in root.iterdir()} if root.is_dir() else set()


def test_h264_upload_is_remuxed_and_becomes_ready(ctx, session, demo, run_jobs, tmp_path):
    source = generated_clip(tmp_path / "phone.mp4", duration=3, faststart=False)
    clip = upload(session, ctx.storage, ECT, source)
    before = _work_folders(ctx)
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()

    done = _reload(ctx, clip.id)
    assert done.status == ClipStatus.READY, done.failure_reason
    assert done.processing_method == "remux"
    assert done.duration == pytest.approx(3.0, abs=0.1)
    assert (done.width, done.height) == (320, 240)
    video = tmp_path / "out.mp4"
    ctx.storage.download(done.video_key, video)
    info = media_pipeline.probe(video)
    assert info.video.codec == "h264" and info.audio.codec == "aac"
    assert info.faststart
    assert ctx.storage.exists(done.poster_key)
    job = Job.fetch(job_id("process-clip", clip.id), connection=ctx.redis)
    assert job.get_meta()["progress"] == 1.0
    assert _work_folders(ctx) <= before


def test_other_codecs_are_transcoded_to_h264(ctx, session, demo, run_jobs, tmp_path):
    source = generated_clip(
        tmp_path / "old.avi", duration=2, vcodec="mpeg4", acodec="mp3", container="avi"
    )
    clip = upload(session, ctx.storage, ECT, source, filename="old.avi")
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    done = _reload(ctx, clip.id)
    assert done.status == ClipStatus.READY, done.failure_reason
    assert done.processing_method == "transcode"
    video = tmp_path / "out.mp4"
    ctx.storage.download(done.video_key, video)
    assert media_pipeline.probe(video).browser_playable


def test_rerunning_a_job_ends_in_the_same_state(ctx, session, demo, run_jobs, tmp_path):
    from workers.process import process_clip

    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=2))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    keys = ctx.storage.keys(f"clips/{clip.id}/")
    # Force a second full run, as a retry after a crash would.
    with ctx.sessions() as s:
        lifecycle.mark_processing(s, clip.id)
    process_clip(clip.id)
    assert _reload(ctx, clip.id).status == ClipStatus.READY
    assert ctx.storage.keys(f"clips/{clip.id}/") == keys
    # A 320x240 H.264 upload is copied into one rendition of its own height.
    assert keys == [
        f"clips/{clip.id}/hls/240/index.m3u8",
        f"clips/{clip.id}/hls/240/init.mp4",
        f"clips/{clip.id}/hls/240/seg-00000.m4s",
        f"clips/{clip.id}/hls/master.m3u8",
        f"clips/{clip.id}/original",
        f"clips/{clip.id}/poster.jpg",
        f"clips/{clip.id}/video.mp4",
    ]


def _truncated(tmp_path: Path) -> bytes:
    data = generated_clip(tmp_path / "whole.mp4", duration=3, faststart=False).read_bytes()
    return data[: len(data) * 6 // 10]


def _audio_only(tmp_path: Path) -> bytes:
    path = tmp_path / "voice.m4a"
    subprocess.run(
        [
            media_pipeline.ffmpeg_binary(),
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:duration=2",
            "-c:a",
            "aac",
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()


BAD_INPUTS = {
    "text renamed .mp4": (
        lambda _p: b"These are my lesson notes, not a video.\n" * 20,
        "not a video we can read",
    ),
    "truncated video": (_truncated, None),
    "audio only": (_audio_only, "sound but no picture"),
    "crafted HLS playlist": (
        lambda _p: b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n/etc/passwd\n#EXT-X-ENDLIST\n",
        "not a video we can read",
    ),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_fails_with_a_reason_and_leaves_nothing(
    ctx, session, demo, run_jobs, tmp_path, name
):
    make, phrase = BAD_INPUTS[name]
    content = make(tmp_path)
    clip = upload(session, ctx.storage, ECT, content)
    before = _work_folders(ctx)
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    failed = _reload(ctx, clip.id)
    assert failed.status == ClipStatus.FAILED
    assert failed.failure_reason
    assert "ffmpeg" not in failed.failure_reason.lower()  # written for a teacher, not a log
    if phrase:
        assert phrase in failed.failure_reason
    # Only the original is kept (so it can be inspected or deleted); no outputs, no temp files.
    assert ctx.storage.keys(f"clips/{clip.id}/") == [f"clips/{clip.id}/original"]
    assert _work_folders(ctx) <= before


def test_clip_over_the_length_limit_fails_clearly(ctx, session, demo, run_jobs, tmp_path):
    from dataclasses import replace

    from workers.context import use_context

    use_context(replace(ctx, settings=ctx.settings.with_overrides(max_clip_seconds=2)))
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "long.mp4", duration=4))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    failed = _reload(ctx, clip.id)
    assert failed.status == ClipStatus.FAILED
    assert "over the limit" in failed.failure_reason


def test_a_deleted_clip_is_skipped(ctx, session, demo, run_jobs, tmp_path):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=1))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    with ctx.sessions() as s:
        s.delete(s.get(Clip, clip.id))
        s.commit()
    run_jobs()  # must not raise
    job = Job.fetch(job_id("probe-clip", clip.id), connection=ctx.redis)
    assert job.return_value() == {"clip_id": clip.id, "skipped": True}
