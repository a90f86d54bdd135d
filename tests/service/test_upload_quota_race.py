"""The storage quota holds when many uploads start at the same moment, on either database."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from sqlalchemy import select

from service.clips import resumable, upload as clips_upload
from service.errors import TooLarge
from service.models import ClipKind, UploadSession, User

ECT = "ect1@northfield.example"
AT_ONCE = 16
QUOTA = 25_000  # "25 GB", scaled down: sixteen uploads of 1,750 bytes would reserve 28,000
LENGTH = 1_750
LIMITS = resumable.Limits(max_bytes=10_000, quota_bytes=QUOTA, expiry=timedelta(hours=24))


def _details(n: int) -> clips_upload.UploadDetails:
    return clips_upload.UploadDetails(ClipKind.LESSON, f"Lesson part {n}", date.today(), "a.mp4")


def _all_at_once(ctx, owner_id: int, start) -> list[str]:
    """Run ``start(session, user, n)`` in AT_ONCE threads, released together; say how each ended."""
    ready = threading.Barrier(AT_ONCE)

    def one(n: int) -> str:
        with ctx.sessions() as session:
            user = session.get(User, owner_id)
            assert user is not None and user.memberships
            # Hand the connection back while waiting, so the pool never runs dry at the barrier.
            session.commit()
            ready.wait(timeout=60)
            try:
                start(session, user, n)
            except TooLarge:
                return "refused"
            return "started"

    with ThreadPoolExecutor(AT_ONCE) as pool:
        return list(pool.map(one, range(AT_ONCE)))


def test_resumable_uploads_started_at_once_never_pass_the_quota(ctx, settings, demo, session):
    folder = settings.uploads_path

    def start(session, user, n):
        resumable.create(session, folder, user, _details(n), LENGTH, LIMITS)

    outcomes = _all_at_once(ctx, demo[ECT].id, start)

    assert outcomes.count("started") == QUOTA // LENGTH  # 14 fit; the last two are refused
    session.expire_all()
    reserved = session.scalars(select(UploadSession.length)).all()
    assert sum(reserved) <= QUOTA
    assert clips_upload.used_bytes(session, demo[ECT].id) == sum(reserved)


def test_form_uploads_at_once_never_pass_the_quota(ctx, settings, demo, session):
    def start(session, user, n):
        clips_upload.register_upload(
            session,
            ctx.storage,
            user,
            _details(n),
            io.BytesIO(b"v" * LENGTH),
            max_bytes=LIMITS.max_bytes,
            quota_bytes=QUOTA,
        )

    outcomes = _all_at_once(ctx, demo[ECT].id, start)

    assert outcomes.count("started") == QUOTA // LENGTH
    session.expire_all()
    assert clips_upload.used_bytes(session, demo[ECT].id) <= QUOTA
