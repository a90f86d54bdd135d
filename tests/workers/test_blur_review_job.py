"""The blur job with the uploader's check: touch-up regions blurred from the unblurred video,
the faces found per second stored, the school's "everything but the teacher" mode, and every
result waiting for the check. Real faces, a real RQ worker on real Redis, real ffmpeg."""

from __future__ import annotations

from pathlib import Path

import pytest
from rq import Queue
from sqlalchemy import select

from service import policy
from service.clips import blur, blur_review
from service.models import BlurStatus, Clip, ClipStatus, School, User
from service.storage import keys as storage_keys
from tests.face_clip import FaceClip, make_face_clip
from tests.factories import upload
from tests.media_pipeline.test_blur import _frames, _ratios, _sharpness
from workers.queues import BLUR_QUEUE, PROCESS_QUEUE, enqueue_blur, enqueue_processing
from workers.runner import PromptSimpleWorker

OWNER, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> FaceClip:
    """A short 426x240 clip of two real faces moving over a panning texture (30 frames)."""
    return make_face_clip(tmp_path_factory.mktemp("faces") / "faces.mp4", seconds=1.2, height=240)


def work(ctx, queue: str) -> None:
    worker = PromptSimpleWorker([Queue(queue, connection=ctx.redis)], connection=ctx.redis)
    worker.work(burst=True, with_scheduler=False)


def person(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def reload(ctx, clip_id: int) -> Clip:
    with ctx.sessions() as session:
        return session.get(Clip, clip_id)


def stored(ctx, key: str) -> bytes:
    with ctx.storage.open(key) as handle:
        return handle.read()


def fetch(ctx, key: str, path: Path) -> list:
    ctx.storage.download(key, path)
    return _frames(path)


@pytest.fixture
def teacher_kept(ctx, session, demo, faces) -> Clip:
    """The owner's playable face clip, blurred keeping the first face (the teacher's)."""
    clip = upload(session, ctx.storage, OWNER, faces.path)
    enqueue_processing(ctx.redis, clip.id, 1.2, stale_after=ctx.stale_after)
    work(ctx, PROCESS_QUEUE)
    assert reload(ctx, clip.id).status == ClipStatus.READY
    x0, y0, x1, y1 = faces.faces[0][faces.fps]
    keep = ((x0 + x1) / 2 / faces.width, (y0 + y1) / 2 / faces.height, 1.0)
    blur.request_blur(session, person(session, MENTOR), clip.id, keep=keep)
    return clip


def run_blur(ctx, session, clip: Clip) -> Clip:
    """Run the blur job as a worker does; the test's session then sees what it changed."""
    enqueue_blur(ctx.redis, clip.id, 1.2, stale_after=ctx.stale_after)
    work(ctx, BLUR_QUEUE)
    session.expire_all()
    return reload(ctx, clip.id)


def test_a_region_over_the_kept_face_is_blurred_again_and_waits_for_the_check(
    ctx, session, faces, teacher_kept, tmp_path
):
    owner, mentor = person(session, OWNER), person(session, MENTOR)
    first = run_blur(ctx, session, teacher_kept)
    assert first.blur_status == BlurStatus.REVIEW and first.blur_failure_reason is None
    assert policy.video_withheld(mentor, first)
    assert first.video_key == storage_keys.video_key(first.id)  # nothing shown yet
    assert len(first.blur_face_strip) == 2  # one count per whole second of the 1.2 s clip
    before = _frames(faces.path)
    after = fetch(ctx, first.blur_review_video_key, tmp_path / "first.mp4")
    kept, other = faces.faces
    assert min(_ratios(before, after, kept)) > 0.6  # the teacher stays clear
    assert max(_ratios(before, after, other)) < 0.2

    # The uploader marks the teacher's face after all, over the whole clip, and blurs again.
    x0 = min(b[0] for b in kept) / faces.width
    y0 = min(b[1] for b in kept) / faces.height
    x1 = max(b[2] for b in kept) / faces.width
    y1 = max(b[3] for b in kept) / faces.height
    area = blur_review.RegionInput(start=0, end=1.2, x0=x0, y0=y0, x1=x1, y1=y1)
    blur_review.add_region(session, owner, first.id, area)
    blur_review.blur_again(session, owner, first.id)
    assert reload(ctx, first.id).blur_status == BlurStatus.REQUESTED

    second = run_blur(ctx, session, teacher_kept)
    assert second.blur_status == BlurStatus.REVIEW  # back through the check
    assert policy.video_withheld(mentor, second)
    after = fetch(ctx, second.blur_review_video_key, tmp_path / "second.mp4")
    assert max(_ratios(before, after, kept)) < 0.2  # blurred by the region
    assert max(_ratios(before, after, other)) < 0.2

    shared = blur_review.confirm_blur(session, owner, first.id)
    assert shared.video_key == storage_keys.blur_key(first.id)
    assert shared.unblurred_video_key == storage_keys.video_key(first.id)
    assert not policy.video_withheld(mentor, reload(ctx, first.id))


def test_a_blur_after_sharing_is_made_beside_the_shared_video(
    ctx, session, faces, teacher_kept, tmp_path
):
    owner = person(session, OWNER)
    run_blur(ctx, session, teacher_kept)
    blur_review.confirm_blur(session, owner, teacher_kept.id)
    shared = storage_keys.blur_key(teacher_kept.id)
    shown = stored(ctx, shared)

    blur_review.blur_again(session, owner, teacher_kept.id)
    again = run_blur(ctx, session, teacher_kept)
    assert again.blur_status == BlurStatus.REVIEW
    assert again.video_key == shared and stored(ctx, shared) == shown
    assert again.blur_review_video_key == storage_keys.blur_key(teacher_kept.id, besides=shared)


def test_a_school_that_blurs_everything_but_the_teacher_gets_that(
    ctx, session, faces, teacher_kept, tmp_path
):
    for school in session.scalars(select(School)):
        school.blur_outside_teacher = True
    session.commit()
    done = run_blur(ctx, session, teacher_kept)
    assert done.blur_status == BlurStatus.REVIEW
    before = _frames(faces.path)
    after = fetch(ctx, done.blur_review_video_key, tmp_path / "outside.mp4")
    # The floor away from the teacher, which a faces-only blur leaves alone, loses its detail.
    kept = faces.faces[0]
    beyond = max(b[2] for b in kept) + max(b[2] - b[0] for b in kept)
    floor = (beyond, faces.height - 30, faces.width, faces.height)
    assert faces.width - beyond > 60  # enough floor to measure
    for i in range(0, len(before), 5):
        assert _sharpness(after[i], floor) < 0.3 * _sharpness(before[i], floor), i
