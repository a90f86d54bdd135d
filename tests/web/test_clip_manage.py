"""Owners manage their clips: rename, change kind or step, delete after a page that says what
goes with it (every storage object, feedback, transcript, shares, talk figures, with an audit
event), and remove a failed upload in one click. Nobody but the owner may."""

from __future__ import annotations

import html
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from service.clips import lifecycle, transcripts
from service.coaching import meetings, rehearsals, steps
from service.feedback import comments
from service.models import (
    AuditAction,
    AuditEvent,
    Clip,
    ClipKind,
    ClipShare,
    ClipStatus,
    ClipTalk,
    Comment,
    ConsentState,
    CriterionCheck,
    StepStatus,
    TranscriptSegment,
)
from service.privacy import shares
from service.storage import keys
from tests.factories import ready_clip, talk_clip, upload, user
from tests.web.forms import JSON, post

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"


def _step(session, title: str, outcome: StepStatus | None = None):
    data = steps.StepInput(title, "", ["Pause", "Name a pupil"], "instruction", 2)
    mentor = user(session, MENTOR)
    return steps.set_action_step(
        session, mentor, user(session, ECT).id, data, current_outcome=outcome
    )


def _edit(client, clip_id: int, **fields):
    return post(client, f"/clips/{clip_id}/edit", fields)


def test_the_owner_renames_a_lesson_and_files_it_as_a_rehearsal_of_their_step(
    ctx, session, client, auth, demo
):
    lesson = ready_clip(session, ctx.storage, ECT, title="Lesson clip")
    step = _step(session, "Cold call after a pause")
    auth.login(ECT)
    watch = client.get(f"/clips/{lesson.id}").text
    assert f'href="/clips/{lesson.id}/edit"' in watch and "Change or delete" in watch
    form = html.unescape(client.get(f"/clips/{lesson.id}/edit").text)
    assert 'value="Lesson clip"' in form and "Cold call after a pause" in form

    saved = _edit(
        client, lesson.id, title="  Year 9: cold calling  ", kind="rehearsal", step=step.id
    )
    assert saved.status_code == 302 and saved.headers["Location"] == f"/clips/{lesson.id}"
    session.expire_all()
    clip = session.get(Clip, lesson.id)
    assert (clip.title, clip.kind, clip.step_id, clip.attempt) == (
        "Year 9: cold calling",
        ClipKind.REHEARSAL,
        step.id,
        1,
    )
    assert "Saved: “Year 9: cold calling”, rehearsal." in html.unescape(
        client.get(saved.headers["Location"]).text
    )


