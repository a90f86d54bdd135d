"""process_clip with S3 storage: inputs come from the bucket and outputs go back to it."""

from __future__ import annotations

import pytest

import media_pipeline
from service.models import Clip, ClipStatus
from tests.factories import generated_clip, upload
from tests.streams import finished_stream_keys
from workers.queues import enqueue_processing

ECT = "ect1@northfield.example"


@pytest.fixture
def settings(settings, s3_url):
    return settings.with_overrides(storage_url=s3_url)


def test_a_clip_processed_from_s3_is_ready_with_its_outputs_in_the_bucket(
    ctx, session, demo, run_jobs, s3_server, tmp_path
):
    source = generated_clip(tmp_path / "phone.mp4", duration=2, faststart=False)
    clip = upload(session, ctx.storage, ECT, source)
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()

    with ctx.sessions() as s:
        done = s.get(Clip, clip.id)
        assert done.status == ClipStatus.READY, done.failure_reason
    prefix = ctx.storage.prefix
    listed = s3_server.client.list_objects_v2(Bucket=s3_server.bucket, Prefix=prefix)
    assert sorted(item["Key"] for item in listed["Contents"]) == [
        *sorted(prefix + key for key in finished_stream_keys(ctx.storage, clip.id)),
        f"{prefix}clips/{clip.id}/original",
        f"{prefix}clips/{clip.id}/poster.jpg",
        f"{prefix}clips/{clip.id}/video.mp4",
    ]
    video = tmp_path / "from-bucket.mp4"
    s3_server.client.download_file(s3_server.bucket, f"{prefix}{done.video_key}", str(video))
    info = media_pipeline.probe(video)
    assert info.video.codec == "h264" and info.faststart
    uploads = s3_server.client.list_multipart_uploads(Bucket=s3_server.bucket, Prefix=prefix)
    assert uploads.get("Uploads", []) == []
