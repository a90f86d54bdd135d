"""The tus 1.0 protocol through the Flask test client: create, HEAD, PATCH, resume, finish."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import date, timedelta

import pytest
from rq import Queue
from sqlalchemy import select, update

from service.clips import resumable, upload as clips_upload
from service.models import Clip, UploadSession, utcnow
from service.storage import keys
from tests.conftest import csrf_token
from workers.queues import PROCESS_QUEUE

ECT = "ect1@northfield.example"
OTHER_ECT = "ect2@northfield.example"
OFFSET_STREAM = "application/offset+octet-stream"


def metadata(**fields: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())


def lesson(**changes: str) -> dict[str, str]:
    fields = {
        "filename": "lesson.mp4",
        "kind": "lesson",
        "title": "Year 7 history: source work",
        "recorded_on": date.today().isoformat(),
    }
    fields.update(changes)
    return fields


class Tus:
    """What tus-js-client sends, for one signed-in user."""

    def __init__(self, client, auth, email: str):
        auth.login(email)
        self.client = client
        self.headers = {
            "Tus-Resumable": "1.0.0",
            "Accept": "application/json",
            "X-CSRFToken": csrf_token(client.get("/clips/upload").text),
        }

    def create(self, length: int, fields: dict[str, str] | None = None, **headers: str):
        extra = {"Upload-Length": str(length), "Upload-Metadata": metadata(**(fields or lesson()))}
        return self.client.post("/uploads/tus", headers={**self.headers, **extra, **headers})

    def start(self, length: int, fields: dict[str, str] | None = None) -> str:
        response = self.create(length, fields)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.headers["Location"]

    def head(self, url: str):
        return self.client.head(url, headers=self.headers)

    def patch(self, url: str, offset: int, body: bytes | io.IOBase, **headers: str):
        stream = io.BytesIO(body) if isinstance(body, bytes) else body
        length = len(body) if isinstance(body, bytes) else headers.pop("length")
        extra = {"Upload-Offset": str(offset), "Content-Type": OFFSET_STREAM, **headers}
        return self.client.patch(
            url, input_stream=stream, content_length=length, headers={**self.headers, **extra}
        )

    def delete(self, url: str):
        return self.client.delete(url, headers=self.headers)


class Dropping(io.BytesIO):
    """A request body whose connection drops after ``stop`` bytes."""

    def __init__(self, data: bytes, stop: int):
        super().__init__(data)
        self.stop = stop

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() >= self.stop:
            raise ConnectionResetError("the school's Wi-Fi dropped")
        if size is None or size < 0 or self.tell() + size > self.stop:
            size = self.stop - self.tell()
        return super().read(size)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@pytest.fixture
def tus(client, auth, demo) -> Tus:
    return Tus(client, auth, ECT)


def staged(settings, url: str):
    return settings.uploads_path / url.rsplit("/", 1)[1]


def sessions(session) -> list[UploadSession]:
    session.expire_all()
    return list(session.scalars(select(UploadSession)))


def test_options_advertise_the_protocol_and_its_limits(tus, settings):
    response = tus.client.options("/uploads/tus")
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    extensions = response.headers["Tus-Extension"].split(",")
    assert {"creation", "termination", "expiration", "checksum"} <= set(extensions)
    assert "creation-defer-length" not in extensions
    assert response.headers["Tus-Max-Size"] == str(settings.max_upload_bytes)


def test_upload_in_chunks_then_the_clip_is_registered_and_queued(
    tus, settings, ctx, session, redis
):
    data = bytes(range(256)) * 1000  # 256,000 bytes
    created = tus.create(len(data))
    assert created.status_code == 201
    assert created.headers["Tus-Resumable"] == "1.0.0"
    assert "Upload-Expires" in created.headers
    url = created.headers["Location"]
    assert url.startswith("/uploads/tus/")
    assert staged(settings, url).exists()

    head = tus.head(url)
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == "0"
    assert head.headers["Upload-Length"] == str(len(data))
    assert head.headers["Cache-Control"] == "no-store"

    offset = 0
    for size in (100_000, 100_000, 56_000):
        response = tus.patch(url, offset, data[offset : offset + size])
        assert response.status_code == 204, response.get_data(as_text=True)
        offset += size
        assert response.headers["Upload-Offset"] == str(offset)
    watch = response.headers["Coachreel-Clip-Url"]
    clip = session.scalar(select(Clip))
    assert watch == f"/clips/{clip.id}"
    assert (clip.title, clip.original_filename) == ("Year 7 history: source work", "lesson.mp4")
    assert clip.original_size == len(data)
    with ctx.storage.open(keys.original_key(clip.id)) as original:
        assert original.read() == data
    assert not staged(settings, url).exists() and sessions(session) == []
    assert Queue(PROCESS_QUEUE, connection=redis).count == 1  # processing was queued
    assert tus.head(url).status_code == 404  # the session has become the clip
    page = tus.client.get(watch)
    assert page.status_code == 200 and "We are preparing your clip" in page.text


def test_a_dropped_connection_resumes_from_the_bytes_that_arrived(tus, settings, session, ctx):
    data = b"0123456789" * 5000
    url = tus.start(len(data))
    # The body stops short of its Content-Length, as when a phone leaves the Wi-Fi.
    short = tus.patch(url, 0, io.BytesIO(data[:12_345]), length=20_000)
    assert short.status_code == 204
    assert tus.head(url).headers["Upload-Offset"] == "12345"
    # The connection drops mid-stream: what was written before the drop counts.
    dropped = tus.patch(url, 12_345, Dropping(data[12_345:], 7_000), length=len(data) - 12_345)
    assert dropped.status_code == 400
    assert dropped.headers["Tus-Resumable"] == "1.0.0"
    offset = int(tus.head(url).headers["Upload-Offset"])
    assert offset == 19_345
    assert staged(settings, url).stat().st_size == offset
    done = tus.patch(url, offset, data[offset:])
    assert done.status_code == 204 and "Coachreel-Clip-Url" in done.headers
    clip = session.scalar(select(Clip))
    with ctx.storage.open(keys.original_key(clip.id)) as original:
        assert original.read() == data


def test_protocol_errors(tus, session):
    url = tus.start(100)
    tus.patch(url, 0, b"x" * 10)
    mismatch = tus.patch(url, 5, b"y" * 10)
    assert mismatch.status_code == 409
    assert "at byte 10" in mismatch.json["error"]
    wrong_type = tus.patch(url, 10, b"y", **{"Content-Type": "application/octet-stream"})
    assert wrong_type.status_code == 415
    no_offset = tus.client.patch(
        url, data=b"y", headers={**tus.headers, "Content-Type": OFFSET_STREAM}
    )
    assert no_offset.status_code == 400
    past_the_end = tus.patch(url, 10, b"z" * 91)
    assert past_the_end.status_code == 413
    old_version = tus.client.head(url, headers={**tus.headers, "Tus-Resumable": "0.2.2"})
    assert old_version.status_code == 412 and old_version.headers["Tus-Version"] == "1.0.0"
    deferred = tus.client.post(
        "/uploads/tus",
        headers={
            **tus.headers,
            "Upload-Defer-Length": "1",
            "Upload-Metadata": metadata(**lesson()),
        },
    )
    assert deferred.status_code == 400
    no_csrf = {k: v for k, v in tus.headers.items() if k != "X-CSRFToken"}
    refused = tus.client.patch(
        url,
        data=b"y",
        headers={**no_csrf, "Upload-Offset": "10", "Content-Type": OFFSET_STREAM},
    )
    assert refused.status_code == 400  # CSRF stays on for the tus routes
    assert tus.head(url).headers["Upload-Offset"] == "10"  # none of that moved it


def test_checksums_are_checked_and_a_damaged_chunk_is_discarded(tus):
    url = tus.start(20)
    chunk = b"a" * 10

    def digest(data: bytes) -> str:
        return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()

    damaged = tus.patch(url, 0, chunk, **{"Upload-Checksum": digest(b"b" * 10)})
    assert damaged.status_code == 460
    assert tus.head(url).headers["Upload-Offset"] == "0"
    assert tus.patch(url, 0, chunk, **{"Upload-Checksum": digest(chunk)}).status_code == 204
    unknown = tus.patch(url, 10, chunk, **{"Upload-Checksum": "crc32 AAAA"})
    assert unknown.status_code == 400


def test_limits_are_refused_at_creation_with_clear_messages(app, tus, settings, session):
    too_big = tus.create(settings.max_upload_bytes + 1)
    assert too_big.status_code == 413
    assert "larger than the 2 GB upload limit" in too_big.json["error"]
    empty = tus.create(0)
    assert empty.status_code == 400
    assert empty.json["error"] == "The file is empty. Please choose the video file again."
    assert tus.create(-5).status_code == 400
    assert sessions(session) == []


def test_the_quota_counts_clips_and_uploads_in_progress(settings, ctx, demo, session):
    from web import create_app

    app = create_app(settings.with_overrides(user_quota_bytes=1000))
    client = app.test_client()
    from tests.conftest import AuthActions

    tus = Tus(client, AuthActions(client), ECT)
    owner = demo[ECT]
    details = clips_upload.UploadDetails(
        clips_upload.ClipKind.LESSON, "Earlier", date.today(), "a.mp4"
    )
    clips_upload.register_upload(
        session, ctx.storage, owner, details, io.BytesIO(b"x" * 600), max_bytes=10_000
    )
    assert tus.create(300).status_code == 201  # 600 + 300 fits in 1000
    refused = tus.create(101)  # 600 + 300 + 101 does not
    assert refused.status_code == 413
    assert refused.json["error"].startswith(
        "This upload would take you past your 1000 bytes of clip storage."
    )
    assert len(sessions(session)) == 1
    app.extensions["coachreel"].engine.dispose()


def test_another_users_upload_does_not_exist_for_them(client, auth, demo, settings, session):
    owner = Tus(client, auth, ECT)
    url = owner.start(50)
    owner.patch(url, 0, b"x" * 20)
    auth.logout()
    other = Tus(client, auth, OTHER_ECT)
    assert other.head(url).status_code == 404
    assert other.patch(url, 20, b"y" * 30).status_code == 404
    assert other.delete(url).status_code == 404
    assert other.head("/uploads/tus/../../etc/passwd").status_code == 404
    assert other.head("/uploads/tus/" + "A" * 43).status_code == 404
    upload = sessions(session)[0]
    assert upload.offset == 20 and staged(settings, url).stat().st_size == 20


def test_delete_removes_the_session_and_its_staged_bytes(tus, settings, session):
    url = tus.start(50)
    tus.patch(url, 0, b"x" * 20)
    assert staged(settings, url).exists()
    assert tus.delete(url).status_code == 204
    assert not staged(settings, url).exists()
    assert sessions(session) == []
    assert tus.head(url).status_code == 404


def test_an_expired_upload_is_gone(tus, settings, session):
    url = tus.start(50)
    session.execute(update(UploadSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    gone = tus.head(url)
    assert gone.status_code == 410
    assert not staged(settings, url).exists() and sessions(session) == []


def test_empty_chunks_never_move_the_offset_and_the_session_expires_cleanly(
    tus, settings, session, ctx
):

    url = tus.start(1000)
    before = sessions(session)[0].expires_at
    for _ in range(25):
        response = tus.patch(url, 0, b"")
        assert response.status_code == 204 and response.headers["Upload-Offset"] == "0"
    assert "Coachreel-Clip-Url" not in response.headers
    upload = sessions(session)[0]
    assert upload.offset == 0 and upload.expires_at == before  # empty chunks buy no time
    assert session.scalar(select(Clip)) is None and ctx.storage.keys() == []
    assert resumable.expire(session, settings.uploads_path, now=before - timedelta(seconds=1)) == 0
    assert resumable.expire(session, settings.uploads_path, now=before) == 1
    assert sessions(session) == [] and not staged(settings, url).exists()
    assert list(settings.uploads_path.iterdir()) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "Please give the clip a title."),
        ({"title": "t" * 201}, "Please keep the title under 200 characters."),
        ({"kind": "holiday"}, "Please choose what kind of clip this is."),
        ({"kind": "model"}, "You cannot upload this kind of clip."),
        ({"recorded_on": "yesterday"}, "Please give the date recorded."),
        ({"recorded_on": "2999-01-01"}, "The date recorded cannot be in the future."),
        ({"kind": "rehearsal", "step": "99999"}, "one of your own action steps"),
        ({"kind": "rehearsal", "step": "1; drop"}, "one of your own action steps"),
    ],
)
def test_bad_details_are_refused_before_any_bytes(tus, session, changes, message):
    response = tus.create(100, lesson(**changes))
    assert response.status_code in (400, 403)
    assert message in response.json["error"]
    assert sessions(session) == []


def test_unreadable_metadata_is_refused(tus, session):
    bad = tus.client.post(
        "/uploads/tus",
        headers={**tus.headers, "Upload-Length": "10", "Upload-Metadata": "title %%%notbase64"},
    )
    assert bad.status_code == 400 and "could not be read" in bad.json["error"]
    assert sessions(session) == []


def test_hostile_file_names_are_only_ever_shown(tus, settings, session, ctx, tmp_path):
    name = "../../../etc/passwd/..\\..\\évaluation 📹 \u202eqwe.mp4\x00\n"
    data = b"not really a video"
    url = tus.start(len(data), lesson(filename=name))
    token = url.rsplit("/", 1)[1]
    assert [p.name for p in settings.uploads_path.iterdir()] == [token]
    tus.patch(url, 0, data)
    clip = session.scalar(select(Clip))
    assert clip.original_filename == "../../../etc/passwd/..\\..\\évaluation 📹 qwe.mp4"
    assert ctx.storage.keys() == [keys.original_key(clip.id)]
    assert not (tmp_path.parent / "etc").exists()
    assert list(settings.uploads_path.iterdir()) == []


def test_a_complete_upload_that_was_not_registered_finishes_on_head(tus, settings, session):

    url = tus.start(6)
    upload = sessions(session)[0]
    # Every byte arrived but registering failed (say storage was down): the client resumes
    # with HEAD, finds nothing left to send, and the clip is registered then.
    limits = resumable.Limits(10_000, 10_000, timedelta(hours=1))
    resumable.append(session, settings.uploads_path, upload, 0, io.BytesIO(b"abcdef"), limits)
    head = tus.head(url)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == "6"
    clip = session.scalar(select(Clip))
    assert head.headers["Coachreel-Clip-Url"] == f"/clips/{clip.id}"
    assert tus.head(url).status_code == 404