def test_moving_a_rehearsal_to_the_next_step_renumbers_it_and_clears_old_ticks(
    ctx, session, client, auth, demo
):
    first = _step(session, "Wait for 100%")
    rehearsal = ready_clip(session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, step_id=first.id)
    rehearsals.tick_criterion(session, user(session, MENTOR), rehearsal.id, 0, True)
    second = _step(session, "Narrate the positive", StepStatus.MET)
    ready_clip(session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, step_id=second.id)
    auth.login(ECT)
    form = html.unescape(client.get(f"/clips/{rehearsal.id}/edit").text)
    assert "Wait for 100% (met)" in form and "Narrate the positive" in form  # old and current

    moved = post(
        client,
        f"/clips/{rehearsal.id}/edit",
        {"title": "Attempt", "kind": "rehearsal", "step": second.id},
        headers=JSON,
    )
    assert moved.get_json() == {
        "id": rehearsal.id,
        "title": "Attempt",
        "kind": "rehearsal",
        "step_id": second.id,
        "attempt": 2,  # the current step already had attempt 1
    }
    count = select(func.count()).where(CriterionCheck.clip_id == rehearsal.id)
    assert session.scalar(count) == 0

    # Keeping the step keeps the attempt; a lesson is never linked to a step.
    assert (
        _edit(client, rehearsal.id, title="Renamed", kind="rehearsal", step=second.id).status_code
        == 302
    )
    session.expire_all()
    assert session.get(Clip, rehearsal.id).attempt == 2
    _edit(client, rehearsal.id, title="Renamed", kind="lesson", step=second.id)
    session.expire_all()
    clip = session.get(Clip, rehearsal.id)
    assert (clip.kind, clip.step_id, clip.attempt) == (ClipKind.LESSON, None, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   ", "kind": "lesson"}, "Please give the clip a title."),
        ({"title": "x" * 201, "kind": "lesson"}, "Field cannot be longer than 200 characters."),
        ({"title": "Mine", "kind": "model"}, "Not a valid choice"),
        ({"title": "Mine", "kind": "rehearsal", "step": "STRANGER"}, "Not a valid choice"),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(
    ctx, session, client, auth, demo, fields, message
):
    lesson = ready_clip(session, ctx.storage, ECT, title="Kept title")
    other = steps.set_action_step(
        session,
        user(session, "mentor1@northfield.example"),
        user(session, "ect2@northfield.example").id,
        steps.StepInput("Someone else's step", "", ["x"], "behaviour", 1),
    )
    fields = {k: (other.id if v == "STRANGER" else v) for k, v in fields.items()}
    auth.login(ECT)
    refused = _edit(client, lesson.id, **fields)
    assert refused.status_code == 400 and message in html.unescape(refused.text)
    session.expire_all()
    assert session.get(Clip, lesson.id).title == "Kept title"


@pytest.mark.parametrize(
    ("email", "status"),
    [
        (MENTOR, 403),  # sees the clip, may comment, may not manage it
        ("coordinator@northfield.example", 403),
        ("reviewer@northfield.example", 403),
        ("admin@coachreel.example", 403),
        ("ect2@northfield.example", 404),
        ("mentor1@riverside.example", 404),
    ],
)
def test_nobody_but_the_owner_changes_or_deletes_a_clip(
    ctx, session, client, auth, demo, email, status
):
    lesson = ready_clip(session, ctx.storage, ECT, title="Kept title")
    auth.login(email)
    assert client.get(f"/clips/{lesson.id}/edit").status_code == status
    assert _edit(client, lesson.id, title="Taken", kind="lesson").status_code == status
    assert client.get(f"/clips/{lesson.id}/delete").status_code == status
    assert post(client, f"/clips/{lesson.id}/delete", headers=JSON).status_code == status
    if status == 403:
        assert "Change or delete" not in client.get(f"/clips/{lesson.id}").text
    session.expire_all()
    assert session.get(Clip, lesson.id).title == "Kept title"
    assert ctx.storage.exists(keys.video_key(lesson.id))


@pytest.fixture
def full_clip(ctx, session, demo) -> Clip:
    """A lesson with everything that goes with it: feedback and a reply, a transcript and both
    captions files, a running share, talk figures, a spare blurred rendition, a meeting record."""
    clip = talk_clip(session, ctx.storage, ECT, date.today(), title="Year 8 fractions")
    clip.consent_state = ConsentState.ALL_CONSENTED
    mentor, owner = user(session, MENTOR), user(session, ECT)
    first = comments.add_comment(session, mentor, clip.id, at_seconds=3, body="Good pause")
    comments.reply_to_comment(session, owner, clip.id, first.id, body="Thanks")
    ctx.storage.put_stream(keys.captions_key(clip.id), io.BytesIO(b"WEBVTT\n"))
    spare = keys.captions_key(clip.id, besides=keys.captions_key(clip.id))
    ctx.storage.put_stream(spare, io.BytesIO(b"WEBVTT\n"))
    ctx.storage.put_stream(keys.blur_keys(clip.id)[1], io.BytesIO(b"old blur"))
    transcripts.save_transcript(
        session,
        clip.id,
        [transcripts.SegmentData(0, 2, "Fractions")],
        language="en",
        captions=keys.captions_key(clip.id),
    )
    shares.share_clip(session, owner, clip.id, user(session, "ect3@northfield.example").id)
    meetings.record_session(
        session,
        mentor,
        owner.id,
        meetings.SessionInput(held_on=date.today(), observation_clip_ids=[clip.id]),
    )
    session.commit()
    return clip


def test_the_confirmation_page_says_what_goes_and_what_stays(ctx, session, client, auth, full_clip):
    auth.login(ECT)
    page = html.unescape(client.get(f"/clips/{full_clip.id}/delete").text)
    goes = page.split('id="goes-with"')[1].split("</ul>")[0]
    for words in (
        "2 pieces of feedback and replies",
        "its transcript and captions",
        "1 share with colleagues, who can no longer see it",
        "its talk figures",
        "every stored file of it: the original upload, the playable video, the poster image, "
        "the captions, the blurred video (6 files,",
    ):
        assert words in goes, goes
    assert "1 coaching meeting record lists it; it stays, without the clip" in page
    assert "written to the audit log" in page
    assert "Delete the clip for good" in page


def test_deleting_removes_every_object_every_row_and_records_it(
    ctx, session, client, auth, full_clip
):
    clip_id, school_id = full_clip.id, full_clip.school_id
    assert len(ctx.storage.keys(keys.clip_prefix(clip_id))) == 6
    auth.login(ECT)
    deleted = post(client, f"/clips/{clip_id}/delete", {"next": f"/clips/{clip_id}"})
    assert deleted.status_code == 302 and deleted.headers["Location"] == "/clips/"
    landing = html.unescape(client.get("/clips/").text)
    assert "“Year 8 fractions” was deleted, with its feedback, transcript and files." in landing

    assert ctx.storage.keys(keys.clip_prefix(clip_id)) == []
    session.expire_all()
    assert session.get(Clip, clip_id) is None
    for model in (Comment, TranscriptSegment, ClipShare, ClipTalk):
        assert session.scalar(select(func.count()).where(model.clip_id == clip_id)) == 0
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.DELETE_CLIP))
    assert event.actor_id == user(session, ECT).id and event.school_id == school_id
    assert event.detail.startswith(f"Clip {clip_id} deleted by its owner: “Year 8 fractions”")
    assert client.get(f"/clips/{clip_id}").status_code == 404
    # The coordinators read it in the audit log.
    auth.login("coordinator@northfield.example")
    log = html.unescape(client.get("/audit-log/", query_string={"action": "delete_clip"}).text)
    assert "Deleted their own clip" in log and "Year 8 fractions" in log


