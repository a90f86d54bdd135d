"""Resumable upload use cases: expiry on a pinned clock, quotas, finishing, locking."""

from __future__ import annotations

import fcntl
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from service.clips import resumable, upload as clips_upload, upload_metadata
from service.errors import TooLarge
from service.models import Clip, ClipKind, UploadSession, User
from workers.sweeper import sweep

T0 = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
DAY = timedelta(hours=24)
ECT = "ect1@northfield.example"


def limits(quota: int = 10_000) -> resumable.Limits:
    return resumable.Limits(max_bytes=5_000, quota_bytes=quota, expiry=DAY)


def details(title: str = "Rehearsal of the countdown") -> clips_upload.UploadDetails:
    return clips_upload.UploadDetails(ClipKind.LESSON, title, date(2026, 3, 1), "phone.mov")


@pytest.fixture
def ect(session, demo) -> User:
    return session.get(User, demo[ECT].id)


def test_expiry_removes_abandoned_uploads_and_orphaned_files(session, settings, ect):
    folder = settings.uploads_path
    resumable.create(session, folder, ect, details("idle"), 100, limits(), now=T0)
    busy = resumable.create(session, folder, ect, details("busy"), 100, limits(), now=T0)
    # Bytes arriving ten hours in keep an upload alive for another day from then.
    resumable.append(
        session, folder, busy, 0, io.BytesIO(b"x" * 40), limits(), now=T0 + timedelta(hours=10)
    )
    assert busy.expires_at == T0 + timedelta(hours=34)
    orphan = folder / ("o" * 43)  # a staged file whose session is gone
    orphan.write_bytes(b"left behind")
    unrelated = folder / "README.txt"  # not named like a token: never ours to remove
    unrelated.write_text("keep me")

    assert resumable.expire(session, folder, now=T0 + DAY - timedelta(seconds=1)) == 1  # orphan
    assert not orphan.exists() and unrelated.exists()
    assert resumable.expire(session, folder, now=T0 + DAY) == 1
    remaining = session.scalars(select(UploadSession.title)).all()
    assert remaining == ["busy"]
    assert sorted(p.name for p in folder.iterdir()) == sorted([busy.token, "README.txt"])
    assert resumable.expire(session, folder, now=T0 + timedelta(hours=34)) == 1
    assert session.scalars(select(UploadSession)).all() == []
    assert [p.name for p in folder.iterdir()] == ["README.txt"]


def test_the_sweeper_clears_expired_uploads(ctx, session, ect):
    folder = ctx.settings.uploads_path
    old = resumable.create(session, folder, ect, details(), 100, limits(), now=T0)
    fresh = resumable.create(session, folder, ect, details(), 100, limits())
    sweep(ctx)
    assert session.scalars(select(UploadSession.token)).all() == [fresh.token]
    assert not (folder / old.token).exists() and (folder / fresh.token).exists()


def test_empty_appends_change_nothing(session, settings, ect):
    folder = settings.uploads_path
    upload = resumable.create(session, folder, ect, details(), 100, limits(), now=T0)
    for hour in range(1, 30):
        moment = T0 + timedelta(hours=hour)
        resumable.append(session, folder, upload, 0, io.BytesIO(b""), limits(), now=moment)
    assert upload.offset == 0 and upload.expires_at == T0 + DAY
    assert not resumable.is_complete(upload)
    assert resumable.expire(session, folder, now=T0 + DAY) == 1


def test_the_form_upload_path_keeps_to_the_quota(session, ctx, ect):
    clips_upload.register_upload(
        session,
        ctx.storage,
        ect,
        details(),
        io.BytesIO(b"a" * 600),
        max_bytes=5000,
        quota_bytes=1000,
    )
    with pytest.raises(TooLarge, match="past your 1000 bytes of clip storage"):
        clips_upload.register_upload(
            session,
            ctx.storage,
            ect,
            details(),
            io.BytesIO(b"b" * 500),
            max_bytes=5000,
            quota_bytes=1000,
        )
    # An upload in progress holds its room too.
    resumable.create(session, ctx.settings.uploads_path, ect, details(), 300, limits(1000))
    with pytest.raises(TooLarge, match="past your"):
        clips_upload.register_upload(
            session, ctx.storage, ect, details(), io.BytesIO(b"c" * 101), max_bytes=5000,
            quota_bytes=1000,
        )  # fmt: skip
    fits = clips_upload.register_upload(
        session, ctx.storage, ect, details(), io.BytesIO(b"d" * 100), max_bytes=5000,
        quota_bytes=1000,
    )  # fmt: skip
    assert fits.original_size == 100
    assert len(ctx.storage.keys()) == 2  # the refused uploads left nothing behind
    # The size limit still speaks for itself when it, not the quota, is what was passed.
    with pytest.raises(TooLarge, match="larger than the upload limit"):
        clips_upload.register_upload(
            session, ctx.storage, ect, details(), io.BytesIO(b"e" * 60), max_bytes=50,
            quota_bytes=10**9,
        )  # fmt: skip


def test_finishing_when_the_quota_has_filled_up_ends_the_upload(session, ctx, ect):
    folder = ctx.settings.uploads_path
    upload = resumable.create(session, folder, ect, details(), 400, limits(1000))
    resumable.append(session, folder, upload, 0, io.BytesIO(b"x" * 400), limits(1000))
    token = upload.token
    # Meanwhile a form upload took most of the room.
    clips_upload.register_upload(
        session, ctx.storage, ect, details(), io.BytesIO(b"y" * 500), max_bytes=5000,
        quota_bytes=1000,
    )  # fmt: skip
    smaller = resumable.Limits(max_bytes=5000, quota_bytes=800, expiry=DAY)
    with pytest.raises(TooLarge, match="past your"):
        resumable.finish(session, ctx.storage, folder, ect, upload, smaller)
    assert session.scalars(select(UploadSession)).all() == []
    assert not (folder / token).exists()
    assert len(session.scalars(select(Clip)).all()) == 1
    assert len(ctx.storage.keys()) == 1


def test_finish_registers_the_staged_bytes_once(session, ctx, ect):
    folder = ctx.settings.uploads_path
    upload = resumable.create(session, folder, ect, details(), 6, limits())
    resumable.append(session, folder, upload, 0, io.BytesIO(b"abcdef"), limits())
    clip = resumable.finish(session, ctx.storage, folder, ect, upload, limits())
    with ctx.storage.open(clip.original_key) as original:
        assert original.read() == b"abcdef"
    assert (clip.original_filename, clip.title) == ("phone.mov", "Rehearsal of the countdown")
    assert list(folder.iterdir()) == []


def test_a_second_writer_is_told_to_wait(session, settings, ect):
    folder = settings.uploads_path
    upload = resumable.create(session, folder, ect, details(), 10, limits())
    with open(folder / upload.token, "r+b") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)  # a PATCH still receiving its chunk
        with pytest.raises(resumable.Busy):
            resumable.append(session, folder, upload, 0, io.BytesIO(b"x"), limits())
    resumable.append(session, folder, upload, 0, io.BytesIO(b"x"), limits())
    assert upload.offset == 1


def test_metadata_is_decoded_strictly():
    assert upload_metadata.parse_metadata("title VGl0bGU=,step,kind bGVzc29u") == {
        "title": "Title",
        "step": "",
        "kind": "lesson",
    }
    with pytest.raises(resumable.InvalidInput):
        upload_metadata.parse_metadata("title VGl0bGU=,title VGl0bGU=")
    with pytest.raises(resumable.InvalidInput):
        upload_metadata.parse_metadata("title //8=")  # not UTF-8
