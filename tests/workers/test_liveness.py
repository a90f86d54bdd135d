"""A stage that runs for many staleness windows stays alive, and each instance works apart.

Real workers, the real sweeper running beside them, real Redis and SQLite: a running job is
never deleted or queued again however long it takes, and a job's work folder lies under a root
that belongs to its instance, so two instances on one host never remove each other's folders.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from rq import Queue
from rq.job import Job, JobStatus

import media_pipeline
from service.clips import blur, lifecycle, transcripts
from service.models import BlurStatus, Clip, ClipStatus, TranscriptStatus
from tests.conftest import worker_env
from tests.factories import generated_clip, librivox_reference, ready_clip, speech_clip, upload
from workers.context import current_context, use_context
from workers.queues import POLICY, enqueue_processing, job_id
from workers.runner import PromptSimpleWorker
from workers.stages import BLUR, PROCESSING, TRANSCRIPT, Stage
from workers.sweeper import sweep

ECT = "ect1@northfield.example"
WINDOW = 1  # STALE_JOB_SECONDS in these tests: a stage silent this long looks dead
RUNS = "coachreel-test:runs:{kind}:{clip_id}"

# How each kind of stage moves its clip into its running state, and records a failure.
STARTS = {
    "probe-clip": (lifecycle.mark_processing, PROCESSING),
    "process-clip": (lifecycle.mark_processing, PROCESSING),
    "transcribe-clip": (transcripts.mark_transcribing, TRANSCRIPT),
    "blur-clip": (blur.mark_blurring, BLUR),
}


def long_stage(clip_id: int, kind: str, seconds: float) -> dict[str, object]:
    """Run a stage of this kind through the real stage helper, working for ``seconds``."""
    ctx = current_context()
    start, failure = STARTS[kind]
    with ctx.sessions() as session:
        start(session, clip_id)
    stage = Stage(ctx, clip_id, failure, doing=kind)
    with stage.work(kind) as work:
        ctx.redis.incr(RUNS.format(kind=kind, clip_id=clip_id))
        (work / "original").write_bytes(b"being worked on")
        time.sleep(seconds)  # silent, as CTranslate2 or ffmpeg is for minutes at a time
        assert (work / "original").exists()
    stage.done()
    # A real stage ends by moving its clip on; this one leaves it in a terminal state, or the
    # sweeper would rightly queue the clip again once the job had finished.
    failure.record(ctx, clip_id, "The test stage has ended.")
    return {"clip_id": clip_id}


@contextmanager
def sweeping(ctx, every: float = 0.1) -> Iterator[list[int]]:
    """Sweep again and again beside the worker, as its sweeper thread does; yield what it queued."""
    requeued: list[int] = []
    stopped = threading.Event()

    def loop() -> None:
        while not stopped.wait(every):
            requeued.extend(sweep(ctx))

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield requeued
    finally:
        stopped.set()
        thread.join()


@pytest.fixture
def fast(ctx):
    """The worker context with a one-second staleness window, installed for jobs."""
    context = replace(ctx, settings=ctx.settings.with_overrides(stale_job_seconds=WINDOW))
    use_context(context)
    yield context
    use_context(ctx)


def _clip_for(kind: str, ctx, session) -> int:
    if kind in ("probe-clip", "process-clip"):
        return upload(session, ctx.storage, ECT, b"an upload").id
    clip = ready_clip(session, ctx.storage, ECT)
    if kind == "blur-clip":  # its transcript is done, so only the blur is waiting
        clip.blur_status = BlurStatus.REQUESTED
        clip.transcript_status = TranscriptStatus.READY
        session.commit()
    return clip.id


@pytest.mark.parametrize("kind", list(STARTS))
def test_a_stage_many_windows_long_is_never_queued_again(ctx, session, demo, fast, kind):
    clip_id = _clip_for(kind, ctx, session)
    queue = Queue(POLICY[kind].queue, connection=ctx.redis)
    job = queue.enqueue(
        long_stage,
        clip_id,
        kind,
        4 * WINDOW,
        job_id=job_id(kind, clip_id),
        meta={"clip_id": clip_id, "stage": "queued", "progress": 0.0},
    )
    with sweeping(fast) as requeued:
        PromptSimpleWorker([queue], connection=ctx.redis).work(burst=True, with_scheduler=False)

    assert requeued == []  # the sweeper took the running job for alive, all four windows long
    assert job.get_status(refresh=True) == JobStatus.FINISHED  # never deleted under it
    assert ctx.redis.get(RUNS.format(kind=kind, clip_id=clip_id)) == b"1"  # and ran once


@pytest.mark.slow
def test_a_long_transcode_and_transcription_run_once_in_a_real_worker(
    ctx, session, demo, settings, fast, tmp_path
):
    # MPEG-4 Part 2 forces a real transcode, at 720p so that it outlasts the window several
    # times over even on a fast, idle machine; real speech makes the transcription work.
    wavs = [wav for wav, _ in librivox_reference()]
    speech = speech_clip(tmp_path / "speech.mp4", wavs)
    source = tmp_path / "lesson.avi"
    ffmpeg = media_pipeline.ffmpeg_binary()
    subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(speech), "-vf", "scale=1280:720", "-c:v", "mpeg4"]
        + ["-q:v", "5", "-c:a", "mp3", str(source)],
        check=True,
    )
    clip = upload(session, ctx.storage, ECT, source, filename="lesson.avi")
    enqueue_processing(ctx.redis, clip.id, stale_after=fast.stale_after)
    env = worker_env(fast.settings)
    with sweeping(fast) as requeued:
        result = subprocess.run(
            [sys.executable, "-m", "web.cli", "worker", "--burst"],
            env=env,
            timeout=300,
            capture_output=True,
            text=True,
        )
    assert result.returncode == 0, result.stderr[-2000:]

    assert requeued == [], result.stderr[-3000:]
    with ctx.sessions() as s:
        done = s.get(Clip, clip.id)
        assert done.status == ClipStatus.READY, done.failure_reason
        assert done.transcript_status == TranscriptStatus.READY
        assert done.attempts == 2  # one probe and one transcode, never a second run
    # Both stages ran for longer than the window, so only their heartbeats kept them alive.
    for kind in ("process-clip", "transcribe-clip"):
        job = Job.fetch(job_id(kind, clip.id), connection=ctx.redis)
        assert job.get_status() == JobStatus.FINISHED
        assert (job.ended_at - job.started_at).total_seconds() > WINDOW, kind


def test_another_instance_keeps_its_work_folder_for_a_clip_with_the_same_id(
    ctx, session, demo, run_jobs, tmp_path
):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=1))
    # A second instance on this host (a demo beside a test run) is working on its clip with
    # the same id when this instance's job starts.
    other = replace(
        ctx, settings=ctx.settings.with_overrides(instance_dir=tmp_path / "other", work_dir=None)
    )
    theirs = Stage(other, clip.id, PROCESSING, doing="processing")
    with theirs.work("clip") as their_folder:
        (their_folder / "original").write_bytes(b"their sample clip")
        enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
        run_jobs()
        assert (their_folder / "original").read_bytes() == b"their sample clip"

    with ctx.sessions() as s:
        assert s.get(Clip, clip.id).status == ClipStatus.READY
    assert their_folder.parent == tmp_path / "other" / "work"  # under its own instance
