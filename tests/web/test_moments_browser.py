"""Feedback at the right moment, in a real Chromium: on the clip page the comment being passed
lights up and is read out politely while focus stays put, "Play from" plays, and the feedback
sits under the player above the consent and sharing panels; a reviewer plays a comment's range
on the review page without leaving it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from service.coaching.meetings import SessionInput, record_session
from service.feedback import comments
from tests.factories import generated_clip, ready_clip, user
from tests.web.browsing import sign_in

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"

pytestmark = pytest.mark.browser


def test_the_comment_being_passed_lights_up_and_play_from_plays(
    ctx, session, live_server, browser, demo, tmp_path: Path
):
    generated_clip(tmp_path / "lesson.mp4", duration=8.0)
    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        title="Year 7 settling",
        duration=8.0,
        video=tmp_path / "lesson.mp4",
    )
    mentor = user(session, MENTOR)
    early = comments.add_comment(session, mentor, clip.id, at_seconds=0.5, body="Calm start")
    late = comments.add_comment(
        session, mentor, clip.id, at_seconds=5, end_seconds=7, body="Waited for silence"
    )

    # A phone: a touch screen, whose hints name no keys.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = phone.new_page()
    sign_in(page, live_server, ECT)
    page.goto(f"{live_server}/clips/{clip.id}")
    assert page.locator(".key-hint").count() == 2
    assert all(not hint.is_visible() for hint in page.locator(".key-hint").all())
    desk = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(desk, live_server, ECT, then=f"/clips/{clip.id}")
    assert all(hint.is_visible() for hint in desk.locator(".key-hint").all())  # a mouse's
    desk.context.close()
    page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=15_000)
    # Under the player, above the consent and sharing panels.
    order = page.evaluate(
        """() => ['#video', '#feedback', '#consent-record', '#sharing'].map(s => {
          const e = document.querySelector(s);
          return e ? e.getBoundingClientRect().top : null; })"""
    )
    tops = [top for top in order if top is not None]
    assert tops == sorted(tops) and order[1] is not None, order

    page.evaluate("document.getElementById('video').muted = true")
    page.locator(f'#comment-list > li[data-id="{late.id}"] .at').click()  # "Play from 00:05"
    page.wait_for_function("!document.getElementById('video').paused", timeout=10_000)
    current = page.locator("#comment-list > li.comment.current")
    current.filter(has_text="Waited for silence").wait_for(timeout=10_000)
    early_class = page.locator(f'#comment-list > li[data-id="{early.id}"]').get_attribute("class")
    assert "current" not in early_class
    page.wait_for_function(
        "document.getElementById('comment-now').textContent.includes('Waited for silence')"
    )
    assert page.locator("#comment-now").get_attribute("aria-live") == "polite"
    assert page.evaluate("document.activeElement.id") == "video"  # the live region took none
    # A range plays to its end and stops there (05-07 of an 8-second clip).
    page.wait_for_function("document.getElementById('video').paused", timeout=10_000)
    stopped = page.evaluate("document.getElementById('video').currentTime")
    assert 6.9 <= stopped < 7.6, stopped
    # Its marker on the timeline plays the same range.
    page.locator("#timeline .marker.range").click()
    page.wait_for_function("!document.getElementById('video').paused", timeout=10_000)
    page.wait_for_function("document.getElementById('video').paused", timeout=10_000)
    assert 6.9 <= page.evaluate("document.getElementById('video').currentTime") < 7.6
    # A point comment plays on (past 7 s) without stopping.
    page.locator(f'#comment-list > li[data-id="{early.id}"] .at').click()
    page.wait_for_function("document.getElementById('video').currentTime > 7.7", timeout=15_000)


def test_a_reviewer_plays_a_comments_range_in_place(
    ctx, session, live_server, browser, demo, tmp_path: Path
):
    generated_clip(tmp_path / "lesson.mp4", duration=6.0)
    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        title="Year 9 starter",
        duration=6.0,
        video=tmp_path / "lesson.mp4",
    )
    mentor = user(session, MENTOR)
    comments.add_comment(session, mentor, clip.id, at_seconds=1, end_seconds=2.5, body="Clear cue")
    record = record_session(
        session,
        mentor,
        user(session, ECT).id,
        SessionInput(held_on=date.today(), praise="Good", observation_clip_ids=[clip.id]),
    )

    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, live_server, "reviewer@northfield.example")
    review_url = f"{live_server}/review/sessions/{record.id}"
    page.goto(review_url)
    moment = page.locator(".mentor-comments a.at")
    assert moment.inner_text() == "00:01\u201300:02"
    player = page.locator(f"#clip-{clip.id} .moment-player")
    assert player.is_hidden()
    page.evaluate("document.querySelector('.moment-player video').muted = true")
    moment.click()
    assert page.url == review_url  # watched in place
    player.wait_for(state="visible")
    page.wait_for_function(
        "(v => !v.paused && v.currentTime >= 1)(document.querySelector('.moment-player video'))",
        timeout=10_000,
    )
    # The range ends where the comment's does.
    page.wait_for_function(
        "(v => v.paused && v.currentTime >= 2.5)(document.querySelector('.moment-player video'))",
        timeout=10_000,
    )
    assert page.evaluate("document.querySelector('.moment-player video').currentTime") < 4
    assert "Playing 00:01\u201300:02" in player.inner_text()
