"""Cutting a highlight in a real Chromium with a real worker: the mentor saves a range comment
of an ECT's lesson as a model clip, the page goes to the new clip while it is cut and prepared,
and it plays with the comment carried over; the ECT sees where it came from; deleting the
lesson asks what becomes of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.clips.transcripts import SegmentData
from service.feedback import comments
from tests.factories import generated_clip, ready_clip, user
from tests.web.browsing import sign_in

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"

pytestmark = pytest.mark.browser


def test_a_mentor_cuts_a_range_comment_into_a_model_clip_that_plays(
    ctx, session, live_server, browser, demo, worker, tmp_path: Path
):
    generated_clip(tmp_path / "lesson.mp4", duration=10.0)
    lesson = ready_clip(
        session, ctx.storage, ECT, title="Y9 plenary", duration=10.0, video=tmp_path / "lesson.mp4"
    )
    comments.add_comment(
        session,
        user(session, MENTOR),
        lesson.id,
        at_seconds=4,
        end_seconds=8,
        body="Cold call done well",
        kind="praise",
    )
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, MENTOR, then=f"/clips/{lesson.id}")
    page.locator("#comment-list .cut-highlight").click()  # "Save as highlight" on the range
    assert page.locator("#highlight").get_attribute("open") is not None
    assert page.locator("#highlight-start").input_value() == "0:04"
    assert page.locator("#highlight-end").input_value() == "0:08"
    assert page.locator("#highlight-title").input_value() == "Cold call done well"
    page.locator("#highlight-kind").select_option("model")
    page.locator("#highlight-submit").click()
    source_url = f"{live_server}/clips/{lesson.id}"
    page.wait_for_url(lambda url: "/clips/" in url and url != source_url, timeout=10_000)
    assert "Cut from" in page.locator("#cut-from").inner_text()
    # Cut and prepared by the worker; the page switches to the player by itself.
    page.wait_for_function(
        "document.getElementById('clip').dataset.status === 'ready'", timeout=90_000
    )
    page.evaluate("document.getElementById('video').muted = true")
    page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=20_000)
    duration = page.evaluate("document.getElementById('video').duration")
    assert 3.5 <= duration <= 8.5, duration  # from a keyframe at or before 0:04, to 0:08
    page.evaluate("document.getElementById('video').play()")
    page.wait_for_function("document.getElementById('video').currentTime > 0.5", timeout=15_000)
    page.locator("#comment-list").filter(has_text="Cold call done well").wait_for()
    assert "Model clip" in page.locator(".page-head .sub").first.inner_text()
    highlight_url = page.url
    page.context.close()

    # The ECT whose lesson it is sees it, with a link back; deleting the lesson asks.
    ect = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(ect, live_server, ECT, then=highlight_url.removeprefix(live_server))
    ect.locator("#cut-from a").click()
    ect.wait_for_url(f"{live_server}/clips/{lesson.id}*")
    ect.goto(f"{live_server}/clips/{lesson.id}/delete")
    choice = ect.locator("#highlights-choice")
    assert "1 highlight was cut from it" in choice.inner_text()
    assert ect.locator('input[name="highlights"][value="keep"]').is_checked()
    ect.locator("#delete-form button[type=submit]").click()
    ect.goto(highlight_url)
    assert "(since deleted)" in ect.locator("#cut-from").inner_text()
    ect.context.close()


def test_an_ect_takes_a_highlights_in_and_out_from_transcript_lines_and_the_playhead(
    ctx, session, live_server, browser, demo, tmp_path: Path
):
    generated_clip(tmp_path / "lesson.mp4", duration=10.0)
    lines = [
        SegmentData(1.0, 2.5, "Eyes on me."),
        SegmentData(3.0, 5.0, "Who can tell me why?"),
        SegmentData(6.0, 7.5, "Good, Sam."),
        SegmentData(8.0, 9.5, "Pens down."),
    ]
    lesson = ready_clip(
        session,
        ctx.storage,
        ECT,
        title="Y9 plenary",
        duration=10.0,
        video=tmp_path / "lesson.mp4",
        transcript=lines,
    )
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, live_server, ECT, then=f"/clips/{lesson.id}")
    assert page.locator("#highlight-kind").count() == 0  # an ECT saves highlights only
    page.locator("#highlight summary").click()
    page.locator("#transcript-list li.segment").nth(2).wait_for()
    # Select from the second line to the third, as a person drags over them.
    page.evaluate(
        """() => {
          const items = document.querySelectorAll('#transcript-list li.segment .line');
          const range = document.createRange();
          range.setStart(items[1].firstChild, 0);
          range.setEnd(items[2].firstChild, 4);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }"""
    )
    page.locator("#highlight-from-transcript").click()
    assert page.locator("#highlight-start").input_value() == "0:03"
    assert page.locator("#highlight-end").input_value() == "0:08"  # the next line's start
    assert page.locator("#highlight-title").input_value().startswith("Who can tell me why?")
    # The playhead sets the end instead.
    page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=15_000)
    page.evaluate("document.getElementById('video').currentTime = 7.5")
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 7.5) < 0.05")
    page.locator("#highlight-end-playhead").click()
    assert page.locator("#highlight-end").input_value() == "0:07.5"
    # A wrong time is refused with words, and nothing is saved.
    page.locator("#highlight-start").fill("7:99")
    page.locator("#highlight-submit").click()
    page.locator("#highlight-error").filter(has_text="minutes and seconds").wait_for()
    assert page.url.endswith(f"/clips/{lesson.id}")
    page.context.close()
