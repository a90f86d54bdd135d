"""Face blurring through the web app: asking for it, the withheld video, the blurred video for
everyone, and the unblurred original for the uploader alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from rq import Queue
from sqlalchemy import select

from service.models import AuditAction, AuditEvent, BlurStatus, Clip, ConsentState
from service.storage import keys, keys as storage_keys
from tests.conftest import AuthActions, csrf_token
from tests.face_clip import FaceClip, make_face_clip
from tests.factories import upload
from tests.media_pipeline.test_blur import _frames, _ratios
from workers.queues import BLUR_QUEUE, PROCESS_QUEUE, enqueue_processing, job_id
from workers.runner import PromptSimpleWorker

OWNER = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"
COORDINATOR = "coordinator@northfield.example"
WAITING = "Pupils' faces are being blurred; the video appears here when that is done."


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> FaceClip:
    """A short 426x240 clip of two real faces moving over a panning texture."""
    return make_face_clip(tmp_path_factory.mktemp("faces") / "faces.mp4", seconds=1.2, height=240)


def work(ctx, queue: str) -> None:
    worker = PromptSimpleWorker([Queue(queue, connection=ctx.redis)], connection=ctx.redis)
    worker.work(burst=True, with_scheduler=False)


@pytest.fixture
def clip_id(ctx, session, demo, faces) -> int:
    """The owner's face clip, made playable by a real worker."""
    clip = upload(session, ctx.storage, OWNER, faces.path, title="Phonics carpet time")
    enqueue_processing(ctx.redis, clip.id, 1.2, stale_after=ctx.stale_after)
    work(ctx, PROCESS_QUEUE)
    return clip.id


def as_user(app, email: str):
    """Return a client signed in as ``email``, and a CSRF token for its posts."""
    client = app.test_client()
    AuthActions(client).login(email)
    return client, csrf_token(client.get("/clips/").text)


def ask_for_blur(client, clip_id: int, token: str, **keep: str):
    return client.post(
        f"/clips/{clip_id}/blur",
        data={"csrf_token": token, **keep},
        headers={"Accept": "application/json"},
    )


def share(client, clip_id: int, token: str):
    """Share the blurred video waiting for the uploader's check, as the uploader does."""
    return client.post(
        f"/clips/{clip_id}/blur/confirm",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )


def row(ctx, clip_id: int) -> Clip:
    with ctx.sessions() as session:
        return session.get(Clip, clip_id)


def stored(ctx, key: str) -> bytes:
    with ctx.storage.open(key) as handle:
        return handle.read()


def get_bytes(client, url: str, **headers: str) -> tuple[int, bytes]:
    response = client.get(url, headers=headers)
    try:
        return response.status_code, response.get_data()
    finally:
        response.close()


def test_while_faces_wait_to_be_blurred_only_the_uploader_sees_the_video(ctx, app, clip_id):
    client, token = as_user(app, MENTOR)
    response = ask_for_blur(client, clip_id, token)
    assert response.status_code == 202
    assert response.json["blur"]["status"] == "requested"
    assert Queue(BLUR_QUEUE, connection=ctx.redis).job_ids == [job_id("blur-clip", clip_id)]

    # The mentor, and the coordinator, see the page without the video, and why.
    for email in (MENTOR, COORDINATOR):
        client, _ = as_user(app, email)
        assert get_bytes(client, f"/clips/{clip_id}/video.mp4")[0] == 404
        assert get_bytes(client, f"/clips/{clip_id}/poster.jpg")[0] == 404
        assert get_bytes(client, f"/clips/{clip_id}/original")[0] == 404
        page = client.get(f"/clips/{clip_id}").text
        assert WAITING in page and 'data-withheld="true"' in page
        state = client.get(f"/clips/{clip_id}/status.json").json["blur"]
        assert state["status"] == "requested" and state["withheld"] is True
        assert state["stage_label"] == "Waiting for a worker" and state["progress"] == 0.0

    # The uploader still watches it, unblurred, and is told the blur is on its way.
    client, _ = as_user(app, OWNER)
    status, body = get_bytes(client, f"/clips/{clip_id}/video.mp4")
    assert status == 200 and body == stored(ctx, keys.video_key(clip_id))
    page = client.get(f"/clips/{clip_id}").text
    assert 'data-withheld="false"' in page and "Blurring pupils' faces" in page


def test_after_the_blur_everyone_watches_the_blurred_video_and_the_uploader_the_original(
    ctx, app, clip_id, faces, tmp_path: Path
):
    client, token = as_user(app, OWNER)
    assert ask_for_blur(client, clip_id, token).status_code == 202
    work(ctx, BLUR_QUEUE)
    assert row(ctx, clip_id).blur_status == BlurStatus.REVIEW
    assert share(client, clip_id, token).status_code == 200  # the uploader checked it
    assert row(ctx, clip_id).blur_status == BlurStatus.READY

    client, _ = as_user(app, MENTOR)
    status, body = get_bytes(client, f"/clips/{clip_id}/video.mp4")
    assert status == 200 and body == stored(ctx, storage_keys.blur_key(clip_id))
    watched = tmp_path / "watched.mp4"
    watched.write_bytes(body)
    before, after = _frames(faces.path), _frames(watched)
    for face in faces.faces:
        assert max(_ratios(before, after, face)) < 0.2
    assert get_bytes(client, f"/clips/{clip_id}/poster.jpg")[0] == 200
    assert get_bytes(client, f"/clips/{clip_id}/original")[0] == 404
    state = client.get(f"/clips/{clip_id}/status.json").json["blur"]
    assert (state["status"], state["withheld"], state["progress"]) == ("ready", False, 1.0)
    page = client.get(f"/clips/{clip_id}").text
    assert 'data-withheld="false"' in page
    assert "Show the unblurred original" not in page

    client, _ = as_user(app, OWNER)
    page = client.get(f"/clips/{clip_id}").text
    assert "Show the unblurred original (only you can see this)" in page
    assert 'id="blur-original" hidden' not in page
    status, body = get_bytes(client, f"/clips/{clip_id}/original")
    assert status == 200 and body == stored(ctx, keys.video_key(clip_id))
    # The player's later range requests are the same viewing: one event for the page view.
    assert get_bytes(client, f"/clips/{clip_id}/original", Range="bytes=100-199")[0] == 206
    with ctx.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.VIEW_ORIGINAL)
        ).all()
        assert [(e.clip_id, e.actor.email) for e in events] == [(clip_id, OWNER)]


