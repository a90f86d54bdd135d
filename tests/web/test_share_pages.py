"""Sharing from the watch page: the owner's form and list, the colleague's view, the ends."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from service.clips import lifecycle, transcripts
from service.coaching import steps
from service.feedback import comments
from service.models import (
    AuditAction,
    AuditEvent,
    ClipKind,
    ClipShare,
    ConsentState,
    User,
    utcnow,
)
from service.privacy import shares
from tests.factories import ready_clip, upload, user
from tests.web.forms import JSON, post

ECT = "ect1@northfield.example"  # Sam Taylor
PEER = "ect2@northfield.example"  # Aisha Begum
MENTOR = "mentor1@northfield.example"  # Daniel Okafor, the owner's mentor
OTHER_SCHOOL_ECT = "ect1@riverside.example"
CONSENT_MESSAGE = (
    "Only clips whose consent record allows it can be shared: ask your induction coordinator "
    "to record consent."
)


def _clip(session, ctx, consent=ConsentState.ALL_CONSENTED, **kw) -> int:
    """A ready clip of the ECT's with captions and a transcript, its consent set to ``consent``."""
    segments = [transcripts.SegmentData(1, 2, "Today we compare fractions")]
    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        consent_after=consent,
        captions=b"WEBVTT\n",
        transcript=segments,
        **kw,
    )
    return clip.id


@pytest.fixture
def clip_id(session, ctx, demo) -> int:
    return _clip(session, ctx, title="Year 8 fractions")


def _post(client, url: str, json: bool = True, **fields):
    return post(client, url, fields, headers=JSON if json else {})


def _share(client, clip_id: int, colleague: User, days: int = 7, json: bool = True):
    return _post(client, f"/clips/{clip_id}/shares", json, colleague=colleague.id, days=days)


def _views(client, clip_id: int) -> list[int]:
    urls = ("", "/video.mp4", "/captions.vtt", "/transcript.json", "/status.json")
    codes = []
    for url in urls:
        response = client.get(f"/clips/{clip_id}{url}")
        response.close()
        codes.append(response.status_code)
    return codes


