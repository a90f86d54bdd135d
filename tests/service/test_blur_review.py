"""The uploader's check of a finished blur: the state machine, touch-up regions and their
messages, the school's two blur settings, and retention of what the check leaves behind."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from service import policy
from service.clips import blur, blur_review
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, AuditEvent, BlurRegion, BlurStatus, Clip, Role, School
from service.privacy import retention, settings as privacy_settings
from service.storage import keys
from tests.factories import finish_blur, ready_clip, user

OWNER, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
COORDINATOR, OTHER_ECT = "coordinator@northfield.example", "ect1@riverside.example"
# Where a region of the picture is, as the uploader drags it (fractions of the picture).
BOX = {"x0": 0.2, "y0": 0.1, "x1": 0.45, "y1": 0.5}


def region(start: float = 1.0, end: float = 4.0, **corners: float) -> blur_review.RegionInput:
    return blur_review.RegionInput(start=start, end=end, **{**BOX, **corners})


@pytest.fixture
def clip(ctx, session, demo) -> Clip:
    """The owner's playable 30 s clip; its mentor asked for faces to be blurred, keeping one."""
    made = ready_clip(session, ctx.storage, OWNER, title="Phonics carpet time")
    blur.request_blur(session, user(session, MENTOR), made.id, keep=(0.4, 0.3, 2.0))
    return made


def events(session, action: AuditAction) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(session.scalars(query))


def test_a_finished_blur_waits_for_the_uploaders_check_and_the_mentor_sees_nothing(
    ctx, session, clip
):
    owner, mentor = user(session, OWNER), user(session, MENTOR)
    done = finish_blur(session, ctx.storage, clip.id, face_strip=[2, 0, 1])
    assert done.blur_status == BlurStatus.REVIEW
    assert done.video_key == keys.video_key(clip.id)  # nothing swapped yet
    assert done.unblurred_video_key is None
    assert done.blur_review_video_key == keys.blur_key(clip.id)
    assert done.blur_face_strip == [2, 0, 1]
    # Withheld from everyone but the uploader, exactly as while the blur was being made.
    for email in (MENTOR, COORDINATOR):
        assert policy.video_withheld(user(session, email), done)
    assert not policy.video_withheld(owner, done)
    assert blur_review.candidate(session, owner, clip.id).id == clip.id
    for email in (MENTOR, COORDINATOR):
        with pytest.raises(NotFound):
            blur_review.candidate(session, user(session, email), clip.id)
    with pytest.raises(Forbidden, match="Only the teacher who recorded this clip"):
        blur_review.confirm_blur(session, mentor, clip.id)
    with pytest.raises(NotFound):
        blur_review.confirm_blur(session, user(session, OTHER_ECT), clip.id)

    shared = blur_review.confirm_blur(session, owner, clip.id, ip="10.0.0.7")
    assert shared.blur_status == BlurStatus.READY
    assert (shared.video_key, shared.poster_key) == (
        keys.blur_key(clip.id),
        keys.blurred_poster_key(clip.id),
    )
    assert (shared.unblurred_video_key, shared.unblurred_poster_key) == (
        keys.video_key(clip.id),
        keys.poster_key(clip.id),
    )
    assert shared.blur_review_video_key is None and shared.blur_review_poster_key is None
    assert not policy.video_withheld(mentor, shared)
    [event] = events(session, AuditAction.CONFIRM_BLUR)
    assert (event.actor_id, event.clip_id, event.ip) == (owner.id, clip.id, "10.0.0.7")
    assert "Phonics carpet time" in event.detail
    with pytest.raises(InvalidInput, match="already shared"):
        blur_review.confirm_blur(session, owner, clip.id)
    with pytest.raises(NotFound):  # nothing waits for a check any more
        blur_review.candidate(session, owner, clip.id)