def test_the_face_to_keep_is_checked_and_recorded(ctx, app, clip_id):
    client, token = as_user(app, MENTOR)
    outside = ask_for_blur(client, clip_id, token, keep_x="1.4", keep_y="0.3", keep_t="1")
    assert outside.status_code == 400
    assert "click on the picture itself" in outside.json["error"]
    late = ask_for_blur(client, clip_id, token, keep_x="0.4", keep_y="0.3", keep_t="60")
    assert late.status_code == 400 and "moment inside the clip" in late.json["error"]
    partial = ask_for_blur(client, clip_id, token, keep_x="0.4")
    assert partial.status_code == 400 and "click the middle" in partial.json["error"]
    assert row(ctx, clip_id).blur_status is None  # nothing was asked for

    response = ask_for_blur(client, clip_id, token, keep_x="0.25", keep_y="0.4", keep_t="0.8")
    assert response.status_code == 202
    clip = row(ctx, clip_id)
    assert (clip.blur_keep_x, clip.blur_keep_y, clip.blur_keep_t) == (0.25, 0.4, 0.8)
    assert clip.blur_status == BlurStatus.REQUESTED
    with ctx.sessions() as session:
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == AuditAction.REQUEST_BLUR)
        )
        assert event.actor.email == MENTOR and event.clip_id == clip_id
        assert clip.blur_requested_by_id == event.actor_id
        assert "keeping the face at 25% across, 40% down, 0:00" in event.detail

    # A form post without JavaScript comes back to the clip with a message.
    response = client.post(f"/clips/{clip_id}/blur", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith(f"/clips/{clip_id}")
    assert "Pupils&#39; faces will be blurred" in client.get(f"/clips/{clip_id}").text


def test_only_the_owner_and_mentor_may_ask_and_never_for_a_sound_only_clip(
    ctx, session, app, clip_id
):
    client, token = as_user(app, COORDINATOR)
    refused = ask_for_blur(client, clip_id, token)
    assert refused.status_code == 403 and "their mentor" in refused.json["error"]
    client, token = as_user(app, "ect1@riverside.example")
    assert ask_for_blur(client, clip_id, token).status_code == 404
    assert "blur-request" not in client.get(f"/clips/{clip_id}").text

    clip = session.get(Clip, clip_id)
    clip.audio_only = True
    session.commit()
    client, token = as_user(app, OWNER)
    response = ask_for_blur(client, clip_id, token)
    assert response.status_code == 400 and "sound only" in response.json["error"]


def test_consent_that_requires_a_blur_withholds_the_video_until_it_is_done(
    ctx, session, app, clip_id
):
    clip = session.get(Clip, clip_id)
    clip.consent_state = ConsentState.SOME_NOT_CONSENTED
    session.commit()
    client, _ = as_user(app, MENTOR)
    assert get_bytes(client, f"/clips/{clip_id}/video.mp4")[0] == 404
    page = client.get(f"/clips/{clip_id}").text
    assert 'data-withheld="true"' in page and 'id="blur-request"' in page
    assert "their faces must be blurred before the video can be shown" in page

    token = csrf_token(page)
    assert ask_for_blur(client, clip_id, token).status_code == 202
    work(ctx, BLUR_QUEUE)
    assert get_bytes(client, f"/clips/{clip_id}/video.mp4")[0] == 404  # waiting for the check
    owner, owner_token = as_user(app, OWNER)
    assert share(owner, clip_id, owner_token).status_code == 200
    assert get_bytes(client, f"/clips/{clip_id}/video.mp4")[0] == 200


def test_the_clip_list_shows_no_poster_while_faces_wait_to_be_blurred(ctx, app, clip_id):
    client, token = as_user(app, MENTOR)
    assert f"/clips/{clip_id}/poster.jpg" in client.get("/clips/").text
    assert ask_for_blur(client, clip_id, token).status_code == 202
    listing = client.get("/clips/").text
    assert f"/clips/{clip_id}/poster.jpg" not in listing and "Faces being blurred" in listing
    client, _ = as_user(app, OWNER)
    assert f"/clips/{clip_id}/poster.jpg" in client.get("/clips/").text


def test_a_failed_blur_says_why_and_can_be_tried_again(ctx, app, clip_id, tmp_path: Path):
    client, token = as_user(app, MENTOR)
    notes = tmp_path / "notes.txt"
    notes.write_text("Not a video at all.\n" * 50)
    ctx.storage.put_file(keys.video_key(clip_id), notes)  # the playable video is damaged
    assert ask_for_blur(client, clip_id, token).status_code == 202
    work(ctx, BLUR_QUEUE)

    reason = row(ctx, clip_id).blur_failure_reason
    state = client.get(f"/clips/{clip_id}/status.json").json["blur"]
    assert (state["status"], state["failure"], state["withheld"]) == ("failed", reason, True)
    page = client.get(f"/clips/{clip_id}").text
    assert "and the blur did not work" in page and "Try the blur again" in page
    assert get_bytes(client, f"/clips/{clip_id}/video.mp4")[0] == 404