def test_an_object_another_clip_uses_stays(ctx, session, client, auth, demo):
    first = ready_clip(session, ctx.storage, ECT, title="First")
    second = ready_clip(session, ctx.storage, ECT, title="Second")
    second.poster_key = first.poster_key  # as the demo's clips share media
    session.commit()
    auth.login(ECT)
    assert post(client, f"/clips/{first.id}/delete").status_code == 302
    assert ctx.storage.exists(first.poster_key)
    assert not ctx.storage.exists(keys.video_key(first.id))


def test_a_failed_upload_goes_in_one_click_from_its_page_and_from_the_list(
    ctx, session, client, auth, demo
):
    failed = [upload(session, ctx.storage, ECT, b"not video", title=f"Broken {n}") for n in (1, 2)]
    for clip in failed:
        lifecycle.mark_failed(session, clip.id, "This file is not a video we can read.")
    ids = [clip.id for clip in failed]
    auth.login(ECT)
    watch = html.unescape(client.get(f"/clips/{failed[0].id}").text)
    assert (
        "Remove this failed upload" in watch and f'action="/clips/{failed[0].id}/delete"' in watch
    )
    gone = post(client, f"/clips/{failed[0].id}/delete")
    assert gone.status_code == 302 and gone.headers["Location"] == "/clips/"
    assert "The failed upload “Broken 1” was removed." in html.unescape(client.get("/clips/").text)

    listing = html.unescape(client.get("/clips/?status=failed").text)
    assert 'aria-label="Remove failed upload “Broken 2”"' in listing
    assert 'name="next" value="/clips/?status=failed"' in listing
    back = post(client, f"/clips/{failed[1].id}/delete", {"next": "/clips/?status=failed"})
    assert back.headers["Location"] == "/clips/?status=failed"
    session.expire_all()
    assert session.scalars(select(Clip).where(Clip.status == ClipStatus.FAILED)).all() == []
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.DELETE_CLIP))
    assert [e.detail.split(" deleted")[0] for e in events] == [
        f"Failed upload {ids[0]}",
        f"Failed upload {ids[1]}",
    ]
    assert ctx.storage.keys("clips/") == []