def test_a_first_blur_again_with_regions_goes_back_through_review(ctx, session, clip):
    owner, mentor = user(session, OWNER), user(session, MENTOR)
    finish_blur(session, ctx.storage, clip.id)
    added = blur_review.add_region(session, owner, clip.id, region(), ip="10.0.0.8")
    assert (added.start_s, added.end_s, added.x0, added.y1) == (1.0, 4.0, 0.2, 0.5)
    again = blur_review.blur_again(session, owner, clip.id)
    assert again.blur_status == BlurStatus.REQUESTED
    assert (again.blur_keep_x, again.blur_keep_y, again.blur_keep_t) == (0.4, 0.3, 2.0)
    assert policy.video_withheld(mentor, again)
    with pytest.raises(InvalidInput, match="being blurred again"):
        blur_review.confirm_blur(session, owner, clip.id)
    with pytest.raises(InvalidInput, match="change the areas to blur once it is ready"):
        blur_review.add_region(session, owner, clip.id, region())
    [request] = events(session, AuditAction.REQUEST_BLUR)[1:]
    assert request.actor_id == owner.id and "with 1 area to blur as well" in request.detail

    done = finish_blur(session, ctx.storage, clip.id)
    assert done.blur_status == BlurStatus.REVIEW
    assert policy.video_withheld(mentor, done)
    assert blur_review.confirm_blur(session, owner, clip.id).video_key == keys.blur_key(clip.id)


def test_a_blur_again_after_sharing_keeps_the_shared_one_in_view_until_checked(ctx, session, clip):
    owner, mentor = user(session, OWNER), user(session, MENTOR)
    finish_blur(session, ctx.storage, clip.id)
    blur_review.confirm_blur(session, owner, clip.id)
    blur_review.add_region(session, owner, clip.id, region(5, 8))
    blur_review.blur_again(session, owner, clip.id)

    done = finish_blur(session, ctx.storage, clip.id)
    assert done.blur_status == BlurStatus.REVIEW
    # The new blur went beside the shared one, which everybody else still watches.
    first, second = keys.blur_keys(clip.id)
    assert (done.video_key, done.blur_review_video_key) == (first, second)
    assert not policy.video_withheld(mentor, done)
    shared = blur_review.confirm_blur(session, owner, clip.id)
    assert shared.video_key == second
    assert shared.poster_key == keys.blurred_poster_keys(clip.id)[1]
    assert shared.unblurred_video_key == keys.video_key(clip.id)  # still the unblurred one
    # The next blur is written over the rendition nobody watches any more.
    blur_review.blur_again(session, owner, clip.id)
    again = finish_blur(session, ctx.storage, clip.id)
    assert again.blur_review_video_key == first


def test_where_the_school_allows_it_a_blur_is_shared_without_a_check(ctx, session, clip):
    session.get(School, clip.school_id).blur_without_review = True
    session.commit()
    done = finish_blur(session, ctx.storage, clip.id)
    assert done.blur_status == BlurStatus.READY
    assert done.video_key == keys.blur_key(clip.id)
    assert done.blur_review_video_key is None
    assert not policy.video_withheld(user(session, MENTOR), done)


def test_a_blur_asked_for_again_while_one_runs_waits_unseen(ctx, session, clip):
    mentor = user(session, MENTOR)
    blur.mark_blurring(session, clip.id)
    blur.request_blur(session, mentor, clip.id, keep=(0.6, 0.3, 2.0))
    video = keys.blur_key(clip.id)
    ctx.storage.put_stream(video, io.BytesIO(b"first"))
    done = blur.mark_blurred(session, clip.id, video=video, poster=None, face_strip=[1])
    assert done.blur_status == BlurStatus.REQUESTED  # the newer choice is blurred next
    assert done.video_key == keys.video_key(clip.id)
    assert policy.video_withheld(mentor, done)


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        (region(x0=float("nan")), "drag a rectangle over the area to blur"),
        (region(x1=1.2), "part of it is outside"),
        (region(x0=-0.1), "part of it is outside"),
        (region(x0=0.5, x1=0.3), "from one corner of the area to the opposite corner"),
        (region(y0=0.5, y1=0.5), "has no width or no height"),
        (region(x1=0.21), "too small to blur"),
        (region(start=-1), "at 0:00 or later"),
        (region(start=4, end=4), "the “to” time must be later than the “from” time"),
        (region(start=5, end=3), "the “to” time must be later"),
        (region(start=20, end=31), "Please end the area by 0:30, when the clip ends."),
    ],
)
def test_an_area_to_blur_is_checked_with_a_message_a_teacher_can_act_on(
    ctx, session, clip, wanted, message
):
    finish_blur(session, ctx.storage, clip.id)
    with pytest.raises(InvalidInput, match=message.replace(".", r"\.")):
        blur_review.add_region(session, user(session, OWNER), clip.id, wanted)
    assert session.scalar(select(func.count(BlurRegion.id))) == 0


