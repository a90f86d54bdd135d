"""The coaching pages: home pages, and setting, editing, closing and repeating steps."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from service.coaching import library, meetings
from service.coaching.meetings import SessionInput
from service.coaching.steps import StepInput
from service.feedback import comments
from service.models import (
    ActionStep,
    ClipKind,
    ConsentState,
    StepStatus,
    StepTemplate,
)
from tests.factories import ready_clip, user
from tests.web.coaching_pages import (
    COORDINATOR,
    ECT,
    MENTOR,
    OTHER_SCHOOL_MENTOR,
    set_step,
    step_form,
)
from tests.web.forms import post

# --- home pages -----------------------------------------------------------------------------


def test_mentor_home_lists_ects_with_step_and_clips_awaiting_feedback(
    ctx, session, client, auth, demo
):
    lesson = ready_clip(
        session, ctx.storage, ECT, kind=ClipKind.LESSON, title="Year 7 science starter"
    )
    set_step(session)
    auth.login(MENTOR)
    page = client.get("/coaching/")
    assert page.status_code == 200
    assert "Sam Taylor" in page.text and "Aisha Begum" in page.text
    assert "Year 1" in page.text and "Year 2" in page.text
    assert "Circulate to check every pupil has started" in page.text
    assert f'href="/clips/{lesson.id}"' in page.text
    ect_id = user(session, ECT).id
    for link in (
        f"/coaching/ects/{ect_id}/steps/new",
        f"/coaching/ects/{ect_id}/sessions/new",
        f"/coaching/ects/{ect_id}",
    ):
        assert f'href="{link}"' in page.text
    assert "Set a step" in page.text and "Record a meeting" in page.text


def test_ect_home_shows_step_feedback_clips_and_meetings(ctx, session, client, auth, demo):
    model = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling circulation",
        consent_state=ConsentState.NO_PUPILS,
    )
    lesson = ready_clip(
        session, ctx.storage, ECT, kind=ClipKind.LESSON, title="Year 7 science starter"
    )
    step = set_step(session, model_clip_id=model.id)
    comments.add_comment(
        session, user(session, MENTOR), lesson.id, at_seconds=12.5, body="Crisp countdown."
    )
    meetings.record_session(
        session,
        user(session, MENTOR),
        user(session, ECT).id,
        SessionInput(held_on=date.today(), praise="Great routines.", step_id=step.id),
    )
    auth.login(ECT)
    page = client.get("/coaching/").text
    assert step.title in page and "Visit every table" in page
    assert f'href="/clips/{model.id}"' in page  # the model clip attached to the step
    assert f'href="/clips/{lesson.id}?t=12.5"' in page and "Crisp countdown." in page
    assert "Year 7 science starter" in page
    assert "Great routines." in page and "Save reflection" in page


def test_coordinators_get_a_page_linking_to_the_timelines_they_may_see(
    ctx, session, client, auth, demo
):
    ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON)
    auth.login(COORDINATOR)
    page = client.get("/coaching/")
    assert page.status_code == 200
    assert f'href="/coaching/ects/{user(session, ECT).id}"' in page.text


# --- setting, editing and closing steps -----------------------------------------------------


def test_mentor_sets_a_step_with_a_model_and_saves_it_to_the_library(
    ctx, session, client, auth, demo
):
    model = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling narration",
        consent_state=ConsentState.NO_PUPILS,
    )
    ect_id = user(session, ECT).id
    auth.login(MENTOR)
    form = client.get(f"/coaching/ects/{ect_id}/steps/new")
    assert form.status_code == 200 and "Modelling narration" in form.text
    assert "Fulfil wider professional responsibilities" in form.text  # standard names
    response = post(
        client,
        f"/coaching/ects/{ect_id}/steps/new",
        step_form(model_clip_id=str(model.id), save_to_library="y"),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/coaching/ects/{ect_id}")
    session.expire_all()
    step = session.scalar(select(ActionStep))
    assert step.criteria == ["Within 10 seconds of the instruction", "Name two pupils"]
    assert step.model_clip_id == model.id and step.review_on == date.today() + timedelta(days=7)
    assert session.scalar(
        select(StepTemplate.id).where(StepTemplate.title == "Narrate the positive")
    )
    timeline = client.get(f"/coaching/ects/{ect_id}").text
    assert "Narrate the positive" in timeline and "Modelling narration" in timeline


def test_the_step_form_offers_only_models_whose_consent_allows_and_says_why(
    ctx, session, client, auth, demo
):
    unrecorded = ready_clip(
        session, ctx.storage, MENTOR, kind=ClipKind.MODEL, title="Modelling, consent unknown"
    )
    ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling, no pupils",
        consent_state=ConsentState.NO_PUPILS,
    )
    ect_id = user(session, ECT).id
    auth.login(MENTOR)
    form = client.get(f"/coaching/ects/{ect_id}/steps/new").text
    picker = form[
        form.index('name="model_clip_id"') : form.index("</select>", form.index("model_clip_id"))
    ]
    assert "Modelling, no pupils" in picker and "Modelling, consent unknown" not in picker
    held_back = form[form.index('id="models-held-back"') :]
    assert "the school has not recorded consent that lets them be shown to an ECT" in held_back
    assert "Not offered: “Modelling, consent unknown”." in held_back
    # Sending it anyway is refused with the reason, and no step is set.
    response = post(
        client, f"/coaching/ects/{ect_id}/steps/new", step_form(model_clip_id=str(unrecorded.id))
    )
    assert response.status_code == 400
    assert "ask your induction coordinator to record consent" in response.text
    assert session.scalar(select(ActionStep)) is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": "   "}, "Please give the step a short title."),
        ({"criteria": ["a", "b", "c", "d", "e", "f"]}, "at most 5 success criteria"),
        ({"criteria": ["", "", "", "", ""]}, "at least one success criterion"),
        ({"review_on": (date.today() - timedelta(days=1)).isoformat()}, "cannot be in the past"),
        ({"review_on": "next tuesday"}, "Please give the review date as a date"),
        ({"strand": "wellbeing"}, "ECF strand"),
        ({"standard": "9"}, "Teachers&#39; Standard"),
    ],
)
def test_a_refused_step_keeps_what_was_typed(session, client, auth, demo, changes, message):
    ect_id = user(session, ECT).id
    auth.login(MENTOR)
    data = step_form(why="Because attention follows praise.", **changes)
    response = post(client, f"/coaching/ects/{ect_id}/steps/new", data)
    assert response.status_code == 400
    assert message in response.text
    assert "Because attention follows praise." in response.text
    for criterion in data["criteria"]:
        if criterion:
            assert f'value="{criterion}"' in response.text
    assert session.scalar(select(ActionStep)) is None


def test_a_refused_step_answers_json_to_a_script(session, client, auth, demo):
    auth.login(MENTOR)
    response = post(
        client,
        f"/coaching/ects/{user(session, ECT).id}/steps/new",
        step_form(title=""),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json["error"] == "Please give the step a short title."


def test_only_the_ects_mentor_sets_steps(session, client, auth, demo):
    ect_id = user(session, ECT).id
    auth.login(ECT)
    assert client.get(f"/coaching/ects/{ect_id}/steps/new").status_code == 403
    auth.logout()
    auth.login("mentor2@northfield.example")  # may not see this ECT's record at all
    assert post(client, f"/coaching/ects/{ect_id}/steps/new", step_form()).status_code == 404
    auth.logout()
    auth.login(COORDINATOR)
    assert post(client, f"/coaching/ects/{ect_id}/steps/new", step_form()).status_code == 403
    assert session.scalar(select(ActionStep)) is None


def test_a_step_starts_from_the_library_or_from_a_next_step_comment(
    ctx, session, client, auth, demo
):
    mentor = user(session, MENTOR)
    template = library.save_to_library(
        session,
        mentor,
        StepInput(
            title="Cold call after wait time",
            why="Everyone thinks.",
            criteria=["Ask, pause three seconds, then name a pupil"],
            strand="instruction",
            standard=2,
        ),
    )
    lesson = ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON)
    comment = comments.add_comment(
        session, mentor, lesson.id, at_seconds=3, body="Next: pause before naming."
    )
    ect_id = user(session, ECT).id
    auth.login(MENTOR)
    page = client.get(f"/coaching/ects/{ect_id}/steps/new?template={template.id}").text
    assert 'value="Cold call after wait time"' in page
    assert 'value="Ask, pause three seconds, then name a pupil"' in page
    assert re.search(r'<option selected value="instruction">|value="instruction" selected', page)
    url = f"/coaching/ects/{ect_id}/steps/new?comment={comment.id}"
    assert "This step comes from" in client.get(url).text
    assert post(client, url, step_form()).status_code == 302
    session.expire_all()
    assert session.scalar(select(ActionStep)).source_comment_id == comment.id
    assert "Next: pause before naming." in client.get(f"/coaching/ects/{ect_id}").text


def test_edit_close_and_repeat_steps(session, client, auth, demo):
    step = set_step(session)
    ect_id = step.ect_id
    auth.login(MENTOR)
    form = client.get(f"/coaching/steps/{step.id}/edit").text
    assert f'value="{step.title}"' in form and 'value="Visit every table"' in form
    assert f'value="{step.review_on.isoformat()}"' in form
    edited = post(
        client,
        f"/coaching/steps/{step.id}/edit",
        step_form(title="Circulate in the first minute", review_on=step.review_on.isoformat()),
    )
    assert edited.status_code == 302
    refused = post(client, f"/coaching/steps/{step.id}/edit", step_form(title=""))
    assert refused.status_code == 400 and "short title" in refused.text

    timeline = client.get(f"/coaching/ects/{ect_id}").text
    assert "Circulate in the first minute" in timeline
    assert f'action="/coaching/steps/{step.id}/close"' in timeline
    repeated = post(client, f"/coaching/steps/{step.id}/repeat")
    assert repeated.status_code == 302
    session.expire_all()
    again = session.scalar(select(ActionStep).where(ActionStep.previous_step_id == step.id))
    assert again.status == StepStatus.ACTIVE
    assert session.get(ActionStep, step.id).status == StepStatus.REPEATED

    bad = post(client, f"/coaching/steps/{again.id}/close", {"outcome": "abandoned"})
    assert bad.status_code == 400 and "met or moved on" in bad.text
    closed = post(
        client,
        f"/coaching/steps/{again.id}/close",
        {"outcome": "moved_on"},
        headers={"Accept": "application/json"},
    )
    assert closed.status_code == 200 and closed.json["step"]["status"] == "moved_on"
    again_closed = post(client, f"/coaching/steps/{again.id}/close", {"outcome": "met"})
    assert again_closed.status_code == 400 and "Only an active step" in again_closed.text
    timeline = client.get(f"/coaching/ects/{ect_id}").text
    assert "Moved on" in timeline and "Repeated" in timeline
    assert 'action="/coaching/steps/' not in timeline  # no actions on closed steps


def test_the_ect_and_coordinator_see_the_timeline_without_mentor_actions(
    session, client, auth, demo
):
    step = set_step(session)
    for email in (ECT, COORDINATOR):
        auth.login(email)
        page = client.get(f"/coaching/ects/{step.ect_id}")
        assert page.status_code == 200 and step.title in page.text
        assert "/close" not in page.text and "Set a step" not in page.text
        assert post(client, f"/coaching/steps/{step.id}/close", {"outcome": "met"}).status_code == (
            403
        )
        auth.logout()
    auth.login(OTHER_SCHOOL_MENTOR)
    assert client.get(f"/coaching/ects/{step.ect_id}").status_code == 404


# --- the meeting record and the ECT's reflection --------------------------------------------
