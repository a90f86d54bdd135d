"""The coaching pages around a step: the meeting record and reflection, the step and model
libraries, and the rehearsal page."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from service.coaching import library, meetings
from service.coaching.meetings import SessionInput
from service.coaching.steps import StepInput
from service.feedback import comments
from service.models import (
    BlurStatus,
    ClipKind,
    CoachingSession,
    ConsentState,
    CriterionCheck,
    StepTemplate,
)
from tests.factories import ready_clip, user
from tests.web.coaching_pages import (
    COORDINATOR,
    ECT,
    ECT_Y2,
    MENTOR,
    OTHER_SCHOOL_MENTOR,
    set_step,
)
from tests.web.forms import post

NO_PUPILS = ConsentState.NO_PUPILS


def test_mentor_records_a_meeting_in_its_fixed_shape(ctx, session, client, auth, demo):
    lesson = ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON, title="Observed lesson")
    other = ready_clip(
        session, ctx.storage, ECT_Y2, kind=ClipKind.LESSON, title="Someone else's lesson"
    )
    step = set_step(session)
    ect_id = step.ect_id
    auth.login(MENTOR)
    form = client.get(f"/coaching/ects/{ect_id}/sessions/new").text
    assert f'value="{date.today().isoformat()}"' in form
    assert "Observed lesson" in form and "Someone else's lesson" not in form
    assert re.search(rf'<option selected value="{step.id}">|value="{step.id}" selected', form)
    data = {
        "held_on": date.today().isoformat(),
        "observation_clip_ids": [str(lesson.id)],
        "praise": "Your countdown was crisp.",
        "step_id": str(step.id),
        "model_clip_id": "",
        "practice_rounds": "3",
        "practice_notes": "Third round: within 20 s.",
    }
    future = post(
        client,
        f"/coaching/ects/{ect_id}/sessions/new",
        {**data, "held_on": (date.today() + timedelta(days=3)).isoformat()},
    )
    assert future.status_code == 400 and "in the future" in future.text
    assert "Your countdown was crisp." in future.text and "checked" in future.text
    bad_rounds = post(
        client, f"/coaching/ects/{ect_id}/sessions/new", {**data, "practice_rounds": "lots"}
    )
    assert bad_rounds.status_code == 400 and "number from 0 to 50" in bad_rounds.text
    foreign = post(
        client,
        f"/coaching/ects/{ect_id}/sessions/new",
        {**data, "observation_clip_ids": [str(other.id)]},
    )
    assert foreign.status_code == 400 and "own clips" in foreign.text
    saved = post(client, f"/coaching/ects/{ect_id}/sessions/new", data)
    assert saved.status_code == 302
    session.expire_all()
    record = session.scalar(select(CoachingSession))
    assert [c.id for c in record.observation_clips] == [lesson.id]
    assert record.practice_rounds == 3 and record.step_id == step.id
    timeline = client.get(f"/coaching/ects/{ect_id}").text
    assert "Your countdown was crisp." in timeline and "3 rounds" in timeline


def test_the_ect_reflects_on_the_latest_meeting(session, client, auth, demo):
    record = meetings.record_session(
        session,
        user(session, MENTOR),
        user(session, ECT).id,
        SessionInput(held_on=date.today(), praise="Calm start."),
    )
    url = f"/coaching/sessions/{record.id}/reflection"
    auth.login(MENTOR)
    assert post(client, url, {"reflection": "I think..."}).status_code == 403
    auth.logout()
    auth.login(ECT)
    empty = post(client, url, {"reflection": "   "})
    assert empty.status_code == 400 and "Please write your reflection first." in empty.text
    too_long = post(client, url, {"reflection": "x" * 5001})
    assert too_long.status_code == 400 and "x" * 5001 in too_long.text  # kept, not lost
    assert post(client, url, {"reflection": "I will circulate sooner."}).status_code == 302
    page = client.get("/coaching/").text
    assert "I will circulate sooner." in page and "Update reflection" in page
    auth.logout()
    auth.login(OTHER_SCHOOL_MENTOR)
    assert post(client, url, {"reflection": "x"}).status_code == 404


# --- libraries ------------------------------------------------------------------------------


def test_library_filters_and_offers_each_step_for_each_ect(session, client, auth, demo):
    mentor = user(session, MENTOR)
    for title, strand, standard in (
        ("Cold call after wait time", "instruction", 2),
        ("Circulate in the first minute", "behaviour", 7),
    ):
        library.save_to_library(
            session, mentor, StepInput(title, "", ["One criterion"], strand, standard)
        )
    auth.login(MENTOR)
    page = client.get("/coaching/library").text
    assert "Cold call after wait time" in page and "Circulate in the first minute" in page
    filtered = client.get("/coaching/library?strand=instruction").text
    assert "Cold call after wait time" in filtered
    assert "Circulate in the first minute" not in filtered
    assert "Cold call" not in client.get("/coaching/library?standard=7").text
    assert "Cold call" in client.get("/coaching/library?q=cold").text
    assert "No library steps match" in client.get("/coaching/library?q=zebra").text
    assert client.get("/coaching/library?strand=nonsense&standard=x").status_code == 200
    template = session.scalar(
        select(StepTemplate).where(StepTemplate.title == "Cold call after wait time")
    )
    for email in (ECT, ECT_Y2):
        link = f"/coaching/ects/{user(session, email).id}/steps/new?template={template.id}"
        assert f'href="{link}"' in filtered
    auth.logout()
    auth.login(ECT)
    assert "Cold call after wait time" in client.get("/coaching/library").text
    assert "Use for" not in client.get("/coaching/library").text


def test_mentors_add_steps_to_the_library(session, client, auth, demo):
    data = {
        "title": "Use a visualiser for the worked example",
        "why": "",
        "criteria": ["Model one, then say what you did", "", ""],
        "strand": "instruction",
        "standard": "4",
    }
    auth.login(ECT)
    assert post(client, "/coaching/library", data).status_code == 403
    auth.logout()
    auth.login(MENTOR)
    assert post(client, "/coaching/library", data).status_code == 302
    duplicate = post(client, "/coaching/library", data)
    assert duplicate.status_code == 400 and "already has a step with that title" in duplicate.text
    assert 'value="Model one, then say what you did"' in duplicate.text
    saved = session.scalars(select(StepTemplate).where(StepTemplate.title == data["title"])).all()
    assert [t.criteria for t in saved] == [["Model one, then say what you did"]]


def test_model_library_shares_and_tags_the_mentors_own_clips(ctx, session, client, auth, demo):
    own = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling cold call",
        consent_state=NO_PUPILS,
    )
    auth.login("mentor2@northfield.example")
    assert "Modelling cold call" not in client.get("/coaching/models").text
    assert post(client, f"/coaching/models/{own.id}/share", {"shareable": "1"}).status_code in (
        403,
        404,
    )
    auth.logout()
    auth.login(MENTOR)
    page = client.get("/coaching/models").text
    assert "Modelling cold call" in page and f'src="/clips/{own.id}/poster.jpg"' in page
    assert f'action="/coaching/models/{own.id}/share"' in page and "Only you" in page
    shared = post(
        client,
        f"/coaching/models/{own.id}/share",
        {"shareable": "1", "strand": "instruction", "standard": "2", "phase": "KS3 science"},
    )
    assert shared.status_code == 302
    assert "Shared in school" in client.get("/coaching/models").text
    assert "Modelling cold call" in client.get("/coaching/models?phase=ks3").text
    assert "Modelling cold call" not in client.get("/coaching/models?strand=behaviour").text
    bad = post(client, f"/coaching/models/{own.id}/share", {"standard": "12"})
    assert bad.status_code == 400 and "from 1 to 8" in bad.text
    auth.logout()
    auth.login("mentor2@northfield.example")
    page = client.get("/coaching/models").text
    assert "Modelling cold call" in page and "/share" not in page  # sees it, may not change it
    assert post(client, f"/coaching/models/{own.id}/share", {"shareable": ""}).status_code == 403
    auth.logout()
    auth.login(MENTOR)
    unshared = post(
        client, f"/coaching/models/{own.id}/share", {}, headers={"Accept": "application/json"}
    )
    assert unshared.json["clip"]["shareable"] is False


# --- rehearsals -----------------------------------------------------------------------------


def test_a_rehearsal_waiting_for_its_faces_to_be_blurred_plays_only_for_its_ect(
    ctx, session, client, auth, demo
):
    model = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling circulation",
        consent_state=NO_PUPILS,
    )
    step = set_step(session, model_clip_id=model.id)
    rehearsal = ready_clip(
        session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, title="First go", step_id=step.id
    )
    rehearsal.blur_status = BlurStatus.REQUESTED
    session.commit()
    auth.login(MENTOR)
    page = client.get(f"/coaching/rehearsals/{rehearsal.id}").text
    assert "Pupils' faces in this rehearsal are being blurred" in page
    assert f"/clips/{rehearsal.id}/video.mp4" not in page and 'data-linked="0"' in page
    assert f'src="/clips/{model.id}/video.mp4"' in page  # the model still plays
    auth.logout()
    auth.login(ECT)
    page = client.get(f"/coaching/rehearsals/{rehearsal.id}").text
    assert f'src="/clips/{rehearsal.id}/video.mp4"' in page and 'data-linked="1"' in page


def test_rehearsal_page_shows_model_beside_attempt_with_criteria_and_attempts(
    ctx, session, client, auth, demo
):
    model = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling circulation",
        consent_state=NO_PUPILS,
    )
    step = set_step(session, model_clip_id=model.id)
    first = ready_clip(
        session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, title="First go", step_id=step.id
    )
    second = ready_clip(
        session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, title="Second go", step_id=step.id
    )
    comments.add_comment(
        session, user(session, MENTOR), second.id, at_seconds=4, body="Faster to the back row."
    )
    auth.login(ECT)
    page = client.get(f"/coaching/rehearsals/{second.id}").text
    assert f'src="/clips/{second.id}/video.mp4"' in page
    assert f'src="/clips/{model.id}/video.mp4"' in page
    assert 'id="offset"' in page and "Visit every table" in page
    assert "disabled" in page  # the ECT sees the ticks but does not tick
    assert f'href="/coaching/rehearsals/{first.id}"' in page and "Attempt 2" in page
    assert "Faster to the back row." in page and f'href="/clips/{second.id}?t=4.0"' in page
    tick = post(client, f"/coaching/rehearsals/{second.id}/criteria/0", {"met": "1"})
    assert tick.status_code == 403
    auth.logout()

    auth.login(MENTOR)
    url = f"/coaching/rehearsals/{second.id}/criteria/1"
    response = post(client, url, {"met": "1"}, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["met"] is True
    assert session.scalar(select(CriterionCheck.criterion)) == 1
    page = client.get(f"/coaching/rehearsals/{second.id}").text
    assert re.search(r'data-index="1"[^>]*checked', page, re.S)
    assert "1 of 2 met" in page
    assert post(
        client, f"/coaching/rehearsals/{second.id}/criteria/7", {"met": "1"}
    ).status_code == (400)
    post(client, url, {"met": "0"})
    session.expire_all()
    assert session.scalar(select(CriterionCheck)) is None
    auth.logout()

    auth.login(COORDINATOR)
    assert client.get(f"/coaching/rehearsals/{second.id}").status_code == 200
    assert post(client, url, {"met": "1"}).status_code == 403
    auth.logout()
    auth.login(OTHER_SCHOOL_MENTOR)
    assert client.get(f"/coaching/rehearsals/{second.id}").status_code == 404
    assert post(client, url, {"met": "1"}).status_code == 404


def test_rehearsal_without_a_model_plays_alone_with_a_note(ctx, session, client, auth, demo):
    step = set_step(session)
    attempt = ready_clip(session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, step_id=step.id)
    lesson = ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON)
    auth.login(ECT)
    page = client.get(f"/coaching/rehearsals/{attempt.id}").text
    assert "no model clip yet" in page and 'id="model-video"' not in page
    assert client.get(f"/coaching/rehearsals/{lesson.id}").status_code == 404