def test_a_clip_being_prepared_waits_until_it_is_done(ctx, session, client, auth, demo):
    clip = upload(session, ctx.storage, ECT, b"bytes", title="Still going")
    lifecycle.mark_processing(session, clip.id)
    auth.login(ECT)
    page = html.unescape(client.get(f"/clips/{clip.id}/delete").text)
    assert "This clip is being prepared right now. You can delete it once that finishes." in page
    assert "disabled" in page.split('id="delete-form"')[1]
    refused = post(client, f"/clips/{clip.id}/delete", headers=JSON)
    assert refused.status_code == 400 and "being prepared" in refused.get_json()["error"]
    assert ctx.storage.exists(keys.original_key(clip.id))


def test_the_owner_is_told_who_can_see_the_clip(ctx, session, client, auth, demo):
    lesson = ready_clip(session, ctx.storage, ECT, title="Year 10 fractions")
    auth.login(ECT)
    for url in (f"/clips/{lesson.id}", f"/clips/{lesson.id}/edit"):
        page = html.unescape(client.get(url).text)
        sentence = page.split('id="clip-audience">')[1].split("</p>")[0]
        assert sentence.startswith("Only you, your mentor Daniel Okafor, Ruth Evans (who reviews")
    auth.login(MENTOR)
    assert 'id="clip-audience"' not in client.get(f"/clips/{lesson.id}").text


def test_a_model_clip_that_is_a_steps_model_says_the_step_loses_it(
    ctx, session, client, auth, demo
):
    model = ready_clip(
        session, ctx.storage, MENTOR, kind=ClipKind.MODEL, consent_state=ConsentState.NO_PUPILS
    )
    data = steps.StepInput("Circulate", "", ["Visit every table"], "behaviour", 7, None, model.id)
    steps.set_action_step(session, user(session, MENTOR), user(session, ECT).id, data)
    auth.login(MENTOR)
    page = html.unescape(client.get(f"/clips/{model.id}/delete").text)
    assert "1 action step shows it as the model clip; it will have no model clip" in page
    edit = html.unescape(client.get(f"/clips/{model.id}/edit").text)
    assert "A model clip stays a model clip." in edit
    assert post(client, f"/clips/{model.id}/delete").status_code == 302
    session.expire_all()
    assert (
        steps.current_step(session, user(session, MENTOR), user(session, ECT).id).model_clip_id
        is None
    )


def test_a_failed_rehearsal_offers_no_model_beside_it(ctx, session, client, auth, demo):
    step = _step(session, "Wait three seconds")
    good = ready_clip(session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, step_id=step.id)
    broken = upload(
        session, ctx.storage, ECT, b"not video", kind=ClipKind.REHEARSAL, step_id=step.id
    )
    lifecycle.mark_failed(session, broken.id, "This file is not a video we can read.")
    auth.login(ECT)
    assert "open beside the model" in client.get(f"/clips/{good.id}").text
    assert "open beside the model" not in client.get(f"/clips/{broken.id}").text
    home = client.get("/coaching/").text
    assert f'href="/coaching/rehearsals/{good.id}"' in home
    assert f'href="/coaching/rehearsals/{broken.id}"' not in home
