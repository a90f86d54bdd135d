"""The clip routes: upload, status, media with Range, and comments."""

from __future__ import annotations

import io
from datetime import date

import pytest

from service.models import Clip, ClipStatus, Comment
from tests.conftest import csrf_token
from tests.factories import generated_clip

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"


def _upload(client, data: bytes, filename: str = "lesson.mp4", **fields):
    token = csrf_token(client.get("/clips/upload").text)
    form = {
        "csrf_token": token,
        "kind": "lesson",
        "title": "Year 8 science",
        "recorded_on": date.today().isoformat(),
        "file": (io.BytesIO(data), filename),
    }
    form.update(fields)
    return client.post("/clips/upload", data=form, headers={"Accept": "application/json"})


def test_upload_then_process_then_watch(client, auth, demo, ctx, run_jobs, tmp_path):
    auth.login(ECT)
    data = generated_clip(tmp_path / "a.mp4", duration=3).read_bytes()
    response = _upload(client, data)
    assert response.status_code == 201
    clip_id = response.json["id"]
    status = client.get(f"/clips/{clip_id}/status.json").json
    assert status["status"] == "uploaded"
    assert status["stage_label"] == "Waiting for a worker"
    run_jobs()
    status = client.get(f"/clips/{clip_id}/status.json").json
    assert status["status"] == "ready"
    assert status["video_url"] == f"/clips/{clip_id}/video.mp4"

    whole = client.get(status["video_url"])
    assert whole.status_code == 200
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert "private" in whole.headers["Cache-Control"]
    size = len(whole.data)
    whole.close()
    part = client.get(status["video_url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert part.data == whole.data[100:200]
    part.close()
    poster = client.get(status["poster_url"])
    assert poster.status_code == 200 and poster.data[:2] == b"\xff\xd8"  # a JPEG
    poster.close()

    page = client.get(f"/clips/{clip_id}")
    assert "Year 8 science" in page.text and 'data-status="ready"' in page.text


def test_empty_upload_is_refused_and_nothing_is_stored(client, auth, demo, ctx):
    auth.login(ECT)
    response = _upload(client, b"")
    assert response.status_code == 400
    assert "empty" in response.json["error"]
    with ctx.sessions() as s:
        assert s.query(Clip).count() == 0
    assert ctx.storage.keys() == []


def test_upload_over_the_limit_answers_413_and_stores_nothing(app, client, auth, demo, ctx):
    limit = app.extensions["coachreel.settings"].max_upload_bytes
    app.config["MAX_CONTENT_LENGTH"] = 4096  # as if the limit were tiny
    auth.login(ECT)
    response = _upload(client, b"x" * 10_000)
    assert response.status_code == 413
    assert "larger than the" in response.json["error"] and "upload limit" in response.json["error"]
    assert limit > 4096
    assert ctx.storage.keys() == []
    assert client.get("/health").status_code == 200  # still serving


def test_file_over_the_limit_inside_an_allowed_request_is_refused(settings, ctx, demo):
    """The storage copy enforces the exact limit, whatever the request size check let in."""
    from web import create_app

    app = create_app(settings.with_overrides(max_upload_bytes=5000))
    app.config["MAX_CONTENT_LENGTH"] = 10**6
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").text)
    client.post(
        "/auth/login", data={"email": ECT, "password": "coachreel-demo", "csrf_token": token}
    )
    response = _upload(client, b"y" * 8000)
    assert response.status_code == 413
    assert ctx.storage.keys() == []
    with ctx.sessions() as s:
        assert s.query(Clip).count() == 0
    app.extensions["coachreel"].engine.dispose()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "  "}, "title"),
        ({"kind": "model"}, "Not a valid choice"),
        ({"recorded_on": "not a date"}, "date"),
    ],
)
def test_upload_form_errors_are_clear(client, auth, demo, fields, message):
    auth.login(ECT)
    response = _upload(client, b"data", **fields)
    assert response.status_code == 400
    assert message.lower() in response.json["error"].lower()


def test_failed_clip_shows_the_reason(client, auth, demo, run_jobs):
    auth.login(ECT)
    clip_id = _upload(client, b"just some text").json["id"]
    run_jobs()
    status = client.get(f"/clips/{clip_id}/status.json").json
    assert status["status"] == "failed"
    assert "not a video we can read" in status["failure_reason"]
    assert "not a video we can read" in client.get(f"/clips/{clip_id}").text
    assert client.get(f"/clips/{clip_id}/video.mp4").status_code == 404


@pytest.fixture
def ready_clip_id(client, auth, demo, run_jobs, tmp_path) -> int:
    auth.login(ECT)
    clip_id = _upload(client, generated_clip(tmp_path / "a.mp4", duration=4).read_bytes()).json[
        "id"
    ]
    run_jobs()
    auth.logout()
    return clip_id


def _comment(client, clip_id: int, at: str, body: str):
    token = csrf_token(client.get(f"/clips/{clip_id}").text)
    return client.post(
        f"/clips/{clip_id}/comments",
        data={"csrf_token": token, "at_seconds": at, "body": body},
        headers={"Accept": "application/json"},
    )


def test_mentor_comments_at_a_moment_and_the_ect_sees_them_in_time_order(
    client, auth, ready_clip_id, ctx
):
    auth.login(MENTOR)
    assert _comment(client, ready_clip_id, "3.25", "Good positioning here").status_code == 201
    created = _comment(client, ready_clip_id, "1.5", "Clear instruction")
    assert created.status_code == 201
    assert created.json["comment"]["at_seconds"] == 1.5
    auth.logout()
    auth.login(ECT)
    listed = client.get(f"/clips/{ready_clip_id}/comments.json").json["comments"]
    assert [(c["at_seconds"], c["body"], c["author"]) for c in listed] == [
        (1.5, "Clear instruction", "Daniel Okafor"),
        (3.25, "Good positioning here", "Daniel Okafor"),
    ]
    assert "Good positioning here" in client.get(f"/clips/{ready_clip_id}").text


@pytest.mark.parametrize(
    "at, body, message",
    [
        ("1", "   ", "write a comment"),
        ("-2", "x", "moment in the clip"),
        ("99", "x", "after the end"),
        ("abc", "x", "moment in the clip"),
    ],
)
def test_bad_comments_are_refused_with_a_reason(
    client, auth, ready_clip_id, ctx, at, body, message
):
    auth.login(MENTOR)
    response = _comment(client, ready_clip_id, at, body)
    assert response.status_code == 400
    assert message in response.json["error"]
    with ctx.sessions() as s:
        assert s.query(Comment).count() == 0


def test_status_of_a_clip_in_processing_shows_stage_and_progress(client, auth, demo, ctx):
    auth.login(ECT)
    clip_id = _upload(client, b"0" * 100).json["id"]
    with ctx.sessions() as s:
        s.get(Clip, clip_id).status = ClipStatus.PROCESSING
        s.commit()
    from rq.job import Job

    job = Job.fetch(f"probe-clip-{clip_id}", connection=ctx.redis)
    job.meta.update(stage="probing", progress=0.03)
    job.save_meta()
    ctx.redis.hset(job.key, "status", "started")
    status = client.get(f"/clips/{clip_id}/status.json").json
    assert status["stage_label"] == "Checking the video"
    assert status["progress"] == 0.03


def test_comment_without_csrf_token_is_refused(client, auth, ready_clip_id, ctx):
    auth.login(MENTOR)
    response = client.post(
        f"/clips/{ready_clip_id}/comments",
        data={"at_seconds": "1", "body": "Sneaky"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "session has expired" in response.json["error"]
    with ctx.sessions() as s:
        assert s.query(Comment).count() == 0