def test_the_owner_shares_from_the_watch_page(client, auth, session, clip_id):
    auth.login(ECT)
    page = client.get(f"/clips/{clip_id}").text
    assert "Share with a colleague" in page
    picker = page[
        page.index('id="share-colleague"') : page.index("</select>", page.index("share-colleague"))
    ]
    assert re.findall(r">([A-Z][a-z]+ [A-Z][a-z]+) \(", picker) == [
        "Aisha Begum",
        "Helen Marsh",
        "Tom Wright",
    ]
    assert "Daniel Okafor" not in picker  # the owner's mentor sees it already
    for label in ("1 day", "1 week", "2 weeks", "4 weeks"):
        assert f">{label}</option>" in page
    peer = user(session, PEER)
    response = _share(client, clip_id, peer, days=14, json=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clips/{clip_id}#sharing")
    page = client.get(f"/clips/{clip_id}").text
    assert "Shared with Aisha Begum until" in page  # the message after the redirect
    assert "Revoke the share with Aisha Begum" in page
    share = session.scalar(select(ClipShare).where(ClipShare.clip_id == clip_id))
    assert share.colleague_id == peer.id
    assert share.expires_at - share.created_at == timedelta(days=14)


def test_the_colleague_sees_that_clip_and_nothing_else(client, auth, session, ctx, clip_id):
    owner, peer = user(session, ECT), user(session, PEER)
    other = _clip(session, ctx, title="Another lesson")
    shares.share_clip(session, owner, clip_id, peer.id)
    auth.login(PEER)
    index = client.get("/clips/").text
    assert "Shared with you" in index and "shared by Sam Taylor until" in index
    assert index.count(f'href="/clips/{clip_id}"') == 1  # listed once, under "Shared with you"
    assert "Another lesson" not in index
    page = client.get(f"/clips/{clip_id}").text
    assert "Shared with you by Sam Taylor until" in page
    assert "Share with a colleague" not in page and 'id="comment-form"' not in page
    assert _views(client, clip_id) == [200] * 5
    assert "Year 8 fractions" in client.get("/search/?q=fractions").text
    # Looking is all: no feedback, no sharing on, nothing else of the ECT.
    assert _post(client, f"/clips/{clip_id}/comments", at_seconds="3", body="Hi").status_code == 403
    assert _share(client, clip_id, user(session, "ect3@northfield.example")).status_code == 403
    share = session.scalar(select(ClipShare))
    assert _post(client, f"/clips/{clip_id}/shares/{share.id}/revoke").status_code == 403
    assert _views(client, other) == [404] * 5
    assert client.get(f"/coaching/ects/{owner.id}").status_code == 404


def test_a_shared_rehearsal_does_not_open_the_ects_step(client, auth, session, ctx, demo):
    owner, peer = user(session, ECT), user(session, PEER)
    mentor = user(session, MENTOR)
    step = steps.set_action_step(
        session,
        mentor,
        owner.id,
        steps.StepInput("Cold call", "Everyone thinks", ["Pause"], "instruction", 2),
    )
    clip = ready_clip(
        session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, title="Rehearsal", step_id=step.id
    )
    clip.consent_state = ConsentState.NO_PUPILS
    session.commit()
    shares.share_clip(session, owner, clip.id, peer.id)
    auth.login(PEER)
    page = client.get(f"/clips/{clip.id}").text
    assert "open beside the model" not in page and "Cold call" not in page
    assert client.get(f"/coaching/rehearsals/{clip.id}").status_code == 404
    auth.logout()
    auth.login(ECT)
    assert client.get(f"/coaching/rehearsals/{clip.id}").status_code == 200


def test_the_ect_chooses_whether_the_feedback_goes_with_the_clip(client, auth, session, clip_id):
    peer, mentor = user(session, PEER), user(session, MENTOR)
    comments.add_comment(session, mentor, clip_id, at_seconds=2, body="Sharp hinge question")
    auth.login(ECT)
    form = client.get(f"/clips/{clip_id}").text
    box = form[form.index('id="share-feedback"') - 80 : form.index("Include the feedback") + 40]
    assert 'name="include_feedback"' in box and "checked" not in box  # off unless ticked
    assert "The feedback is not shared unless you tick the box." in form
    response = _share(client, clip_id, peer, json=False)
    assert response.status_code == 302
    page = client.get(f"/clips/{clip_id}").text
    assert "Shared with Aisha Begum until" in page and "without its feedback" in page
    assert "without the feedback" in page  # the owner's list of shares says which
    auth.logout()
    auth.login(PEER)
    page = client.get(f"/clips/{clip_id}").text
    assert "The feedback on it was not shared with you." in page
    assert "The feedback on this clip was not shared with you." in page
    assert "Sharp hinge question" not in page
    assert client.get(f"/clips/{clip_id}/comments.json").json["comments"] == []
    auth.logout()
    auth.login(ECT)
    renewed = _post(
        client, f"/clips/{clip_id}/shares", colleague=peer.id, days=7, include_feedback="y"
    )
    assert renewed.status_code == 201 and renewed.json["share"]["includes_feedback"] is True
    assert "with its feedback" in renewed.json["message"]
    assert "with the feedback" in client.get(f"/clips/{clip_id}").text
    auth.logout()
    auth.login(PEER)
    page = client.get(f"/clips/{clip_id}").text
    assert "Sam Taylor chose to share the feedback on it with you too." in page
    assert "Sharp hinge question" in page
    listed = client.get(f"/clips/{clip_id}/comments.json").json["comments"]
    assert [c["body"] for c in listed] == ["Sharp hinge question"]


def test_an_expired_share_shows_nothing(client, auth, session, clip_id):
    owner, peer = user(session, ECT), user(session, PEER)
    share = shares.share_clip(session, owner, clip_id, peer.id, 1)
    share.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    auth.login(PEER)
    assert _views(client, clip_id) == [404] * 5
    assert "Shared with you" not in client.get("/clips/").text
    auth.logout()
    auth.login(ECT)
    page = client.get(f"/clips/{clip_id}").text
    assert "Aisha Begum" in page and "ended" in page
    assert "Revoke the share" not in page


def test_revoking_closes_the_clip_at_once(client, auth, session, clip_id):
    owner, peer = user(session, ECT), user(session, PEER)
    share = shares.share_clip(session, owner, clip_id, peer.id)
    auth.login(PEER)
    assert _views(client, clip_id) == [200] * 5
    auth.logout()
    auth.login(ECT)
    response = _post(client, f"/clips/{clip_id}/shares/{share.id}/revoke")
    assert response.status_code == 200
    assert response.json["share"]["running"] is False
    assert "can no longer see this clip" in response.json["message"]
    again = _post(client, f"/clips/{clip_id}/shares/{share.id}/revoke")
    assert again.status_code == 200  # revoking twice is harmless
    auth.logout()
    auth.login(PEER)
    assert _views(client, clip_id) == [404] * 5
    session.expire_all()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.REVOKE_SHARE)
    ).all()
    assert [(e.subject_id, e.clip_id) for e in events] == [(peer.id, clip_id)]


