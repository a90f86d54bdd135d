"""A blurred clip's stream: the blurred MP4 copied into segments, shown with it, and the
unblurred stream gone once it is; real faces, real RQ workers, real ffmpeg and storage."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from media_pipeline.hls import parse_playlist
from service.models import BlurStatus, Clip
from service.storage import keys
from tests.conftest import csrf_token
from tests.face_clip import FaceClip, make_face_clip
from tests.media_pipeline.test_blur import _frames, _ratios
from tests.streams import finished_stream_keys, read_text
from tests.workers.test_blur_clip import (
    ECT,
    MENTOR,
    ask,
    fetch,
    playable_clip,
    reload,
    share_without_check,
    work,
)
from workers.queues import BLUR_QUEUE, enqueue_blur

JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> FaceClip:
    """A short 426x240 clip of two real faces moving over a panning texture (30 frames)."""
    return make_face_clip(tmp_path_factory.mktemp("faces") / "faces.mp4", seconds=1.2, height=240)


def blur_now(ctx, session, clip_id: int) -> Clip:
    ask(session, clip_id)
    enqueue_blur(ctx.redis, clip_id, 1.2, stale_after=ctx.stale_after)
    work(ctx, BLUR_QUEUE)
    return reload(ctx, clip_id)


def streamed_through_route(client, clip_id: int, path: Path) -> tuple[list[str], float]:
    """Fetch the clip's stream as a player does, join its one rendition into ``path``; return
    the master's renditions and the seconds the rendition's playlist lists."""
    master = client.get(f"/clips/{clip_id}/hls/master.m3u8")
    assert master.status_code == 200
    renditions = [line for line in master.text.splitlines() if line.endswith("index.m3u8")]
    [rendition] = renditions
    folder = rendition.split("/")[0]
    listed = client.get(f"/clips/{clip_id}/hls/{rendition}")
    playlist = parse_playlist(listed.text)
    assert playlist.ended and playlist.init and playlist.segments
    with open(path, "wb") as out:
        for name in (playlist.init, *(name for name, _ in playlist.segments)):
            part = client.get(f"/clips/{clip_id}/hls/{folder}/{name}")
            assert part.status_code == 200, name
            out.write(part.data)
            part.close()
    return renditions, playlist.seconds


def stream_keys(ctx, clip_id: int) -> list[str]:
    return [key for key in ctx.storage.keys(keys.clip_prefix(clip_id)) if "hls/" in key]


def test_a_blur_shared_at_once_is_the_clips_stream_and_the_unblurred_one_goes(
    ctx, session, demo, faces, client, auth, tmp_path
):
    share_without_check(session)
    clip = playable_clip(ctx, session, faces)
    assert finished_stream_keys(ctx.storage, clip.id)  # the unblurred stream, as processed
    done = blur_now(ctx, session, clip.id)
    assert done.blur_status == BlurStatus.READY, done.blur_failure_reason
    assert done.video_key == keys.blur_key(clip.id)

    # The blurred stream is whole, and it is the only stream the clip has left.
    blurred = finished_stream_keys(ctx.storage, clip.id, done.video_key)
    assert sorted(blurred) == stream_keys(ctx, clip.id)
    assert all(key.startswith(f"clips/{clip.id}/blurred-hls/") for key in blurred)
    assert ctx.storage.keys(keys.stream_prefix(clip.id)) == []

    auth.login(MENTOR)
    status = client.get(f"/clips/{clip.id}/status.json").json
    assert status["stream_url"] == f"/clips/{clip.id}/hls/master.m3u8"
    renditions, seconds = streamed_through_route(client, clip.id, tmp_path / "stream.mp4")
    assert renditions == ["240/index.m3u8"]  # one rendition, at the blurred MP4's height
    assert seconds == pytest.approx(done.duration, abs=0.1)
    # Copied, not encoded again: every frame is the blurred MP4's, bit for bit.
    shown = _frames(fetch(ctx, done.video_key, tmp_path / "blurred.mp4"))
    played = _frames(tmp_path / "stream.mp4")
    assert len(played) == len(shown) == 30
    assert all(np.array_equal(a, b) for a, b in zip(played, shown, strict=True))
    before = _frames(fetch(ctx, done.unblurred_video_key, tmp_path / "unblurred.mp4"))
    for face in faces.faces:
        assert max(_ratios(before, played, face)) < 0.2


def test_a_blur_waiting_for_the_check_streams_only_once_shared(
    ctx, session, demo, faces, client, auth, tmp_path
):
    clip = playable_clip(ctx, session, faces)
    unblurred = finished_stream_keys(ctx.storage, clip.id)
    master = read_text(ctx.storage, keys.stream_master_key(clip.id))
    waiting = blur_now(ctx, session, clip.id)
    assert waiting.blur_status == BlurStatus.REVIEW, waiting.blur_failure_reason

    # Made beside the unblurred stream; while the uploader checks the blurred MP4 (and nobody
    # else sees the clip's video) neither stream is served.
    candidate = finished_stream_keys(ctx.storage, clip.id, waiting.blur_review_video_key)
    assert sorted(unblurred | candidate) == stream_keys(ctx, clip.id)
    auth.login(ECT)
    assert master.startswith("#EXTM3U")
    assert client.get(f"/clips/{clip.id}/hls/master.m3u8").status_code == 404

    # The uploader shares it (the check page's button): the stream switches with the video.
    token = csrf_token(client.get(f"/clips/{clip.id}").text)
    shared = client.post(f"/clips/{clip.id}/blur/confirm", data={"csrf_token": token}, headers=JSON)
    assert shared.status_code == 200
    done = reload(ctx, clip.id)
    assert done.video_key == waiting.blur_review_video_key
    assert sorted(candidate) == stream_keys(ctx, clip.id)  # the unblurred stream is gone
    auth.logout()
    auth.login(MENTOR)
    streamed_through_route(client, clip.id, tmp_path / "stream.mp4")
    played = _frames(tmp_path / "stream.mp4")
    shown = _frames(fetch(ctx, done.video_key, tmp_path / "blurred.mp4"))
    assert all(np.array_equal(a, b) for a, b in zip(played, shown, strict=True))


def test_a_newer_blur_shared_replaces_the_older_blurred_stream(ctx, session, demo, faces):
    share_without_check(session)
    clip = playable_clip(ctx, session, faces)
    first = blur_now(ctx, session, clip.id)
    with ctx.sessions() as s:
        second = blur_now(ctx, s, clip.id)  # say, another face to keep
    assert (first.video_key, second.video_key) == keys.blur_keys(clip.id)
    newer = finished_stream_keys(ctx.storage, clip.id, second.video_key)
    assert sorted(newer) == stream_keys(ctx, clip.id)
    assert all(key.startswith(f"clips/{clip.id}/blurred-2-hls/") for key in newer)


def test_a_blur_that_fails_leaves_the_unblurred_stream_as_it_was_and_no_half_stream(
    ctx, session, demo, faces, client, auth, tmp_path
):
    clip = playable_clip(ctx, session, faces)
    unblurred = {key: read_bytes(ctx, key) for key in finished_stream_keys(ctx.storage, clip.id)}
    # A killed run's half stream beside it: a segment, no playlist.
    half = keys.stream_key(clip.id, "240/seg-00000.m4s", keys.blur_key(clip.id))
    ctx.storage.put_stream(half, io.BytesIO(b"half a segment"))
    # The rendition to blur is damaged in storage (a disk fault, a bad copy): the blur fails.
    notes = tmp_path / "notes.txt"
    notes.write_text("These are my lesson notes, not a video.\n" * 20)
    ctx.storage.put_file(keys.video_key(clip.id), notes)
    failed = blur_now(ctx, session, clip.id)

    assert failed.blur_status == BlurStatus.FAILED
    assert failed.video_key == keys.video_key(clip.id)
    assert stream_keys(ctx, clip.id) == sorted(unblurred)
    assert all(read_bytes(ctx, key) == body for key, body in unblurred.items())
    auth.login(ECT)
    master = client.get(f"/clips/{clip.id}/hls/master.m3u8")
    assert master.status_code == 200
    assert master.data == unblurred[keys.stream_master_key(clip.id)]


def read_bytes(ctx, key: str) -> bytes:
    with ctx.storage.open(key) as handle:
        return handle.read()
