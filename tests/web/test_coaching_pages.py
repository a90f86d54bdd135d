"""The coaching pages: home pages, setting and closing steps, meetings, libraries, rehearsals."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from service import coaching, comments, meetings
from service.coaching import StepInput
from service.meetings import SessionInput
from service.models import (
    ActionStep,
    ClipKind,
    CoachingSession,
    CriterionCheck,
    StepStatus,
    StepTemplate,
    User,
)
from tests import factories
from tests.conftest import csrf_token

MENTOR, ECT, ECT_Y2 = (
    "mentor1@northfield.example",
    "ect1@northfield.example",
    "ect2@northfield.example",
)
COORDINATOR = "coordinator@northfield.example"
OTHER_SCHOOL_MENTOR = "mentor1@riverside.example"


def user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def ready_clip(ctx, session, email: str, kind: ClipKind, title: str = "clip", **extra):
    return factories.ready_clip(session, ctx.storage, email, kind=kind, title=title, **extra)


def set_step(session, **changes) -> ActionStep:  # noqa: ANN003
    values = dict(
        title="Circulate to check every pupil has started",
        why="Pupils who stall early lose the whole task.",
        criteria=["Start circulating within 30 seconds", "Visit every table"],
        strand="behaviour",
        standard=7,
    )
    values.update(changes)
    return coaching.set_action_step(
        session, user(session, MENTOR), user(session, ECT).id, StepInput(**values)
    )


def token(client) -> str:
    return csrf_token(client.get("/clips/").text)


def post(client, url: str, data: dict | None = None, **kwargs):  # noqa: ANN003
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, **kwargs)


def step_form(**changes) -> dict:  # noqa: ANN003
    data = {
        "title": "Narrate the positive",
        "why": "Attention goes where praise goes.",
        "criteria": ["Within 10 seconds of the instruction", "Name two pupils", "", "", ""],
        "strand": "behaviour",
        "standard": "7",
        "review_on": "",
        "model_clip_id": "",
    }
    data.update(changes)
    return data


# --- home pages -----------------------------------------------------------------------------


def test_mentor_home_lists_ects_with_step_and_clips_awaiting_feedback(
    ctx, session, client, auth, demo
):
    lesson = ready_clip(ctx, session, ECT, ClipKind.LESSON, "Year 7 science starter")
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
    model = ready_clip(ctx, session, MENTOR, ClipKind.MODEL, "Modelling circulation")
    lesson = ready_clip(ctx, session, ECT, ClipKind.LESSON, "Year 7 science starter")
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
    ready_clip(ctx, session, ECT, ClipKind.LESSON)
    auth.login(COORDINATOR)
    page = client.get("/coaching/")
    assert page.status_code == 200
    assert f'href="/coaching/ects/{user(session, ECT).id}"' in page.text


# --- setting, editing and closing steps -----------------------------------------------------


def test_mentor_sets_a_step_with_a_model_and_saves_it_to_the_library(
    ctx, session, client, auth, demo
):
    model = ready_clip(ctx, session, MENTOR, ClipKind.MODEL, "Modelling narration")
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
    template = coaching.save_to_library(
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
    lesson = ready_clip(ctx, session, ECT, ClipKind.LESSON)
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
    assert "next step" in client.get(url).text
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


def test_mentor_records_a_meeting_in_its_fixed_shape(ctx, session, client, auth, demo):
    lesson = ready_clip(ctx, session, ECT, ClipKind.LESSON, "Observed lesson")
    other = ready_clip(ctx, session, ECT_Y2, ClipKind.LESSON, "Someone else's lesson")
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
        coaching.save_to_library(
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
    own = ready_clip(ctx, session, MENTOR, ClipKind.MODEL, "Modelling cold call")
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


def test_rehearsal_page_shows_model_beside_attempt_with_criteria_and_attempts(
    ctx, session, client, auth, demo
):
    model = ready_clip(ctx, session, MENTOR, ClipKind.MODEL, "Modelling circulation")
    step = set_step(session, model_clip_id=model.id)
    first = ready_clip(ctx, session, ECT, ClipKind.REHEARSAL, "First go", step_id=step.id)
    second = ready_clip(ctx, session, ECT, ClipKind.REHEARSAL, "Second go", step_id=step.id)
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
    attempt = ready_clip(ctx, session, ECT, ClipKind.REHEARSAL, step_id=step.id)
    lesson = ready_clip(ctx, session, ECT, ClipKind.LESSON)
    auth.login(ECT)
    page = client.get(f"/coaching/rehearsals/{attempt.id}").text
    assert "no model clip yet" in page and 'id="model-video"' not in page
    assert client.get(f"/coaching/rehearsals/{lesson.id}").status_code == 404