def test_sharing_again_renews_instead_of_adding(client, auth, session, clip_id):
    peer = user(session, PEER)
    auth.login(ECT)
    first = _share(client, clip_id, peer, days=1)
    second = _share(client, clip_id, peer, days=28)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json["share"]["id"] == second.json["share"]["id"]
    assert len(session.scalars(select(ClipShare)).all()) == 1
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.SHARE_CLIP)
    ).all()
    assert len(events) == 2 and all(e.subject_id == peer.id for e in events)


def test_a_clip_without_consent_says_why_instead_of_the_form(client, auth, session, ctx, demo):
    clip_id = _clip(session, ctx, consent=ConsentState.NOT_RECORDED)
    auth.login(ECT)
    page = client.get(f"/clips/{clip_id}").text
    assert CONSENT_MESSAGE in page
    assert 'id="share-colleague"' not in page
    response = _share(client, clip_id, user(session, PEER))
    assert response.status_code == 403 and response.json["error"] == CONSENT_MESSAGE
    assert session.scalars(select(ClipShare)).all() == []


def test_a_failed_clip_offers_no_sharing(client, auth, session, ctx, demo):
    clip = upload(session, ctx.storage, ECT, b"not a video", consent_state=ConsentState.NO_PUPILS)
    lifecycle.mark_failed(session, clip.id, "This file is not a video we can read.")
    auth.login(ECT)
    page = client.get(f"/clips/{clip.id}").text
    assert "This file is not a video we can read." in page
    assert "Share with a colleague" not in page and 'id="sharing"' not in page
    response = _share(client, clip.id, user(session, PEER))
    assert response.status_code == 400 and response.json["error"] == shares.FAILED_MESSAGE
    assert session.scalars(select(ClipShare)).all() == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        (OTHER_SCHOOL_ECT, "Please choose a colleague from your school"),
        (ECT, "This is your own clip"),
        (MENTOR, "Daniel Okafor can already see this clip as your mentor"),
    ],
)
def test_a_colleague_who_cannot_be_chosen_is_refused_with_a_reason(
    client, auth, session, clip_id, email, message
):
    auth.login(ECT)
    response = _share(client, clip_id, user(session, email))
    assert response.status_code == 400 and response.json["error"].startswith(message)
    # The plain form comes back to the page with the reason.
    assert _share(client, clip_id, user(session, email), json=False).status_code == 302
    assert message in client.get(f"/clips/{clip_id}").text
    assert session.scalars(select(ClipShare)).all() == []


def test_a_share_lasts_one_to_28_days_a_week_by_default(client, auth, session, clip_id):
    auth.login(ECT)
    response = _share(client, clip_id, user(session, PEER), days=90)
    assert response.status_code == 400 and "1 to 28 days" in response.json["error"]
    response = _post(client, f"/clips/{clip_id}/shares", colleague=user(session, PEER).id)
    assert response.status_code == 201  # no length chosen: a week
    share = session.get(ClipShare, response.json["share"]["id"])
    assert share.expires_at - share.created_at == timedelta(days=7)


@pytest.mark.parametrize(("email", "status"), [(MENTOR, 403), (OTHER_SCHOOL_ECT, 404)])
def test_others_may_not_share(client, auth, session, clip_id, email, status):
    auth.login(email)
    assert _share(client, clip_id, user(session, PEER)).status_code == status
