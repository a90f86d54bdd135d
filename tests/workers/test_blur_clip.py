"""blur_clip end to end: real faces, real RQ workers on real Redis, real ffmpeg and storage."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from rq import Queue
from rq.job import Job
from sqlalchemy import select

from service import policy
from service.clips import blur, blur_review
from service.models import BlurStatus, Clip, ClipStatus, School, User, utcnow
from service.storage import keys as storage_keys
from tests.conftest import worker_env
from tests.face_clip import FaceClip, make_face_clip
from tests.factories import upload
from tests.media_pipeline.test_blur import _diff, _frames, _ratios
from workers.blur import KEEP_NOT_FOUND, ORIGINAL_GONE, blur_clip
from workers.queues import (
    BLUR_QUEUE,
    POLICY,
    PROCESS_QUEUE,
    enqueue_blur,
    enqueue_processing,
    job_id,
)
from workers.runner import PromptSimpleWorker
from workers.sweeper import sweep

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> FaceClip:
    """A short 426x240 clip of two real faces moving over a panning texture (30 frames)."""
    return make_face_clip(tmp_path_factory.mktemp("faces") / "faces.mp4", seconds=1.2, height=240)


def work(ctx, *queues: str) -> None:
    """Run the jobs waiting on these queues to the end, as a real worker does."""
    worker = PromptSimpleWorker(
        [Queue(q, connection=ctx.redis) for q in queues], connection=ctx.redis
    )
    worker.work(burst=True, with_scheduler=False)


def playable_clip(ctx, session, faces: FaceClip) -> Clip:
    """Upload the face clip and make it playable (it is H.264/AAC already: a remux)."""
    clip = upload(session, ctx.storage, ECT, faces.path)
    enqueue_processing(ctx.redis, clip.id, 1.2, stale_after=ctx.stale_after)
    work(ctx, PROCESS_QUEUE)
    session.expire_all()
    clip = session.get(Clip, clip.id)
    assert clip.status == ClipStatus.READY, clip.failure_reason
    assert (clip.width, clip.height) == (faces.width, faces.height)
    return clip


def share_without_check(session) -> None:
    """Let the demo school's blurs be shared without the uploader's check."""
    for school in session.scalars(select(School)):
        school.blur_without_review = True
    session.commit()


def ask(session, clip_id: int, email: str = MENTOR, keep=None) -> Clip:
    user = session.scalar(select(User).where(User.email == email))
    return blur.request_blur(session, user, clip_id, keep=keep)


def reload(ctx, clip_id: int) -> Clip:
    with ctx.sessions() as session:
        return session.get(Clip, clip_id)


def fetch(ctx, key: str, path: Path) -> Path:
    ctx.storage.download(key, path)
    return path


def test_a_blur_asked_for_at_upload_follows_processing_and_replaces_the_video(
    ctx, session, demo, faces, tmp_path
):
    clip = upload(session, ctx.storage, ECT, faces.path)
    # What the upload form does when "blur faces" is ticked or consent requires it.
    clip.blur_status = BlurStatus.REQUESTED
    clip.blur_requested_by_id = clip.owner_id
    session.commit()
    enqueue_processing(ctx.redis, clip.id, 1.2, stale_after=ctx.stale_after)
    work(ctx, PROCESS_QUEUE)
    assert Queue(BLUR_QUEUE, connection=ctx.redis).job_ids == [job_id("blur-clip", clip.id)]
    work(ctx, BLUR_QUEUE)

    # Made, and waiting for the uploader's check: nothing is swapped yet.
    waiting = reload(ctx, clip.id)
    assert waiting.blur_status == BlurStatus.REVIEW, waiting.blur_failure_reason
    assert waiting.video_key == storage_keys.video_key(clip.id)
    assert waiting.blur_review_video_key == storage_keys.blur_key(clip.id)
    # Faces blurred per whole second of the 1.2 s clip: both faces, in both seconds.
    assert len(waiting.blur_face_strip) == 2 and max(waiting.blur_face_strip) == 2
    session.expire_all()  # the job changed the row in a session of its own
    blur_review.confirm_blur(session, session.get(User, clip.owner_id), clip.id)

    done = reload(ctx, clip.id)
    assert done.blur_status == BlurStatus.READY, done.blur_failure_reason
    assert done.blur_failure_reason is None
    assert (done.video_key, done.poster_key) == (
        storage_keys.blur_key(clip.id),
        storage_keys.blurred_poster_key(clip.id),
    )
    assert (done.unblurred_video_key, done.unblurred_poster_key) == (
        storage_keys.video_key(clip.id),
        storage_keys.poster_key(clip.id),
    )
    before = _frames(fetch(ctx, done.unblurred_video_key, tmp_path / "unblurred.mp4"))
    after = _frames(fetch(ctx, done.video_key, tmp_path / "blurred.mp4"))
    assert len(after) == len(before) == len(faces.faces[0]) == 30
    for face in faces.faces:
        assert max(_ratios(before, after, face)) < 0.2
    job = Job.fetch(job_id("blur-clip", clip.id), connection=ctx.redis)
    assert job.get_meta()["stage"] == "done" and job.get_meta()["progress"] == 1.0


def test_the_face_clicked_is_kept_and_the_other_blurred(ctx, session, demo, faces, tmp_path):
    share_without_check(session)
    clip = playable_clip(ctx, session, faces)
    at = faces.fps  # one second in, as a mentor pausing there would click
    x0, y0, x1, y1 = faces.faces[0][at]
    keep = ((x0 + x1) / 2 / faces.width, (y0 + y1) / 2 / faces.height, 1.0)
    ask(session, clip.id, keep=keep)
    enqueue_blur(ctx.redis, clip.id, clip.duration, stale_after=ctx.stale_after)
    work(ctx, BLUR_QUEUE)

    done = reload(ctx, clip.id)
    assert done.blur_status == BlurStatus.READY
    assert done.blur_failure_reason is None  # the face was found where it was clicked
    before = _frames(fetch(ctx, done.unblurred_video_key, tmp_path / "unblurred.mp4"))
    after = _frames(fetch(ctx, done.video_key, tmp_path / "blurred.mp4"))
    kept, other = faces.faces
    kept_ratios = _ratios(before, after, kept)
    # Unchanged but for re-encoding: the detail stays, the picture differs by noise only.
    assert min(kept_ratios) > 0.6 and max(kept_ratios) < 1.3, kept_ratios
    assert max(_diff(before[i], after[i], kept[i]) for i in range(len(before))) < 6
    assert max(_ratios(before, after, other)) < 0.2


def test_a_click_beside_every_face_blurs_them_all_and_says_so(ctx, session, demo, faces):
    share_without_check(session)
    clip = playable_clip(ctx, session, faces)
    ask(session, clip.id, keep=(0.5, 0.95, 1.0))  # the floor, not a face
    enqueue_blur(ctx.redis, clip.id, clip.duration, stale_after=ctx.stale_after)
    work(ctx, BLUR_QUEUE)

    done = reload(ctx, clip.id)
    assert done.blur_status == BlurStatus.READY
    assert done.blur_failure_reason == KEEP_NOT_FOUND


def test_rerunning_the_job_ends_in_the_same_state(ctx, session, demo, faces):
    clip = playable_clip(ctx, session, faces)
    ask(session, clip.id)
    enqueue_blur(ctx.redis, clip.id, clip.duration, stale_after=ctx.stale_after)
    work(ctx, BLUR_QUEUE)
    keys = ctx.storage.keys(f"clips/{clip.id}/")
    first = reload(ctx, clip.id)

    # Run again as a retry would: nothing is waiting, so nothing changes.
    assert blur_clip(clip.id)["skipped"] is True
    # Asked again (say, to keep another face): it blurs from the unblurred rendition again.
    with ctx.sessions() as s:
        ask(s, clip.id)
    assert blur_clip(clip.id)["frames"] == 30
    again = reload(ctx, clip.id)
    # Beside them, the streams: the unblurred one still shown, the blurred one waiting for the
    # check (tests/workers/test_blur_stream.py).
    assert [key for key in keys if "hls/" not in key] == [
        f"clips/{clip.id}/blurred-poster.jpg",
        f"clips/{clip.id}/blurred.mp4",
        f"clips/{clip.id}/original",
        f"clips/{clip.id}/poster.jpg",
        f"clips/{clip.id}/video.mp4",
    ]
    assert ctx.storage.keys(f"clips/{clip.id}/") == keys
    names = ("blur_status", "video_key", "poster_key", "unblurred_video_key")
    for name in (*names, "blur_review_video_key", "blur_review_poster_key"):
        assert getattr(again, name) == getattr(first, name), name


def test_a_video_that_cannot_be_read_fails_with_a_reason_a_teacher_can_read(
    ctx, session, demo, faces, tmp_path
):
    clip = playable_clip(ctx, session, faces)
    ask(session, clip.id)
    # The playable rendition is damaged in storage (a disk fault, a bad copy).
    notes = tmp_path / "notes.txt"
    notes.write_text("These are my lesson notes, not a video.\n" * 20)
    ctx.storage.put_file(storage_keys.video_key(clip.id), notes)
    enqueue_blur(ctx.redis, clip.id, clip.duration, stale_after=ctx.stale_after)
    work(ctx, BLUR_QUEUE)

    failed = reload(ctx, clip.id)
    assert failed.blur_status == BlurStatus.FAILED
    assert failed.blur_failure_reason and "Traceback" not in failed.blur_failure_reason
    assert failed.blur_failure_reason[0].isupper() and failed.blur_failure_reason.endswith(".")
    assert failed.video_key == storage_keys.video_key(clip.id)  # nothing was swapped
    assert not ctx.storage.exists(storage_keys.blur_key(clip.id))


def test_a_missing_unblurred_video_fails_with_a_reason(ctx, session, demo, faces):
    clip = playable_clip(ctx, session, faces)
    ask(session, clip.id)
    ctx.storage.delete(storage_keys.video_key(clip.id))
    enqueue_blur(ctx.redis, clip.id, clip.duration, stale_after=ctx.stale_after)
    work(ctx, BLUR_QUEUE)
    failed = reload(ctx, clip.id)
    assert (failed.blur_status, failed.blur_failure_reason) == (BlurStatus.FAILED, ORIGINAL_GONE)


def test_the_sweeper_queues_a_blur_that_no_job_will_run(ctx, session, demo, faces):
    clip = playable_clip(ctx, session, faces)
    ask(session, clip.id)  # asked for, but the enqueue never happened (Redis was down)
    assert Queue(BLUR_QUEUE, connection=ctx.redis).count == 0
    assert clip.id in sweep(ctx, grace=timedelta(seconds=-1))
    assert Queue(BLUR_QUEUE, connection=ctx.redis).job_ids == [job_id("blur-clip", clip.id)]
    assert clip.id not in sweep(ctx, grace=timedelta(seconds=-1))  # its job is live now


def test_the_blur_timeout_grows_with_the_clip():
    policy = POLICY["blur-clip"]
    assert policy.queue == BLUR_QUEUE
    assert policy.timeout(None) == 300
    assert policy.timeout(900) == 300 + 6 * 900
    assert policy.retry is not None and policy.retry.max >= 1


def test_progress_names_the_blur_stages_while_it_runs(ctx, session, demo, settings, faces):
    share_without_check(session)
    clip = playable_clip(ctx, session, faces)
    ask(session, clip.id)
    job = enqueue_blur(ctx.redis, clip.id, clip.duration, stale_after=ctx.stale_after)
    worker = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "worker", "--burst", "--queues", "blur"],
        env=worker_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen: list[tuple[str, float]] = []
    try:
        while worker.poll() is None:
            meta = job.get_meta(refresh=True)
            if "stage" in meta and (not seen or seen[-1] != (meta["stage"], meta["progress"])):
                seen.append((meta["stage"], meta["progress"]))
            time.sleep(0.02)
    finally:
        worker.wait(60)
    assert worker.returncode == 0
    stages = [stage for stage, _ in seen]
    assert {"detecting", "blurring"} & set(stages), seen
    assert stages[-1] == "done"
    progress = [p for _, p in seen]
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert reload(ctx, clip.id).blur_status == BlurStatus.READY


def test_a_blur_asked_for_again_while_one_runs_is_done_next(
    ctx, session, demo, settings, faces, tmp_path
):
    share_without_check(session)
    clip = playable_clip(ctx, session, faces)
    ask(session, clip.id)
    job = enqueue_blur(ctx.redis, clip.id, clip.duration, stale_after=ctx.stale_after)
    worker = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "worker", "--burst", "--queues", "blur"],
        env=worker_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while job.get_meta(refresh=True).get("stage") not in ("detecting", "blurring"):
            assert worker.poll() is None, "the job ended before it could be asked again"
            time.sleep(0.02)
        # The mentor chooses the teacher's face while every face is being blurred.
        x0, y0, x1, y1 = faces.faces[0][faces.fps]
        with ctx.sessions() as s:
            ask(s, clip.id, keep=((x0 + x1) / 2 / faces.width, (y0 + y1) / 2 / faces.height, 1.0))
    finally:
        worker.wait(120)
    assert worker.returncode == 0

    done = reload(ctx, clip.id)
    assert done.blur_status == BlurStatus.READY and done.blur_failure_reason is None
    before = _frames(fetch(ctx, done.unblurred_video_key, tmp_path / "unblurred.mp4"))
    after = _frames(fetch(ctx, done.video_key, tmp_path / "blurred.mp4"))
    kept, other = faces.faces
    assert min(_ratios(before, after, kept)) > 0.6  # the second choice was blurred
    assert max(_ratios(before, after, other)) < 0.2


def test_a_blurred_rendition_stays_in_view_while_a_newer_blur_waits(ctx, session, demo, faces):
    share_without_check(session)
    clip = playable_clip(ctx, session, faces)
    mentor = session.scalar(select(User).where(User.email == MENTOR))
    ask(session, clip.id)
    assert policy.video_withheld(mentor, session.get(Clip, clip.id))
    blur.mark_blurring(session, clip.id)
    ask(session, clip.id, keep=(0.3, 0.4, 0.5))  # asked again while the first one runs
    done = blur.mark_blurred(
        session,
        clip.id,
        video=storage_keys.blur_key(clip.id),
        poster=storage_keys.blurred_poster_key(clip.id),
    )
    assert done.blur_status == BlurStatus.REQUESTED  # the newer choice is blurred next
    assert done.video_key == storage_keys.blur_key(clip.id)
    assert done.unblurred_video_key == storage_keys.video_key(clip.id)
    assert not policy.video_withheld(mentor, done)  # the first blur is shown meanwhile
    # Should no job take it up, the sweeper does.
    later = utcnow() + timedelta(seconds=1)
    assert [c.id for c in blur.unfinished_blurs(session, not_touched_since=later)] == [clip.id]
