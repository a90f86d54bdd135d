"""A blurred clip's stream with S3 storage: made beside the blurred MP4 in the bucket, and the
unblurred stream deleted from it once the blurred one is shown."""

from __future__ import annotations

import pytest

from service.models import BlurStatus
from service.storage import keys
from tests.face_clip import FaceClip, make_face_clip
from tests.streams import finished_stream_keys
from tests.workers.test_blur_clip import playable_clip, share_without_check
from tests.workers.test_blur_stream import blur_now


@pytest.fixture
def settings(settings, s3_url):
    return settings.with_overrides(storage_url=s3_url)


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> FaceClip:
    return make_face_clip(tmp_path_factory.mktemp("faces") / "faces.mp4", seconds=1.2, height=240)


def test_a_blur_shared_from_s3_leaves_only_the_blurred_stream_in_the_bucket(
    ctx, session, demo, faces, s3_server
):
    share_without_check(session)
    clip = playable_clip(ctx, session, faces)
    assert finished_stream_keys(ctx.storage, clip.id)
    done = blur_now(ctx, session, clip.id)
    assert done.blur_status == BlurStatus.READY, done.blur_failure_reason

    prefix = ctx.storage.prefix
    listed = s3_server.client.list_objects_v2(Bucket=s3_server.bucket, Prefix=prefix)
    streamed = finished_stream_keys(ctx.storage, clip.id, done.video_key)
    assert sorted(item["Key"] for item in listed["Contents"]) == sorted(
        prefix + key
        for key in (
            *streamed,
            keys.original_key(clip.id),
            keys.video_key(clip.id),
            keys.poster_key(clip.id),
            keys.blur_key(clip.id),
            keys.blurred_poster_key(clip.id),
        )
    )