def test_an_area_may_end_half_a_second_after_the_clip(ctx, session, clip):
    finish_blur(session, ctx.storage, clip.id)
    owner = user(session, OWNER)
    assert blur_review.add_region(session, owner, clip.id, region(28, 30.5)).end_s == 30.5


def test_a_clip_has_at_most_two_hundred_areas(ctx, session, clip):
    owner = user(session, OWNER)
    finish_blur(session, ctx.storage, clip.id)
    session.add_all(
        BlurRegion(clip_id=clip.id, start_s=0, end_s=1, created_by_id=owner.id, **BOX)
        for _ in range(blur_review.MAX_REGIONS)
    )
    session.commit()
    with pytest.raises(InvalidInput, match="at most 200 areas to blur"):
        blur_review.add_region(session, owner, clip.id, region())


def test_only_the_uploader_touches_up_and_removing_is_audited(ctx, session, clip):
    owner = user(session, OWNER)
    finish_blur(session, ctx.storage, clip.id)
    for email in (MENTOR, COORDINATOR):
        with pytest.raises(Forbidden):
            blur_review.add_region(session, user(session, email), clip.id, region())
        with pytest.raises(Forbidden):
            blur_review.blur_again(session, user(session, email), clip.id)
    with pytest.raises(NotFound):
        blur_review.add_region(session, user(session, OTHER_ECT), clip.id, region())

    first = blur_review.add_region(session, owner, clip.id, region(6, 9), ip="10.0.0.9")
    second = blur_review.add_region(session, owner, clip.id, region(0.5, 2.5))
    listed = blur_review.regions_for(session, owner, clip.id)
    assert [r.id for r in listed] == [second.id, first.id]  # in the order they start
    with pytest.raises(Forbidden):
        blur_review.remove_region(session, user(session, MENTOR), clip.id, first.id)
    removed = blur_review.remove_region(session, owner, clip.id, first.id, ip="10.0.0.9")
    assert removed.id == first.id
    assert [r.id for r in blur_review.clip_regions(session, clip.id)] == [second.id]
    with pytest.raises(NotFound, match="removed already"):
        blur_review.remove_region(session, owner, clip.id, first.id)

    touch_ups = events(session, AuditAction.BLUR_TOUCH_UP)
    assert [e.actor_id for e in touch_ups] == [owner.id] * 3
    assert touch_ups[0].detail == (
        "Phonics carpet time: added an area to blur, 0:06–0:09 at 20%–45% across, 10%–50% down"
    )
    assert touch_ups[-1].detail.startswith("Phonics carpet time: removed an area to blur, 0:06")
    assert touch_ups[-1].ip == "10.0.0.9" and touch_ups[-1].clip_id == clip.id


def test_a_sound_only_clip_has_nothing_to_touch_up(ctx, session, clip):
    clip = session.get(Clip, clip.id)
    clip.audio_only = True
    session.commit()
    with pytest.raises(InvalidInput, match="sound only"):
        blur_review.add_region(session, user(session, OWNER), clip.id, region())


