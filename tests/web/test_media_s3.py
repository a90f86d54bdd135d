"""Clip media from S3 storage: a redirect to a presigned URL, or streamed when proxied."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from service.clips import transcripts
from service.models import AuditAction
from tests.factories import generated_clip, ready_clip
from tests.web.test_audit_log_pages import events

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"
STRANGER = "mentor1@riverside.example"


@pytest.fixture
def settings(settings, s3_url):
    """This module's tests store media in S3 and send the browser there."""
    return settings.with_overrides(storage_url=s3_url, storage_proxy=False, presign_seconds=300)


@pytest.fixture
def video(tmp_path):
    return generated_clip(tmp_path / "lesson.mp4", duration=1)


def fetch(url: str, **headers: str):
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10)


def test_video_redirects_a_permitted_user_to_a_presigned_url(
    ctx, session, demo, client, auth, s3_server, video
):
    clip = ready_clip(session, ctx.storage, ECT, video=video, title="Fractions")
    auth.login(MENTOR)
    response = client.get(f"/clips/{clip.id}/video.mp4")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "private, no-store"
    location = response.headers["Location"]
    assert location.startswith(f"{s3_server.endpoint}/{s3_server.bucket}/test-")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-type"] == ["video/mp4"]
    # The first request of a player is recorded, as when the app streams the video itself.
    [view] = events(session, AuditAction.VIEW_CLIP)
    assert view.actor_id == demo[MENTOR].id and view.detail == "video: Fractions"

    data = video.read_bytes()
    with fetch(location, Range="bytes=100-299") as part:
        assert part.status == 206
        assert part.headers["Content-Range"] == f"bytes 100-299/{len(data)}"
        assert part.headers["Content-Type"] == "video/mp4"
        assert part.read() == data[100:300]


def test_poster_redirects_and_captions_stay_on_the_app(ctx, session, demo, client, auth):
    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        title="Plenary",
        captions=b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n",
        transcript=[transcripts.SegmentData(0, 1, "Hi")],
    )
    auth.login(ECT)
    poster = client.get(f"/clips/{clip.id}/poster.jpg")
    assert poster.status_code == 302
    with fetch(poster.headers["Location"]) as response:
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.read() == b"poster bytes"
    # A <track> is fetched same-origin, so captions are streamed from the app.
    with client.get(f"/clips/{clip.id}/captions.vtt") as captions:
        assert captions.status_code == 200 and captions.mimetype == "text/vtt"
        assert captions.data.startswith(b"WEBVTT")
    with client.get(f"/clips/{clip.id}/transcript.vtt") as download:
        assert download.status_code == 200
        assert download.headers["Content-Disposition"] == (
            'attachment; filename="Plenary_transcript.vtt"'
        )
        assert download.data.startswith(b"WEBVTT")


def test_a_user_without_access_gets_no_url(ctx, session, demo, client, auth):
    clip = ready_clip(session, ctx.storage, ECT)
    auth.login(STRANGER)
    for media in ("video.mp4", "poster.jpg"):
        response = client.get(f"/clips/{clip.id}/{media}")
        assert response.status_code == 404
        assert "Location" not in response.headers
        assert "X-Amz" not in response.text and ctx.storage.prefix not in response.text
    assert events(session, AuditAction.VIEW_CLIP) == []


def test_missing_media_is_not_found(ctx, session, demo, client, auth):
    clip = ready_clip(session, ctx.storage, ECT)
    ctx.storage.delete(clip.video_key)
    auth.login(ECT)
    response = client.get(f"/clips/{clip.id}/video.mp4")
    assert response.status_code == 404 and "Location" not in response.headers


def test_proxied_storage_streams_ranges_through_the_app(
    settings, ctx, session, demo, s3_server, video
):
    from tests.conftest import AuthActions
    from web import create_app

    app = create_app(settings.with_overrides(storage_proxy=True))
    try:
        client = app.test_client()
        clip = ready_clip(session, ctx.storage, ECT, video=video)
        AuthActions(client).login(MENTOR)
        data = video.read_bytes()
        with client.get(f"/clips/{clip.id}/video.mp4", headers={"Range": "bytes=100-"}) as part:
            assert part.status_code == 206
            assert part.headers["Content-Range"] == f"bytes 100-{len(data) - 1}/{len(data)}"
            assert "private" in part.headers["Cache-Control"]
            assert part.data == data[100:]
        with client.get(f"/clips/{clip.id}/video.mp4", headers={"Range": "bytes=10-19"}) as part:
            assert part.status_code == 206 and part.data == data[10:20]
        with client.get(f"/clips/{clip.id}/video.mp4") as whole:
            assert whole.status_code == 200 and whole.data == data
        assert s3_server.endpoint not in whole.headers.get("Location", "")
    finally:
        app.extensions["coachreel"].engine.dispose()
