"""The clip's stream route: playlists and segments behind the video's own check, strict
names, one audit event per view, the stream while processing, and the MP4 fallbacks."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from service.clips import blur, lifecycle, removal
from service.models import AuditAction, AuditEvent, Clip, ClipStatus
from service.storage import keys
from tests.factories import generated_clip, ready_clip, upload
from workers.queues import enqueue_processing

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"
OTHER_MENTOR = "mentor1@riverside.example"


@pytest.fixture
def settings(settings):
    # A ladder of two small rungs keeps the real encode quick on a tiny clip.
    return settings.with_overrides(transcode_max_height=240, hls_ladder=(180, 240))


@pytest.fixture
def streamed(ctx, session, demo, run_jobs, tmp_path) -> int:
    """A phone's HEVC clip, processed by a real worker: streamed, then ready."""
    source = generated_clip(tmp_path / "phone.mp4", duration=9, vcodec="libx265")
    clip = upload(session, ctx.storage, ECT, source)
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    return clip.id


def _views(session, clip_id: int) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(
                AuditEvent.clip_id == clip_id, AuditEvent.action == AuditAction.VIEW_CLIP
            )
        )
    )


def test_a_ready_clip_streams_its_ladder_and_one_view_is_one_event(client, auth, session, streamed):
    auth.login(MENTOR)
    status = client.get(f"/clips/{streamed}/status.json").json
    assert status["status"] == "ready"
    master_url = status["stream_url"]
    assert master_url == f"/clips/{streamed}/hls/master.m3u8"
    master = client.get(master_url)
    assert master.status_code == 200
    assert master.mimetype == "application/vnd.apple.mpegurl"
    assert "no-store" in master.headers["Cache-Control"]
    renditions = [line for line in master.text.splitlines() if line.endswith("index.m3u8")]
    assert renditions == ["180/index.m3u8", "240/index.m3u8"]
    fetched = 0
    for rendition in renditions:
        playlist = client.get(f"/clips/{streamed}/hls/{rendition}")
        assert playlist.status_code == 200 and "#EXT-X-ENDLIST" in playlist.text
        folder = rendition.split("/")[0]
        names = [
            line.split('"')[1] if line.startswith("#EXT-X-MAP") else line
            for line in playlist.text.splitlines()
            if line.startswith("#EXT-X-MAP") or (line and not line.startswith("#"))
        ]
        # the header, a segment a second for four seconds, then four-second segments
        assert names[0].startswith("init") and len(names) == 7
        for name in names:
            part = client.get(f"/clips/{streamed}/hls/{folder}/{name}")
            assert part.status_code == 200 and len(part.data) > 0
            assert "private" in part.headers["Cache-Control"]
            part.close()
            fetched += 1
    ranged = client.get(f"/clips/{streamed}/hls/240/seg-00001.m4s", headers={"Range": "bytes=0-7"})
    assert ranged.status_code == 206 and len(ranged.data) == 8
    ranged.close()
    assert fetched == 14
    # The master playlist recorded the view; playlists and segments recorded nothing more.
    [view] = _views(session, streamed)
    assert view.detail.startswith("stream")
    client.get(master_url).close()
    assert len(_views(session, streamed)) == 1  # the same view, within the window


BAD_NAMES = (
    "original",
    "../original",
    "240/../../original",
    "240/seg-1.m4s",
    "master.m3u8x",
    "240/index.m3u8/../../video.mp4",
    "240/init.mp4.part",
    "%2e%2e/original",
)


def test_only_a_stream_file_name_is_served(client, auth, streamed):
    auth.login(ECT)
    for name in BAD_NAMES:
        assert client.get(f"/clips/{streamed}/hls/{name}").status_code == 404, name


def test_segments_are_as_private_as_the_video(client, auth, streamed):
    segment = f"/clips/{streamed}/hls/240/seg-00000.m4s"
    assert client.get(segment).status_code == 302  # to sign in
    auth.login(OTHER_MENTOR)
    assert client.get(segment).status_code == 404
    assert client.get(f"/clips/{streamed}/hls/master.m3u8").status_code == 404


def test_a_clip_blurred_without_a_blurred_stream_plays_its_mp4_never_the_unblurred_stream(
    ctx, client, auth, session, streamed
):
    # Blurred before blurred streams existed: its blurred rendition has no stream beside it.
    # (A blur now copies its MP4 into one: tests/workers/test_blur_stream.py.)
    clip = session.get(Clip, streamed)
    video = keys.blur_key(streamed, besides=clip.video_key)
    ctx.storage.put_stream(video, io.BytesIO(b"blurred"))
    blur.publish_blurred(clip, video, clip.poster_key)
    session.commit()
    auth.login(MENTOR)
    assert client.get(f"/clips/{streamed}/status.json").json["stream_url"] is None
    assert client.get(f"/clips/{streamed}/hls/master.m3u8").status_code == 404
    assert client.get(f"/clips/{streamed}/hls/240/seg-00000.m4s").status_code == 404


def test_a_clip_from_before_streams_plays_its_mp4(ctx, client, auth, session, demo):
    old = ready_clip(session, ctx.storage, ECT, title="Before streams")
    auth.login(MENTOR)
    status = client.get(f"/clips/{old.id}/status.json").json
    assert status["stream_url"] is None and status["video_url"]
    assert client.get(f"/clips/{old.id}/hls/master.m3u8").status_code == 404


def test_a_clip_still_processing_offers_the_part_that_is_done(
    ctx, client, auth, session, demo, tmp_path
):
    clip = upload(session, ctx.storage, ECT, b"stand-in upload")
    lifecycle.mark_processing(session, clip.id)
    job = enqueue_processing(ctx.redis, clip.id, 9.0, stale_after=ctx.stale_after)
    auth.login(MENTOR)
    status = client.get(f"/clips/{clip.id}/status.json").json
    assert "stream_url" not in status  # nothing done yet
    # As the worker's uploader does: the master playlist is there, and 8 s are ready.
    ctx.storage.put_stream(keys.stream_master_key(clip.id), io.BytesIO(b"#EXTM3U\n"))
    job.meta["stream_seconds"] = 8.0
    job.save_meta()
    status = client.get(f"/clips/{clip.id}/status.json").json
    assert status["status"] == "processing"
    assert status["stream_url"] == f"/clips/{clip.id}/hls/master.m3u8"
    assert status["stream_seconds"] == 8.0
    assert client.get(status["stream_url"]).status_code == 200
    # A failed clip keeps no stream, and offers none.
    lifecycle.mark_failed(session, clip.id, "Could not be read.")
    assert client.get(f"/clips/{clip.id}/hls/master.m3u8").status_code == 404
    assert session.get(Clip, clip.id).status == ClipStatus.FAILED


def test_deleting_a_clip_removes_its_stream(ctx, session, streamed):
    clip = session.get(Clip, streamed)
    assert ctx.storage.keys(keys.stream_prefix(streamed))
    removal.delete_clip(
        session, ctx.storage, clip, actor=None, action=AuditAction.DELETE_CLIP, detail="test"
    )
    assert ctx.storage.keys(keys.clip_prefix(streamed)) == []
