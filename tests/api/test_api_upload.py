"""Resumable uploads through the API (/api/v1/uploads, tus 1.0) with personal access tokens: a
real clip sent in two chunks, read-only tokens and strangers refused, errors as problem
details that still speak tus, a signed-in browser held to CSRF, and the OpenAPI document."""

from __future__ import annotations

import hashlib
from base64 import b64encode

import pytest
from openapi_spec_validator import validate
from rq import Queue
from sqlalchemy import select

from service import tokens
from service.models import Clip, UploadSession, User
from service.storage import keys
from tests import factories
from tests.conftest import csrf_token
from tests.web.test_resumable_uploads import OFFSET_STREAM, lesson, metadata
from workers.queues import PROCESS_QUEUE

OWNER = "ect1@northfield.example"
UPLOADS = "/api/v1/uploads"
PROBLEM = "application/problem+json"
TUS = {"Tus-Resumable": "1.0.0"}


def token_for(session, demo, email: str, *, can_write: bool = True) -> dict[str, str]:
    """A real token of the demo person's, as the headers a tus client sends with it."""
    person = session.get(User, demo[email].id)
    _token, secret = tokens.create_token(session, person, "Phone app", can_write=can_write)
    return {"Authorization": f"Bearer {secret}", **TUS}


def create(client, headers: dict[str, str], length: int, **fields: str):
    details = {"Upload-Length": str(length), "Upload-Metadata": metadata(**lesson(**fields))}
    return client.post(UPLOADS, headers={**headers, **details})


def patch(client, url: str, headers: dict[str, str], offset: int, chunk: bytes, **extra: str):
    sent = {"Upload-Offset": str(offset), "Content-Type": OFFSET_STREAM, **extra}
    return client.patch(url, data=chunk, headers={**headers, **sent})