def test_deleting_a_clip_deletes_its_areas(ctx, session, clip):
    finish_blur(session, ctx.storage, clip.id)
    blur_review.add_region(session, user(session, OWNER), clip.id, region())
    session.delete(session.get(Clip, clip.id))
    session.commit()
    assert session.scalar(select(func.count(BlurRegion.id))) == 0


def test_retention_deletes_the_blurred_videos_waiting_and_left_over(ctx, session, clip):
    owner = user(session, OWNER)
    finish_blur(session, ctx.storage, clip.id)
    blur_review.confirm_blur(session, owner, clip.id)
    blur_review.add_region(session, owner, clip.id, region())
    blur_review.blur_again(session, owner, clip.id)
    finish_blur(session, ctx.storage, clip.id)  # waits for a check beside the shared one
    membership = next(m for m in owner.memberships if m.role == Role.ECT)
    membership.induction_completed_on = date(2026, 1, 5)
    session.commit()
    assert len(ctx.storage.keys(f"clips/{clip.id}/")) == 7

    report = retention.apply_retention(session, ctx.storage, now=datetime(2026, 11, 1, tzinfo=UTC))
    assert clip.id in report.clips_deleted
    assert ctx.storage.keys(f"clips/{clip.id}/") == []
    assert session.scalar(select(func.count(BlurRegion.id))) == 0


def test_times_read_and_write_as_minutes_and_seconds():
    assert blur_review.clock(0) == "0:00"
    assert blur_review.clock(65.25) == "1:05.2"
    assert blur_review.clock(3599) == "59:59"
    assert blur_review.parse_clock("1:05") == 65
    assert blur_review.parse_clock(" 0:02.5 ") == 2.5
    assert blur_review.parse_clock("75") == 75
    assert blur_review.parse_clock("1:00:03") == 3603
    for bad in ("", "1:75", "a:05", "1.5:00", "1::2", "１:05", "-1:00", "1:05:00:00"):
        assert blur_review.parse_clock(bad) != blur_review.parse_clock(bad), bad  # NaN


def test_the_schools_blur_settings_are_off_by_default_and_changes_are_audited(session, demo):
    lead = user(session, COORDINATOR)
    school = session.get(School, lead.memberships[0].school_id)
    assert (school.blur_outside_teacher, school.blur_without_review) == (False, False)
    wanted = privacy_settings.PrivacySettings(
        False, 30, 90, blur_outside_teacher=True, blur_without_review=True
    )
    privacy_settings.update_settings(session, lead, school.id, wanted, ip="10.0.0.2")
    assert (school.blur_outside_teacher, school.blur_without_review) == (True, True)
    event = events(session, AuditAction.PRIVACY_SETTINGS)[-1]
    assert "blur everything but the teacher: off -> on" in event.detail
    assert "share blurred videos without the uploader's check: off -> on" in event.detail
    # Left out (None): as they are, and nothing to record.
    count = len(events(session, AuditAction.PRIVACY_SETTINGS))
    privacy_settings.update_settings(
        session, lead, school.id, privacy_settings.PrivacySettings(False, 30, 90)
    )
    assert (school.blur_outside_teacher, school.blur_without_review) == (True, True)
    assert len(events(session, AuditAction.PRIVACY_SETTINGS)) == count
    other = privacy_settings.PrivacySettings(False, 30, 90, blur_without_review=False)
    with pytest.raises(NotFound):
        privacy_settings.update_settings(
            session, user(session, "coordinator@riverside.example"), school.id, other
        )
    assert school.blur_without_review is True


def test_a_clip_not_yet_blurred_has_no_check(ctx, session, demo):
    made = ready_clip(session, ctx.storage, OWNER)
    owner = user(session, OWNER)
    with pytest.raises(InvalidInput, match="ask for pupils' faces to be blurred first"):
        blur_review.add_region(session, owner, made.id, region())
    with pytest.raises(InvalidInput, match="ask for pupils' faces to be blurred first"):
        blur_review.blur_again(session, owner, made.id)
    with pytest.raises(InvalidInput, match="no blurred video waiting"):
        blur_review.confirm_blur(session, owner, made.id)
