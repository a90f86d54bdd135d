"""The flows a person uses, in a real Chromium: upload, watch, comment at the playhead, seek,
reply and mark feedback seen."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.factories import librivox_reference, speech_clip
from tests.web.browsing import sign_in

pytestmark = pytest.mark.browser


def test_upload_watch_comment_at_playhead_and_seek(
    live_server, worker, browser, demo, tmp_path: Path
):
    wavs = [wav for wav, _ in librivox_reference()[:2]]
    clip_file = speech_clip(tmp_path / "lesson.mp4", wavs)
    shots = Path(os.environ.get("COACHREEL_SCREENSHOTS", tmp_path))

    # The ECT uploads a lesson clip and watches it become playable without reloading.
    ect = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ect.new_page()
    sign_in(page, live_server, "ect1@northfield.example")
    page.click("text=Upload a clip")
    page.select_option("select[name=kind]", "lesson")
    page.fill("input[name=title]", "Year 9 maths: starter routine")
    page.set_input_files("input[type=file]", str(clip_file))
    # A small upload on loopback can finish before a test could look, so the page notes (in
    # sessionStorage, which survives the navigation) whether the progress bar was shown.
    page.evaluate(
        """() => { const el = document.getElementById('upload-progress');
        new MutationObserver(() => { if (!el.hidden) sessionStorage.setItem('progressShown',
          el.querySelector('.progress-text').textContent); })
          .observe(el, {attributes: true, subtree: true, childList: true, characterData: true});
        }"""
    )
    page.click("#upload-button")
    page.wait_for_url(re.compile(r".*/clips/\d+$"))
    shown = page.evaluate("sessionStorage.getItem('progressShown')")
    assert shown and ("Upload" in shown or "Starting" in shown), shown
    page.evaluate("window.__sameDocument = true")
    page.wait_for_selector("#player:not([hidden])", timeout=60_000)
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    page.wait_for_function("(document.getElementById('video') || {}).readyState >= 1")
    page.screenshot(path=str(shots / "ect-ready.png"))
    ect.close()

    # The mentor finds it in the list, plays to a moment and comments there with one key.
    mentor = browser.new_context(viewport={"width": 1280, "height": 800})
    page = mentor.new_page()
    sign_in(page, live_server, "mentor1@northfield.example")
    card = page.locator(".clip-card", has_text="Year 9 maths: starter routine")
    assert card.locator(".badge").inner_text() == "Ready"
    card.click()
    page.wait_for_url(re.compile(r".*/clips/\d+$"))
    page.wait_for_function("(document.getElementById('video') || {}).readyState >= 1")
    page.evaluate("document.getElementById('video').currentTime = 5.2")
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 5.2) < 0.05")
    page.keyboard.press("c")
    assert page.evaluate("document.activeElement.id") == "comment-body"
    assert page.inner_text("#comment-time") == "00:05"
    page.click("label.kind-praise")  # the kind of feedback: praise, not the default note
    page.focus("#comment-body")
    page.keyboard.type("Lovely clear countdown before the starter.")
    page.keyboard.press("Control+Enter")
    item = page.locator("#comment-list .comment", has_text="Lovely clear countdown")
    item.wait_for()
    assert float(item.get_attribute("data-at")) == pytest.approx(5.2, abs=0.05)
    assert "kind-praise" in item.get_attribute("class")
    assert item.locator(".kind-badge").inner_text() == "Praise"
    assert page.locator("#timeline .marker").count() == 1
    assert "kind-praise" in page.locator("#timeline .marker").get_attribute("class")
    assert page.is_checked("#comment-kinds input[value=note]")  # the next comment starts as a note

    # Clicking the comment seeks the video there; so does its marker on the timeline.
    page.evaluate("document.getElementById('video').currentTime = 0")
    item.locator("button.at").click()
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 5.2) < 0.1")
    page.evaluate("document.getElementById('video').currentTime = 1")
    page.locator("#timeline .marker").click()
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 5.2) < 0.1")

    # The transcript follows: captions can be switched on, and a line seeks the video there.
    first_line = page.locator("#transcript-list .segment").first
    first_line.wait_for(timeout=120_000)
    start = float(first_line.get_attribute("data-start"))
    page.click("#captions-toggle")
    assert page.inner_text("#captions-toggle") == "Captions: on"
    page.evaluate(f"document.getElementById('video').currentTime = {start + 1.0}")
    page.wait_for_function(
        "(() => { const t = document.getElementById('video').textTracks[0];"
        " return t && t.mode === 'showing' && t.activeCues && t.activeCues.length > 0; })()"
    )
    page.evaluate("document.getElementById('video').currentTime = 20")
    first_line.locator("button.at").click()
    page.wait_for_function(
        f"Math.abs(document.getElementById('video').currentTime - {start}) < 0.1"
    )
    # currentTime changes at once, the highlight on the "seeked" event a moment later.
    page.wait_for_function(
        "document.querySelector('#transcript-list .segment').classList.contains('current')"
    )
    page.screenshot(path=str(shots / "mentor-commented.png"))
    mentor.close()

    # The ECT sees the mentor's praise on their clip, marks it seen and replies, no reload.
    ect = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ect.new_page()
    sign_in(page, live_server, "ect1@northfield.example")
    page.click("text=Year 9 maths: starter routine")
    item = page.locator("#comment-list .comment", has_text="Lovely clear countdown")
    item.wait_for()
    page.evaluate("window.__sameDocument = true")
    item.locator("button.seen-toggle").click()
    page.wait_for_selector("#comment-list .comment.seen button.seen-toggle[aria-pressed=true]")
    item.locator("button.reply").click()
    assert page.evaluate("document.activeElement.closest('.reply-form') !== null")
    page.keyboard.type("Thank you, I will keep the countdown.")
    page.keyboard.press("Control+Enter")
    reply = item.locator(".replies .reply", has_text="I will keep the countdown")
    reply.wait_for()
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(shots / "ect-replied.png"))
    ect.close()
