"""Events raised by the use cases: who is told (never the person who did it, never someone
who may not see it), the words (no transcript, no child), the link and the key."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service.coaching import meetings, steps
from service.feedback import comments
from service.models import ClipKind, ConsentState, Notification, StepStatus
from service.privacy import consent_requests, shares
from tests.factories import ready_clip, user

ECT = "ect1@northfield.example"  # mentored by mentor1
PEER = "ect2@northfield.example"
MENTOR = "mentor1@northfield.example"
OTHER_MENTOR = "mentor2@northfield.example"
COORDINATOR = "coordinator@northfield.example"
TRUST_COORDINATOR = "induction-lead@northfield-trust.example"
OTHER_COORDINATOR = "coordinator@riverside.example"
EVERYONE = (ECT, PEER, MENTOR, OTHER_MENTOR, COORDINATOR, TRUST_COORDINATOR, OTHER_COORDINATOR)


def _inbox(session, email: str) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user(session, email).id)
    return list(session.scalars(query.order_by(Notification.id)))


def _told(session) -> dict[str, list[str]]:
    return {e: [n.kind for n in _inbox(session, e)] for e in EVERYONE if _inbox(session, e)}


def test_a_clip_ready_to_watch_tells_the_ects_mentor_only_once(session, ctx, demo):
    clip = ready_clip(session, ctx.storage, ECT, title="Y8 fractions", kind=ClipKind.REHEARSAL)
    assert _told(session) == {MENTOR: ["clip_uploaded"]}
    [note] = _inbox(session, MENTOR)
    assert note.link == f"/clips/{clip.id}"
    assert note.dedupe_key == f"clip-ready:{clip.id}"
    assert (note.clip_id, note.ect_id) == (clip.id, clip.owner_id)
    assert "Sam Taylor uploaded a rehearsal, “Y8 fractions”" in note.text
    assert note.email_due and note.emailed_at is None
    # Processing retried after the clip was ready: the same event, not a second notification.
    from service.clips import lifecycle

    lifecycle.mark_ready(
        session, clip.id, video=clip.video_key, poster=None, duration=30.0, width=None,
        height=None, method="remux",
    )  # fmt: skip
    assert len(_inbox(session, MENTOR)) == 1


def test_a_model_clip_tells_nobody(session, ctx, demo):
    ready_clip(session, ctx.storage, MENTOR, kind=ClipKind.MODEL)
    assert _told(session) == {}


def test_feedback_tells_the_clips_owner_and_a_reply_the_others_in_the_thread(session, ctx, demo):
    clip = ready_clip(session, ctx.storage, ECT, title="Starter", duration=120.0)
    mentor, ect = user(session, MENTOR), user(session, ECT)
    before = len(_inbox(session, MENTOR))
    comment = comments.add_comment(session, mentor, clip.id, at_seconds=73.5, body="Lovely pace")
    [note] = _inbox(session, ECT)
    assert (note.kind, note.link) == ("feedback_posted", f"/clips/{clip.id}?t=73.5")
    assert note.dedupe_key == f"comment:{comment.id}"
    assert "Daniel Okafor left feedback on “Starter” at 1:13" in note.text
    assert "Lovely pace" not in note.text  # the words stay in the app
    assert len(_inbox(session, MENTOR)) == before  # never the author
    reply = comments.reply_to_comment(session, ect, clip.id, comment.id, body="Thanks")
    assert [n.kind for n in _inbox(session, MENTOR)][before:] == ["reply_posted"]
    assert _inbox(session, MENTOR)[-1].dedupe_key == f"comment:{reply.id}"
    assert len(_inbox(session, ECT)) == 1  # the ECT wrote the reply
    # The ECT's own note on their clip: their mentor hears of it.
    comments.add_comment(session, ect, clip.id, at_seconds=5, body="I rushed here")
    assert [n.kind for n in _inbox(session, MENTOR)][before:] == ["reply_posted", "feedback_posted"]
    for other in (PEER, OTHER_MENTOR, COORDINATOR, TRUST_COORDINATOR, OTHER_COORDINATOR):
        assert _inbox(session, other) == []


def test_a_new_step_and_a_recorded_meeting_tell_the_ect(session, demo):
    mentor, ect = user(session, MENTOR), user(session, ECT)
    data = steps.StepInput("Wait for 100%", "", ["Same signal"], "behaviour", 1)
    step = steps.set_action_step(session, mentor, ect.id, data, current_outcome=StepStatus.MET)
    record = meetings.record_session(
        session, mentor, ect.id, meetings.SessionInput(held_on=date(2026, 12, 3), praise="Calm")
    )
    told = _inbox(session, ECT)
    assert [(n.kind, n.link) for n in told] == [
        ("step_set", f"/coaching/ects/{ect.id}#step-{step.id}"),
        ("meeting_recorded", f"/coaching/ects/{ect.id}#session-{record.id}"),
    ]
    assert all(n.ect_id == ect.id and n.clip_id is None for n in told)
    assert "meeting of 3 December: add your reflection" in told[1].text
    assert _inbox(session, MENTOR) == []


def test_a_consent_request_tells_the_schools_coordinators(session, ctx, demo):
    clip = ready_clip(session, ctx.storage, ECT, title="Group work")
    ect = user(session, ECT)
    asked = consent_requests.ask_for_consent(session, ect, clip.id, "Forms are in")
    again = consent_requests.ask_for_consent(session, ect, clip.id)
    assert not again.created
    for coordinator in (COORDINATOR, TRUST_COORDINATOR):
        [note] = _inbox(session, coordinator)
        assert note.kind == "consent_requested"
        assert note.link == f"/privacy/schools/{clip.school_id}/consent"
        assert note.dedupe_key == f"consent-request:{asked.request.id}"
        assert "Forms are in" not in note.text
    assert _inbox(session, OTHER_COORDINATOR) == []
    assert _inbox(session, ECT) == []


def test_a_share_tells_the_colleague_once(session, ctx, demo):
    clip = ready_clip(
        session, ctx.storage, ECT, title="Questioning", consent_after=ConsentState.ALL_CONSENTED
    )
    ect, peer = user(session, ECT), user(session, PEER)
    share = shares.share_clip(session, ect, clip.id, peer.id, days=7)
    shares.share_clip(session, ect, clip.id, peer.id, days=14)  # renewed: nothing new
    [note] = _inbox(session, PEER)
    assert (note.kind, note.link, note.clip_id) == ("share_granted", f"/clips/{clip.id}", clip.id)
    assert note.dedupe_key == f"share:{share.id}"
    assert "Sam Taylor shared “Questioning” with you until" in note.text
    assert _inbox(session, ECT) == []


def test_a_deactivated_person_is_told_nothing(session, ctx, demo):
    mentor = user(session, MENTOR)
    mentor.active = False
    session.commit()
    ready_clip(session, ctx.storage, ECT)
    assert _inbox(session, MENTOR) == []
