"""Retention with a frozen clock: exactly which objects and rows go, and when, on each backend."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from service.clips import highlights, transcripts
from service.errors import Forbidden, InvalidInput, NotFound
from service.feedback import comments
from service.models import (
    AuditAction,
    AuditEvent,
    BlurStatus,
    Clip,
    ClipKind,
    ClipShare,
    ClipStatus,
    Comment,
    ConsentState,
    Membership,
    Observation,
    ObservationKind,
    Role,
    School,
    TranscriptSegment,
)
from service.privacy import retention, retention_admin
from service.storage import keys, keys as storage_keys
from tests.factories import ready_clip, upload, user
from tests.failing_storage import FailingStorage

ECT, OTHER_ECT = "ect1@northfield.example", "ect2@northfield.example"
MENTOR, COORDINATOR = "mentor1@northfield.example", "coordinator@northfield.example"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _clip(ctx, session, email=ECT, *, kind=ClipKind.LESSON, ready_at=NOW, blurred=False):
    """A playable clip with real objects: original, video, poster, captions (and unblurred)."""
    clip = ready_clip(
        session,
        ctx.storage,
        email,
        kind=kind,
        title=f"{kind.label} clip",
        captions=b"WEBVTT\n",
        transcript=[
            transcripts.SegmentData(0, 2, "Eyes on me"),
            transcripts.SegmentData(2, 4, "Thank you"),
        ],
    )
    clip = session.get(Clip, clip.id)
    if blurred:
        # The unblurred video, its poster, and its stream (written before the blur).
        for name in ("unblurred.mp4", "unblurred.jpg", "hls/master.m3u8", "hls/360/seg-00001.m4s"):
            ctx.storage.put_stream(f"clips/{clip.id}/{name}", io.BytesIO(b"faces"))
        clip.unblurred_video_key = f"clips/{clip.id}/unblurred.mp4"
        clip.unblurred_poster_key = f"clips/{clip.id}/unblurred.jpg"
        clip.blur_status = BlurStatus.READY
    clip.ready_at = ready_at
    session.commit()
    return clip


def _complete_induction(session, email: str, on: date | None) -> None:
    ect = user(session, email)
    membership = next(m for m in ect.memberships if m.role == Role.ECT)
    membership.induction_completed_on = on
    session.commit()


def _school(session, email=ECT) -> School:
    person = user(session, email)
    return session.get(School, next(m.school_id for m in person.memberships))


def _apply(ctx, session, now, storage=None):
    report = retention.apply_retention(session, storage or ctx.storage, now=now)
    session.expire_all()
    return report


def _events(session) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == AuditAction.RETENTION_DELETE)
    return list(session.scalars(query.order_by(AuditEvent.id)))


# --- originals -------------------------------------------------------------------------------


def test_an_original_goes_on_its_day_with_the_unblurred_renditions(ctx, session, demo):
    clip = _clip(ctx, session, ready_at=NOW - timedelta(days=30), blurred=True)
    untouched = _clip(ctx, session, OTHER_ECT, ready_at=NOW - timedelta(days=29))
    everything = set(ctx.storage.keys())

    report = _apply(ctx, session, NOW - timedelta(days=1))  # the day before: nothing goes
    assert report.originals_removed == [] and report.clips_deleted == []
    assert set(ctx.storage.keys()) == everything

    report = _apply(ctx, session, NOW)
    assert report.originals_removed == [clip.id]
    gone = {f"clips/{clip.id}/original", f"clips/{clip.id}/unblurred.mp4"}
    gone |= {f"clips/{clip.id}/unblurred.jpg", f"clips/{clip.id}/hls/master.m3u8"}
    gone.add(f"clips/{clip.id}/hls/360/seg-00001.m4s")
    assert set(ctx.storage.keys()) == everything - gone
    row = session.get(Clip, clip.id)
    assert row.original_deleted_at == NOW
    assert (row.unblurred_video_key, row.unblurred_poster_key) == (None, None)
    assert row.video_key == keys.video_key(clip.id)  # the playable (blurred) video stays
    assert session.get(Clip, untouched.id).original_deleted_at is None
    [event] = _events(session)
    assert (event.actor_id, event.subject_id, event.clip_id) == (None, clip.owner_id, clip.id)
    assert event.school_id == clip.school_id
    assert event.detail.startswith(f"Original removed: clip {clip.id} “Lesson observation clip”")
    assert "30 days after processing" in event.detail

    # Done is done: the next run finds nothing, and writes nothing.
    assert _apply(ctx, session, NOW + timedelta(days=5)).originals_removed == [untouched.id]
    assert len(_events(session)) == 2


def test_the_original_of_a_clip_that_failed_goes_after_the_same_days(ctx, session, demo):
    clip = upload(session, ctx.storage, MENTOR, b"not a video", kind=ClipKind.MODEL)
    clip.status, clip.failure_reason = ClipStatus.FAILED, "This file is not a video."
    clip.updated_at = NOW - timedelta(days=30)  # when processing failed
    session.commit()
    assert ctx.storage.exists(clip.original_key)

    assert _apply(ctx, session, NOW - timedelta(days=1)).originals_removed == []
    assert _apply(ctx, session, NOW).originals_removed == [clip.id]
    assert not ctx.storage.exists(clip.original_key)
    row = session.get(Clip, clip.id)
    assert row.original_deleted_at == NOW and row.status == ClipStatus.FAILED
    [event] = _events(session)
    assert "30 days after processing failed" in event.detail


def test_days_count_in_the_schools_time_zone(ctx, session, demo):
    school = _school(session)
    school.timezone = "Asia/Tokyo"  # UTC+9, no summer time
    session.commit()
    # 16:00 UTC on 24 October is 01:00 on 25 October in Tokyo: processed on the 25th there.
    clip = _clip(ctx, session, ready_at=datetime(2026, 10, 24, 16, 0, tzinfo=UTC))
    lesson = _clip(ctx, session, OTHER_ECT, ready_at=NOW)
    _complete_induction(session, OTHER_ECT, date(2026, 8, 26))  # + 90 days = 24 November
    last_minute = datetime(2026, 11, 23, 14, 59, tzinfo=UTC)  # 23:59 on the 23rd in Tokyo
    report = _apply(ctx, session, last_minute)
    assert (report.originals_removed, report.clips_deleted) == ([], [])
    assert ctx.storage.exists(f"clips/{clip.id}/original")
    midnight = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 00:00 on the 24th in Tokyo
    report = _apply(ctx, session, midnight)
    assert report.originals_removed == [clip.id]
    assert report.clips_deleted == [lesson.id]
    assert not ctx.storage.exists(f"clips/{clip.id}/original")
    assert ctx.storage.keys(f"clips/{lesson.id}/") == []


def test_a_clip_waiting_for_its_faces_to_be_blurred_keeps_its_original(ctx, session, demo):
    clip = _clip(ctx, session, ready_at=NOW - timedelta(days=40))
    clip.blur_status = BlurStatus.PROCESSING
    session.commit()
    assert _apply(ctx, session, NOW).originals_removed == []
    assert ctx.storage.exists(f"clips/{clip.id}/original")


# --- whole clips -----------------------------------------------------------------------------


def test_lesson_and_rehearsal_clips_go_after_the_induction_with_what_follows(ctx, session, demo):
    lesson = _clip(ctx, session, ready_at=NOW - timedelta(days=5))
    rehearsal = _clip(ctx, session, kind=ClipKind.REHEARSAL, ready_at=NOW - timedelta(days=5))
    other = _clip(ctx, session, OTHER_ECT, ready_at=NOW - timedelta(days=5))  # induction not over
    model = _clip(ctx, session, MENTOR, kind=ClipKind.MODEL, ready_at=NOW - timedelta(days=5))
    mentor, ect = user(session, MENTOR), user(session, ECT)
    note = comments.add_comment(session, mentor, lesson.id, at_seconds=1, body="Great start")
    comments.reply_to_comment(session, ect, lesson.id, note.id, body="Thanks")
    colleague = user(session, OTHER_ECT)
    session.add(
        ClipShare(
            clip_id=lesson.id,
            shared_by_id=ect.id,
            colleague_id=colleague.id,
            expires_at=NOW + timedelta(days=3),
        )
    )
    observation = Observation(
        ect_id=ect.id,
        school_id=lesson.school_id,
        observer_id=mentor.id,
        kind=ObservationKind.WEEKLY,
        observed_on=date(2026, 11, 1),
        clip_id=lesson.id,
        recorded_by_id=mentor.id,
    )
    session.add(observation)
    session.commit()
    _complete_induction(session, ECT, date(2026, 8, 25))  # 90 days later: 23 November

    report = _apply(ctx, session, NOW - timedelta(days=1))
    assert report.clips_deleted == []
    assert session.get(Clip, lesson.id) is not None

    report = _apply(ctx, session, NOW)
    assert sorted(report.clips_deleted) == sorted([lesson.id, rehearsal.id])
    for gone in (lesson, rehearsal):
        assert ctx.storage.keys(f"clips/{gone.id}/") == []
        assert session.get(Clip, gone.id) is None
        for model_class in (TranscriptSegment, Comment, ClipShare):
            count = select(func.count()).select_from(model_class)
            assert session.scalar(count.where(model_class.clip_id == gone.id)) == 0
    for kept in (other, model):
        assert session.get(Clip, kept.id) is not None
        assert ctx.storage.exists(keys.video_key(kept.id))
        assert ctx.storage.exists(storage_keys.captions_key(kept.id))
    # The induction record keeps the observation; it no longer points at a clip.
    assert session.get(Observation, observation.id).clip_id is None
    events = _events(session)
    assert len(events) == 2
    for event in events:
        assert event.actor_id is None and event.clip_id is None
        assert event.subject_id == ect.id and event.school_id == lesson.school_id
    details = " ".join(e.detail for e in events)
    assert f"Clip {lesson.id} deleted: “Lesson observation clip” (Lesson observation" in details
    assert f"Clip {rehearsal.id} deleted: “Rehearsal clip” (Rehearsal" in details
    assert "90 days after Sam Taylor's induction ended (25 August 2026)" in details


def test_an_extension_keeps_a_clip_until_its_day(ctx, session, demo):
    clip = _clip(ctx, session)
    _complete_induction(session, ECT, date(2026, 8, 25))
    coordinator = user(session, COORDINATOR)
    retention_admin.extend_retention(
        session, coordinator, clip.id, date(2026, 12, 3), "Evidence for a review", now=NOW
    )
    assert _apply(ctx, session, NOW).clips_deleted == []
    assert _apply(ctx, session, datetime(2026, 12, 3, 12, tzinfo=UTC)).clips_deleted == []
    assert _apply(ctx, session, datetime(2026, 12, 4, 12, tzinfo=UTC)).clips_deleted == [clip.id]
    extended = session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.EXTEND_RETENTION)
    )
    assert extended.actor_id == coordinator.id
    assert "kept until 3 December 2026: Evidence for a review" in extended.detail


def test_a_consented_clip_in_the_model_library_is_kept(ctx, session, demo):
    consented = _clip(ctx, session)
    unconsented = _clip(ctx, session)
    for clip, state in ((consented, ConsentState.ALL_CONSENTED), (unconsented, None)):
        row = session.get(Clip, clip.id)
        row.shareable = True
        if state is not None:
            row.consent_state = state
    session.commit()
    _complete_induction(session, ECT, date(2026, 1, 1))
    assert _apply(ctx, session, NOW).clips_deleted == [unconsented.id]
    assert session.get(Clip, consented.id) is not None
    assert ctx.storage.exists(keys.video_key(consented.id))


def test_objects_another_clip_still_uses_are_kept(ctx, session, demo):
    # The demo's history clips share the sample clip's media, as these do.
    first = _clip(ctx, session, ready_at=NOW)
    sharing = Clip(
        owner_id=user(session, OTHER_ECT).id,
        school_id=first.school_id,
        kind=ClipKind.LESSON,
        title="Shares the media",
        recorded_on=date(2026, 10, 1),
        original_key=first.original_key,
        original_filename="lesson.mp4",
        original_size=8,
        video_key=first.video_key,
        poster_key=first.poster_key,
        ready_at=NOW - timedelta(days=10),
    )
    session.add(sharing)
    session.commit()
    _complete_induction(session, ECT, date(2026, 1, 1))
    assert _apply(ctx, session, NOW).clips_deleted == [first.id]
    # Only the captions were the deleted clip's alone.
    assert ctx.storage.keys(f"clips/{first.id}/") == [
        first.original_key,
        f"clips/{first.id}/poster.jpg",
        f"clips/{first.id}/video.mp4",
    ]
    # The other clip's original is its own now, and goes on its day; its video stays.
    assert _apply(ctx, session, NOW + timedelta(days=20)).originals_removed == [sharing.id]
    assert ctx.storage.keys(f"clips/{first.id}/") == [
        f"clips/{first.id}/poster.jpg",
        f"clips/{first.id}/video.mp4",
    ]
    # Once no clip needs them, they go with the last one.
    _complete_induction(session, OTHER_ECT, date(2026, 1, 1))
    assert _apply(ctx, session, NOW + timedelta(days=20)).clips_deleted == [sharing.id]
    assert ctx.storage.keys(f"clips/{first.id}/") == []


def test_a_storage_failure_leaves_the_row_for_the_next_run(ctx, session, demo):
    clip = _clip(ctx, session)
    _complete_induction(session, ECT, date(2026, 1, 1))
    failing = FailingStorage(ctx.storage, keys.video_key(clip.id))
    report = _apply(ctx, session, NOW, storage=failing)
    assert report.clips_deleted == [] and list(report.failed) == [clip.id]
    assert "could not delete" in report.failed[clip.id]
    assert session.get(Clip, clip.id) is not None  # the row waits for its objects
    assert ctx.storage.exists(keys.video_key(clip.id))
    assert session.scalar(select(func.count()).select_from(TranscriptSegment)) == 2
    assert _events(session) == []
    report = _apply(ctx, session, NOW)  # the next run, with storage working again
    assert report.clips_deleted == [clip.id]
    assert ctx.storage.keys(f"clips/{clip.id}/") == []
    assert len(_events(session)) == 1


def test_a_dry_run_lists_and_removes_nothing(ctx, session, demo):
    clip = _clip(ctx, session, ready_at=NOW - timedelta(days=31))
    before = set(ctx.storage.keys())
    report = retention.apply_retention(session, ctx.storage, now=NOW, dry_run=True)
    assert [(d.what, d.clip_id) for d in report.items] == [("original", clip.id)]
    assert report.originals_removed == []
    assert set(ctx.storage.keys()) == before
    assert session.get(Clip, clip.id).original_deleted_at is None


# --- what is coming, extensions and induction dates ------------------------------------------


def test_upcoming_lists_the_next_thirty_days_with_dates(ctx, session, demo):
    school = _school(session)
    original = _clip(ctx, session, OTHER_ECT, ready_at=NOW - timedelta(days=20))
    late_original = _clip(ctx, session, OTHER_ECT, ready_at=NOW + timedelta(days=5))
    lesson = _clip(ctx, session, ready_at=NOW - timedelta(days=40))
    _complete_induction(session, ECT, date(2026, 9, 15))  # clips go on 14 December
    due = retention.upcoming(session, [school.id], now=NOW)
    assert [(d.what, d.clip_id, d.due_on) for d in due] == [
        ("original", lesson.id, date(2026, 11, 13)),  # overdue: the next run takes it
        ("original", original.id, date(2026, 12, 3)),
        ("clip", lesson.id, date(2026, 12, 14)),
    ]
    assert late_original.id not in {d.clip_id for d in due}  # due after the window
    assert "90 days after Sam Taylor's induction ended (15 September 2026)" in due[2].why
    # Another school's list is its own.
    other = _school(session, "ect1@riverside.example")
    assert retention.upcoming(session, [other.id], now=NOW) == []


def test_extending_needs_a_reason_and_a_date_within_three_years(ctx, session, demo):
    clip = _clip(ctx, session)
    coordinator = user(session, COORDINATOR)

    def extend(until, reason="Evidence", who=coordinator):
        return retention_admin.extend_retention(session, who, clip.id, until, reason, now=NOW)

    with pytest.raises(InvalidInput, match="Please say why"):
        extend(date(2027, 1, 1), "   ")
    with pytest.raises(InvalidInput, match="must be in the future"):
        extend(date(2026, 11, 23))
    with pytest.raises(InvalidInput, match="at most 3 years .* until 23 November 2029"):
        extend(date(2029, 11, 24))
    with pytest.raises(InvalidInput, match="Please give the date"):
        extend(None)
    assert extend(date(2029, 11, 23)).retain_until == date(2029, 11, 23)
    with pytest.raises(Forbidden):
        extend(date(2027, 1, 1), who=user(session, MENTOR))  # sees the clip
    with pytest.raises(NotFound):
        extend(date(2027, 1, 1), who=user(session, "coordinator@riverside.example"))


def test_coordinators_record_when_an_induction_ended(ctx, session, demo):
    coordinator, ect = user(session, COORDINATOR), user(session, ECT)
    school = _school(session)
    retention_admin.record_induction_completed(
        session, coordinator, ect.id, school.id, date(2026, 7, 17), now=NOW
    )
    membership = session.scalar(
        select(Membership).where(Membership.user_id == ect.id, Membership.role == Role.ECT)
    )
    assert membership.induction_completed_on == date(2026, 7, 17)
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.PRIVACY_SETTINGS)
    )
    assert event.subject_id == ect.id and event.actor_id == coordinator.id
    assert "deleted from 15 October 2026" in event.detail
    with pytest.raises(InvalidInput, match="at most a year from today"):
        retention_admin.record_induction_completed(
            session, coordinator, ect.id, school.id, date(2028, 1, 1), now=NOW
        )
    with pytest.raises(NotFound):  # not one of this school's ECTs
        retention_admin.record_induction_completed(
            session, coordinator, user(session, MENTOR).id, school.id, None, now=NOW
        )
    with pytest.raises(NotFound):
        retention_admin.record_induction_completed(
            session, user(session, "coordinator@riverside.example"), ect.id, school.id, None
        )
    with pytest.raises(Forbidden):
        retention_admin.record_induction_completed(
            session, user(session, MENTOR), ect.id, school.id, None
        )


def test_clips_cut_from_a_lesson_go_with_the_induction_of_the_teacher_it_shows(ctx, session, demo):
    lesson = _clip(ctx, session, ready_at=NOW - timedelta(days=5))
    mentor = user(session, MENTOR)
    cut = highlights.HighlightRequest(start=0.0, end=5.0, title="Wait time")
    highlight = highlights.cut_highlight(session, mentor, lesson.id, cut)
    library_cut = replace(cut, kind=ClipKind.MODEL, title="Library model")
    model = highlights.cut_highlight(session, mentor, lesson.id, library_cut)
    kept_cut = replace(cut, kind=ClipKind.MODEL, title="Kept model")
    kept = highlights.cut_highlight(session, mentor, lesson.id, kept_cut)
    kept.shareable, kept.consent_state = True, ConsentState.ALL_CONSENTED  # in the library
    session.commit()
    _complete_induction(session, ECT, date(2026, 8, 25))  # 90 days later: 23 November

    due = {d.clip_id: d for d in retention.upcoming(session, [lesson.school_id], now=NOW)}
    teacher = user(session, ECT).name
    assert due[highlight.id].why.startswith(f"90 days after {teacher}'s induction ended")
    report = _apply(ctx, session, NOW)
    # The mentor's highlight and model go with the ECT's lesson; a consented library model stays.
    assert sorted(report.clips_deleted) == sorted([lesson.id, highlight.id, model.id])
    assert session.get(Clip, kept.id) is not None
