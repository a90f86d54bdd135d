"""The weekly cycle in a real Chromium (issue 18): the ECT's "Upload a rehearsal" files attempt 1
of their step, and a mentor's "Make this the next step" opens a form that starts from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service.feedback import comments
from service.models import ActionStep, Clip, ClipKind, CommentKind, ConsentState
from tests.factories import generated_clip, ready_clip, user
from tests.web.browsing import sign_in
from tests.web.coaching_pages import ECT, MENTOR, set_step

pytestmark = pytest.mark.browser


def test_upload_a_rehearsal_files_attempt_one_of_the_step_beside_its_model(
    ctx, session, live_server, browser, demo, tmp_path: Path
):
    model = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling circulation",
        consent_state=ConsentState.NO_PUPILS,
    )
    step = set_step(session, model_clip_id=model.id)
    clip_file = generated_clip(tmp_path / "take1.mp4", duration=2)
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    try:
        sign_in(page, live_server, ECT)
        page.goto(f"{live_server}/coaching/")
        page.click("text=Upload a rehearsal")
        page.wait_for_url(re.compile(r".*/clips/upload\?.*"))
        assert page.input_value("select[name=kind]") == "rehearsal"
        assert page.is_visible("#step-field")
        assert page.input_value("select[name=step]") == str(step.id)
        page.fill("input[name=title]", "Circulating, take one")
        page.set_input_files("input[type=file]", str(clip_file))
        page.click("#upload-button")
        page.wait_for_url(re.compile(r".*/clips/\d+$"), timeout=60_000)
        assert page.is_visible("text=Attempt 1: open beside the model")
    finally:
        context.close()
    session.expire_all()
    clip = session.scalar(select(Clip).where(Clip.title == "Circulating, take one"))
    assert (clip.kind, clip.step_id, clip.attempt) == (ClipKind.REHEARSAL, step.id, 1)


def test_make_this_the_next_step_opens_a_form_that_starts_from_the_comment(
    ctx, session, live_server, browser, demo
):
    lesson = ready_clip(session, ctx.storage, ECT, title="Year 7 forces", duration=300.0)
    comments.add_comment(
        session,
        user(session, MENTOR),
        lesson.id,
        at_seconds=75,
        body="Next step: pause for three seconds before naming a pupil.",
        kind=CommentKind.NEXT_STEP,
    )
    set_step(session, title="Circulate in the first minute")
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in(page, live_server, MENTOR)
        page.goto(f"{live_server}/clips/{lesson.id}")
        page.click("text=Make this the next step")
        page.wait_for_url(re.compile(r".*/steps/new\?comment=\d+$"))
        assert page.input_value("input[name=title]") == (
            "Pause for three seconds before naming a pupil."
        )
        moment = page.locator("#step-source a")
        assert moment.inner_text() == "01:15 in “Year 7 forces”"
        assert moment.get_attribute("href") == f"/clips/{lesson.id}?t=75.0"
        # One step at a time: say what became of the current one, then set this one.
        page.fill("input[name=criteria] >> nth=0", "Count to three before naming anyone")
        page.check("input[name=current_outcome][value=met]")
        page.click("text=Set the step")
        page.wait_for_url(re.compile(r".*/coaching/ects/\d+$"))
        assert page.locator(".step-status.active").count() == 1
        assert page.locator(".step-status.met").count() == 1
    finally:
        context.close()
    session.expire_all()
    new = session.scalar(select(ActionStep).where(ActionStep.source_comment_id.is_not(None)))
    assert new.title == "Pause for three seconds before naming a pupil."
