"""The talk panel on a clip page, and an ECT sharing their figures with their mentor."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from media_pipeline import Transcript, analyse_talk
from service.clips import transcripts
from service.models import (
    AuditAction,
    AuditEvent,
    ConsentState,
    School,
    TranscriptStatus,
)
from service.privacy import shares
from service.talk import figures
from tests.conftest import csrf_token
from tests.factories import mentorship_between, ready_clip, user
from tests.talk_transcripts import make
from tests.web.forms import JSON, post
from workers.talk import talk_figures

ECT = "ect1@northfield.example"  # Sam Taylor
MENTOR = "mentor1@northfield.example"  # Daniel Okafor, Sam's mentor
PEER = "ect2@northfield.example"
NOBODY_ELSE = (
    "mentor2@northfield.example",
    "coordinator@northfield.example",
    "induction-lead@northfield-trust.example",
    "reviewer@northfield.example",
    "admin@coachreel.example",
    "ect1@riverside.example",
)


def lesson_transcript() -> Transcript:
    """20 s: a question at 1-2.5 s, a 3 s wait, an answer, a statement, another question."""
    return make(
        20.0,
        [(1.0, 1.3, "Why"), (1.4, 1.6, "is"), (1.7, 2.0, "it"), (2.1, 2.5, "dark?")],
        [(5.5, 6.0, "Because"), (6.1, 6.3, "the"), (6.4, 7.0, "sun")],
        [(7.5, 8.0, "Good."), (8.2, 8.6, "Now"), (8.7, 9.0, "write"), (9.1, 9.6, "it.")],
        [(12.0, 12.3, "What"), (12.4, 12.6, "do"), (12.7, 12.9, "you"), (13.0, 13.5, "notice?")],
        [(14.5, 15.0, "Shadows")],
    )


@pytest.fixture
def clip_id(session, ctx, demo) -> int:
    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        title="Year 8 light",
        duration=20.0,
        consent_after=ConsentState.ALL_CONSENTED,
        transcript=[transcripts.SegmentData(1, 15, "Why is it dark?")],
    )
    figures.save_talk(session, clip.id, talk_figures(analyse_talk(lesson_transcript())))
    return clip.id


def _share(client, pairing_id: int, shared: bool, json: bool = True):
    data = {"next": "/clips/"}
    if shared:
        data["shared"] = "y"
    return post(client, f"/talk/pairings/{pairing_id}/share", data, headers=JSON if json else {})


def _panel(page: str) -> str:
    start = page.find('id="talk"')
    return "" if start < 0 else page[start : page.index("</section>", start)]


def test_the_owner_sees_the_figures_the_strip_and_the_questions(client, auth, clip_id):
    auth.login(ECT)
    panel = _panel(client.get(f"/clips/{clip_id}").text)
    assert "Only you see these figures" in panel
    # Speech: 1.0-2.5, 5.5-7.0, 7.5-9.6, 12.0-13.5, 14.5-15.0 = 7.1 s of 20.
    assert "<strong>36%</strong> of the time" in panel
    assert "<strong>2</strong>" in panel  # questions
    assert "60.0 per 10 minutes" in panel
    # Waits: 5.5 - 2.5 = 3.0 and 14.5 - 13.5 = 1.0, median 2.0.
    assert "<strong>2.0 s</strong> median" in panel
    assert '<span class="wait long">3.0 s</span>' in panel
    assert '<span class="wait mid">1.0 s</span>' in panel
    # The strip: one button per stretch of talk and per question, each seeking its start.
    spans = re.findall(r'class="talk-span talk-speech seek" data-seek="([\d.]+)"', panel)
    assert [float(s) for s in spans] == [1.0, 5.5, 7.5, 12.0, 14.5]
    marks = re.findall(r'class="talk-question seek" data-seek="([\d.]+)"', panel)
    assert [float(m) for m in marks] == [1.0, 12.0]
    assert "cannot be told apart" in panel


def test_json_for_scripts(client, auth, clip_id):
    auth.login(ECT)
    data = client.get(f"/clips/{clip_id}/talk", headers=JSON).get_json()
    assert data["clip_id"] == clip_id
    assert [q["wait"] for q in data["talk"]["questions"]] == [3.0, 1.0]


@pytest.mark.parametrize("email", NOBODY_ELSE)
def test_nobody_else_sees_the_figures(client, auth, clip_id, email):
    auth.login(email)
    page = client.get(f"/clips/{clip_id}")
    if page.status_code == 200:  # they see the clip, but not its talk figures
        assert _panel(page.text) == "" and "talk.js" not in page.text
    assert client.get(f"/clips/{clip_id}/talk").status_code == 404
    assert client.get(f"/clips/{clip_id}/talk", headers=JSON).status_code == 404


def test_the_mentor_sees_them_only_while_the_ect_shares_them(client, auth, session, clip_id):
    pairing = mentorship_between(session, ECT, MENTOR)
    auth.login(MENTOR)
    assert _panel(client.get(f"/clips/{clip_id}").text) == ""
    assert client.get(f"/clips/{clip_id}/talk").status_code == 404

    auth.login(MENTOR)
    assert _share(client, pairing.id, True).status_code == 403  # the ECT's choice, not theirs
    auth.login(PEER)
    assert _share(client, pairing.id, True).status_code == 404  # not their pairing

    auth.login(ECT)
    response = _share(client, pairing.id, True)
    assert response.get_json() == {"mentorship_id": pairing.id, "shared": True}
    assert "Shared with Daniel Okafor" in _panel(client.get(f"/clips/{clip_id}").text)
    auth.login(MENTOR)
    panel = _panel(client.get(f"/clips/{clip_id}").text)
    assert "Shared with you by Sam Taylor" in panel and "<strong>2</strong>" in panel
    assert client.get(f"/clips/{clip_id}/talk", headers=JSON).status_code == 200

    auth.login(ECT)
    response = _share(client, pairing.id, False, json=False)
    assert response.status_code == 302 and response.headers["Location"] == "/clips/"
    auth.login(MENTOR)
    assert client.get(f"/clips/{clip_id}/talk").status_code == 404
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.SHARE_TALK)
    ).all()
    assert [e.detail for e in events] == [
        "shared talk figures with Daniel Okafor",
        "stopped sharing talk figures with Daniel Okafor",
    ]


def test_a_colleague_lent_the_clip_does_not_see_the_figures(client, auth, session, clip_id):
    shares.share_clip(session, user(session, ECT), clip_id, user(session, PEER).id, days=7)
    auth.login(PEER)
    page = client.get(f"/clips/{clip_id}")
    assert page.status_code == 200 and _panel(page.text) == ""
    assert client.get(f"/clips/{clip_id}/talk").status_code == 404


def test_before_the_transcript_the_panel_says_when_figures_come(client, auth, session, ctx, demo):
    clip = ready_clip(session, ctx.storage, ECT, title="Just uploaded")
    clip.transcript_status = TranscriptStatus.PROCESSING
    session.commit()
    auth.login(ECT)
    panel = _panel(client.get(f"/clips/{clip.id}").text)
    assert 'id="talk-pending"' in panel and "when the transcript is ready" in panel


def test_coordinators_say_how_teachers_are_recorded(client, auth, session, demo):
    school = session.scalar(select(School).where(School.name.like("Northfield%")))
    auth.login("coordinator@northfield.example")
    page = client.get(f"/privacy/schools/{school.id}").text
    assert "How are teachers recorded?" in page
    token = csrf_token(page)
    fields = {"csrf_token": token, "original_retention_days": "30", "clip_retention_days": "90"}
    saved = client.post(
        f"/privacy/schools/{school.id}", data={**fields, "teacher_microphone": "lapel_left"}
    )
    assert saved.status_code == 302
    session.expire_all()
    assert session.get(School, school.id).teacher_microphone == "lapel_left"
    # A script changing retention alone leaves the microphone as it was.
    client.post(f"/privacy/schools/{school.id}", data=fields)
    session.expire_all()
    assert session.get(School, school.id).teacher_microphone == "lapel_left"
    refused = client.post(
        f"/privacy/schools/{school.id}", data={**fields, "teacher_microphone": "radio"}
    )
    assert refused.status_code == 400 and "Not a valid choice" not in refused.text