def assert_problem(response, status: int) -> dict:
    """The answer is problem details with this status, and still names the tus version."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    assert response.headers["Tus-Resumable"] == "1.0.0"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    return body


@pytest.fixture
def video(tmp_path) -> bytes:
    return factories.generated_clip(tmp_path / "lesson.mp4", duration=2.0).read_bytes()


def test_a_token_uploads_a_clip_in_two_chunks_and_finds_it_in_the_api(
    client, ctx, session, demo, redis, video
):
    headers = token_for(session, demo, OWNER)
    asked = client.options(UPLOADS, headers=headers)
    assert asked.status_code == 204 and asked.headers["Tus-Version"] == "1.0.0"
    assert "creation" in asked.headers["Tus-Extension"].split(",")
    created = create(client, headers, len(video), title="Sent from the app")
    assert created.status_code == 201, created.get_data(as_text=True)
    url = created.headers["Location"]
    assert url.startswith(UPLOADS + "/") and "Upload-Expires" in created.headers
    assert created.headers["Tus-Resumable"] == "1.0.0"
    assert client.head(url, headers=headers).headers["Upload-Offset"] == "0"

    half = len(video) // 2
    first = patch(client, url, headers, 0, video[:half])
    assert first.status_code == 204 and first.headers["Upload-Offset"] == str(half)
    assert "Coachreel-Clip-Url" not in first.headers
    between = client.head(url, headers=headers)
    assert between.status_code == 200
    assert (between.headers["Upload-Offset"], between.headers["Upload-Length"]) == (
        str(half),
        str(len(video)),
    )
    digest = "sha256 " + b64encode(hashlib.sha256(video[half:]).digest()).decode()
    last = patch(client, url, headers, half, video[half:], **{"Upload-Checksum": digest})
    assert last.status_code == 204, last.get_data(as_text=True)

    clip = session.scalar(select(Clip))
    assert last.headers["Coachreel-Clip-Url"] == f"/api/v1/clips/{clip.id}"
    with ctx.storage.open(keys.original_key(clip.id)) as original:
        assert original.read() == video
    assert Queue(PROCESS_QUEUE, connection=redis).count == 1  # processing was queued
    found = client.get(last.headers["Coachreel-Clip-Url"], headers=headers)
    assert found.status_code == 200
    body = found.get_json()
    assert (body["id"], body["title"], body["kind"]) == (clip.id, "Sent from the app", "lesson")
    assert body["status"] in ("uploaded", "processing")
    assert body["owner"]["id"] == demo[OWNER].id
    assert client.head(url, headers=headers).status_code == 404  # the upload became the clip


def test_a_read_only_token_reads_an_upload_but_may_not_change_one(client, session, demo):
    writer = token_for(session, demo, OWNER)
    reader = token_for(session, demo, OWNER, can_write=False)
    url = create(client, writer, 20).headers["Location"]
    assert client.options(UPLOADS, headers=reader).status_code == 204
    assert client.head(url, headers=reader).headers["Upload-Offset"] == "0"
    refused = [
        create(client, reader, 20),
        patch(client, url, reader, 0, b"x" * 10),
        client.delete(url, headers=reader),
    ]
    for answer in refused:
        assert assert_problem(answer, 403)["detail"].startswith("This token can only read.")
    assert client.head(url, headers=writer).headers["Upload-Offset"] == "0"
    assert len(session.scalars(select(UploadSession)).all()) == 1


def test_without_a_token_or_with_a_bad_one_the_api_answers_401(client, session, demo):
    missing = create(client, TUS, 20)
    assert_problem(missing, 401)
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = create(client, {**TUS, "Authorization": "Bearer crt_not-a-token"}, 20)
    assert "not valid" in assert_problem(wrong, 401)["detail"]
    assert session.scalars(select(UploadSession)).all() == []


def test_someone_elses_upload_does_not_exist_for_them(client, session, demo):
    owner = token_for(session, demo, OWNER)
    other = token_for(session, demo, "ect2@northfield.example")
    url = create(client, owner, 20).headers["Location"]
    for answer in (
        patch(client, url, other, 0, b"x" * 10),
        client.delete(url, headers=other),
    ):
        assert "could not find that upload" in assert_problem(answer, 404)["detail"]
    assert client.head(url, headers=other).status_code == 404
    assert client.head(url, headers=owner).headers["Upload-Offset"] == "0"  # untouched
    # Someone who does not upload clips is refused by the access policy first.
    coordinator = token_for(session, demo, "coordinator@northfield.example")
    assert_problem(create(client, coordinator, 20), 403)
    assert client.delete(url, headers=owner).status_code == 204
    assert client.head(url, headers=owner).status_code == 404


def test_the_protocols_refusals_are_problem_details(client, session, demo):
    headers = token_for(session, demo, OWNER)
    url = create(client, headers, 100).headers["Location"]
    assert patch(client, url, headers, 0, b"x" * 10).status_code == 204
    old = client.head(url, headers={**headers, "Tus-Resumable": "0.2.2"})
    assert old.status_code == 412 and old.headers["Tus-Version"] == "1.0.0"
    body = assert_problem(patch(client, url, {**headers, "Tus-Resumable": "0.2.2"}, 10, b"y"), 412)
    assert body["title"] == "Precondition failed" and "version 1.0.0" in body["detail"]
    conflict = assert_problem(patch(client, url, headers, 5, b"y"), 409)
    assert conflict["title"] == "Conflict" and "at byte 10" in conflict["detail"]
    assert_problem(patch(client, url, headers, 10, b"y", **{"Content-Type": "text/plain"}), 415)
    damaged = patch(client, url, headers, 10, b"y", **{"Upload-Checksum": "md5 AAAA"})
    assert assert_problem(damaged, 460)["title"] == "Checksum mismatch"
    assert_problem(patch(client, url, headers, 10, b"z" * 91), 413)
    bad = client.post(UPLOADS, headers={**headers, "Upload-Length": "9", "Upload-Metadata": "x"})
    assert_problem(bad, 400)
    assert_problem(create(client, headers, 0), 400)
    assert client.head(url, headers=headers).headers["Upload-Offset"] == "10"  # none moved it


def test_a_token_is_rate_limited_on_uploads_too(app, client, session, demo):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    headers = token_for(session, demo, OWNER)
    answers = [client.options(UPLOADS, headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [204, 204, 429]
    assert_problem(answers[2], 429)
    assert answers[2].headers["Retry-After"]


def test_a_signed_in_browser_uploads_through_the_api_with_its_csrf_token(
    client, auth, session, demo
):
    auth.login(OWNER)
    browser = {**TUS, "X-CSRFToken": csrf_token(client.get("/clips/upload").text)}
    created = create(client, browser, 20)
    assert created.status_code == 201, created.get_data(as_text=True)
    url = created.headers["Location"]
    assert url.startswith(UPLOADS + "/")
    # A write without the page's CSRF token is refused, as for every write through the API.
    no_csrf = patch(client, url, TUS, 0, b"x" * 20)
    assert "session has expired" in assert_problem(no_csrf, 400)["detail"]
    assert client.head(url, headers=TUS).headers["Upload-Offset"] == "0"
    done = patch(client, url, browser, 0, b"x" * 20)
    assert done.status_code == 204
    clip = session.scalar(select(Clip))
    assert done.headers["Coachreel-Clip-Url"] == f"/api/v1/clips/{clip.id}"
    # A token sent beside a signed-in session's cookies is refused: whose request is unclear.
    both = create(client, {**browser, **token_for(session, demo, OWNER)}, 20)
    assert "sent a token and a signed-in browser's cookies" in assert_problem(both, 400)["detail"]


def test_the_pages_uploads_still_go_on_at_their_own_address(client, auth, session, demo):
    auth.login(OWNER)
    browser = {**TUS, "X-CSRFToken": csrf_token(client.get("/clips/upload").text)}
    details = {"Upload-Length": "5", "Upload-Metadata": metadata(**lesson())}
    url = client.post("/uploads/tus", headers={**browser, **details}).headers["Location"]
    assert url.startswith("/uploads/tus/")
    done = patch(client, url, browser, 0, b"12345")
    clip = session.scalar(select(Clip))
    assert done.headers["Coachreel-Clip-Url"] == f"/clips/{clip.id}"  # the watch page


def test_the_openapi_document_describes_the_uploads(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert set(spec["paths"][UPLOADS]) == {"post", "options"}
    one = spec["paths"][UPLOADS + "/{token}"]
    assert {"head", "patch", "delete"} <= set(one)
    creation = {p["name"]: p for p in spec["paths"][UPLOADS]["post"]["parameters"]}
    assert creation["Tus-Resumable"]["required"] and "Upload-Metadata" in creation
    assert "Location" in spec["paths"][UPLOADS]["post"]["responses"]["201"]["headers"]
    assert OFFSET_STREAM in one["patch"]["requestBody"]["content"]
    assert "Coachreel-Clip-Url" in one["patch"]["responses"]["204"]["headers"]
