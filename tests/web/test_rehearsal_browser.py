"""The rehearsal page in a real Chromium: the model and the rehearsal play, pause and seek
together with an adjustable, remembered offset, and the mentor's ticks persist."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service.models import ActionStep, ClipKind, ConsentState, User
from tests.factories import generated_clip, ready_clip
from tests.web.browsing import sign_in

MENTOR, ECT = "mentor1@northfield.example", "ect1@northfield.example"

pytestmark = pytest.mark.browser


def playable_clip(ctx, session, email: str, kind: ClipKind, path: Path, **extra) -> int:
    """Upload a real generated video as ``email`` and mark it ready with the MP4 as its video."""
    generated_clip(path, duration=8.0)
    return ready_clip(
        session,
        ctx.storage,
        email,
        kind=kind,
        title=f"{kind.label} clip",
        duration=8.0,
        video=path,
        **extra,
    ).id


IN_SYNC = (
    "(() => { const r = document.getElementById('rehearsal-video');"
    " const m = document.getElementById('model-video');"
    " return Math.abs(m.currentTime - (r.currentTime + {offset})) < 0.3; })()"
)


def times(page) -> tuple[float, float]:
    return tuple(
        page.evaluate(
            "[document.getElementById('rehearsal-video').currentTime,"
            " document.getElementById('model-video').currentTime]"
        )
    )


def test_model_and_rehearsal_play_in_sync_and_the_mentor_ticks_criteria(
    ctx, session, live_server, browser, demo, run_jobs, tmp_path: Path
):
    shots = Path(os.environ.get("COACHREEL_SCREENSHOTS", tmp_path))
    model_id = playable_clip(
        ctx,
        session,
        MENTOR,
        ClipKind.MODEL,
        tmp_path / "model.mp4",
        consent_state=ConsentState.NO_PUPILS,  # only such a model may go on a step
    )
    ect_id = session.scalar(select(User.id).where(User.email == ECT))

    # The mentor sets a step with their model clip through the form.
    mentor = browser.new_context(viewport={"width": 1280, "height": 900})
    page = mentor.new_page()
    sign_in(page, live_server, MENTOR)
    page.goto(f"{live_server}/coaching/ects/{ect_id}/steps/new")
    page.fill("input[name=title]", "Circulate to check every pupil has started")
    criteria = page.locator("input[name=criteria]")
    criteria.nth(0).fill("Start circulating within 30 seconds")
    criteria.nth(1).fill("Visit every table")
    page.select_option("select[name=strand]", "behaviour")
    page.select_option("select[name=standard]", "7")
    page.select_option("select[name=model_clip_id]", str(model_id))
    page.click("text=Set the step")
    page.wait_for_url(f"{live_server}/coaching/ects/{ect_id}")
    assert "Circulate to check every pupil has started" in page.inner_text("#timeline")

    # The ECT uploads a rehearsal of it: the upload page offers their step.
    session.expire_all()
    step = session.scalar(select(ActionStep).where(ActionStep.ect_id == ect_id))
    ect = browser.new_context(viewport={"width": 1280, "height": 900})
    ect_page = ect.new_page()
    sign_in(ect_page, live_server, ECT)
    ect_page.goto(f"{live_server}/clips/upload")
    ect_page.select_option("select[name=kind]", "rehearsal")
    assert ect_page.input_value("select[name=step]") == str(step.id)
    ect_page.fill("input[name=title]", "Circulating, attempt 1")
    ect_page.set_input_files(
        "input[type=file]", str(generated_clip(tmp_path / "r.mp4", duration=8.0))
    )
    ect_page.click("#upload-button")
    ect_page.wait_for_url(re.compile(r".*/clips/\d+$"))
    rehearsal_id = int(ect_page.url.rsplit("/", 1)[1])
    run_jobs()  # a real worker makes it playable
    ect_page.wait_for_selector("#player:not([hidden])")
    ect.close()

    # Both videos load side by side, and seeking either moves the other.
    page.goto(f"{live_server}/coaching/rehearsals/{rehearsal_id}")
    page.wait_for_function(
        "(document.getElementById('rehearsal-video') || {}).readyState >= 2"
        " && (document.getElementById('model-video') || {}).readyState >= 2"
    )
    assert page.input_value("#offset") == "0.0"
    page.evaluate("document.getElementById('rehearsal-video').currentTime = 3")
    page.wait_for_function(IN_SYNC.replace("{offset}", "0"))
    assert times(page)[1] == pytest.approx(3, abs=0.3)
    page.evaluate("document.getElementById('model-video').currentTime = 5")
    page.wait_for_function(
        "Math.abs(document.getElementById('rehearsal-video').currentTime - 5) < 0.3"
    )
    page.wait_for_function(IN_SYNC.replace("{offset}", "0"))

    # Playing and pausing with the shared control moves both together.
    page.evaluate("document.getElementById('rehearsal-video').currentTime = 1")
    page.wait_for_function(IN_SYNC.replace("{offset}", "0"))
    page.click("#play-both")
    page.wait_for_function(
        "!document.getElementById('model-video').paused"
        " && document.getElementById('rehearsal-video').currentTime > 2"
    )
    assert page.evaluate("document.getElementById('rehearsal-video').paused") is False
    rehearsal_at, model_at = times(page)
    assert model_at == pytest.approx(rehearsal_at, abs=0.3)
    page.click("#play-both")
    page.wait_for_function(
        "document.getElementById('rehearsal-video').paused"
        " && document.getElementById('model-video').paused"
    )
    page.wait_for_function(IN_SYNC.replace("{offset}", "0"))

    # An offset puts the model ahead; the rehearsal's moments map onto the model's.
    page.fill("#offset", "1.5")
    page.dispatch_event("#offset", "change")
    page.wait_for_function(IN_SYNC.replace("{offset}", "1.5"))
    page.evaluate("document.getElementById('rehearsal-video').currentTime = 2")
    page.wait_for_function(
        "Math.abs(document.getElementById('model-video').currentTime - 3.5) < 0.3"
    )
    page.click("#offset-plus")
    assert page.input_value("#offset") == "2.0"
    page.wait_for_function("Math.abs(document.getElementById('model-video').currentTime - 4) < 0.3")
    page.evaluate("document.getElementById('model-video').currentTime = 6.5")
    page.wait_for_function(
        "Math.abs(document.getElementById('rehearsal-video').currentTime - 4.5) < 0.3"
    )

    # The mentor ticks a criterion; it is saved for this attempt.
    with page.expect_response(f"**/coaching/rehearsals/{rehearsal_id}/criteria/1") as answer:
        page.check("#criteria input.tick[data-index='1']")
    assert answer.value.status == 200
    # The count is updated once the response has been read, a moment after it arrives.
    page.wait_for_function(
        "document.getElementById('tick-count').innerText === '1 of 2 met in this attempt.'"
    )
    page.screenshot(path=str(shots / "rehearsal-mentor.png"))

    # After a reload the offset is remembered and the tick persists.
    page.reload()
    page.wait_for_function(
        "(document.getElementById('rehearsal-video') || {}).readyState >= 1"
        " && (document.getElementById('model-video') || {}).readyState >= 1"
    )
    assert page.input_value("#offset") == "2.0"
    assert page.is_checked("#criteria input.tick[data-index='1']")
    assert not page.is_checked("#criteria input.tick[data-index='0']")
    page.evaluate("document.getElementById('rehearsal-video').currentTime = 1")
    page.wait_for_function(IN_SYNC.replace("{offset}", "2"))

    # The mentor gives feedback on this attempt from its watch page; the rehearsal page lists it.
    page.goto(f"{live_server}/clips/{rehearsal_id}")
    page.wait_for_function("(document.getElementById('video') || {}).readyState >= 1")
    page.evaluate("document.getElementById('video').currentTime = 2")
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 2) < 0.1")
    page.keyboard.press("c")
    page.keyboard.type("You reached the back table within 20 seconds.")
    page.keyboard.press("Control+Enter")
    page.locator("#comment-list .comment", has_text="back table").wait_for()
    page.click("text=open beside the model")
    page.wait_for_url(f"{live_server}/coaching/rehearsals/{rehearsal_id}")
    assert "You reached the back table within 20 seconds." in page.content()
    mentor.close()

    # The ECT sees the ticks but cannot change them.
    ect = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ect.new_page()
    sign_in(page, live_server, ECT)
    page.goto(f"{live_server}/coaching/rehearsals/{rehearsal_id}")
    tick = page.locator("#criteria input.tick[data-index='1']")
    assert tick.is_checked() and tick.is_disabled()
    ect.close()
