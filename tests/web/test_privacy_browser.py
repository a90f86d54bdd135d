"""The upload form's privacy choices in a real Chromium: blurring forced on by consent, not
offered for a sound-only class, and every choice carried by the resumable upload."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service.models import BlurStatus, Clip, ConsentState, LawfulBasis, SchoolClass
from tests.factories import generated_clip
from tests.web.browsing import sign_in

pytestmark = pytest.mark.browser


def test_blur_is_forced_by_consent_and_carried_by_the_upload(
    live_server, browser, demo, session, tmp_path: Path
):
    page = browser.new_context().new_page()
    sign_in(page, live_server, "ect1@northfield.example")
    page.goto(f"{live_server}/clips/upload")
    blur = page.locator("input[name=blur_faces]")
    assert not blur.is_checked() and blur.is_enabled()
    page.check("input[name=consent_state][value=some_refused]")
    assert blur.is_checked() and blur.is_disabled()
    assert "cannot be turned off" in page.inner_text("#blur-hint")
    page.check("input[name=consent_state][value=all_consented]")
    assert not blur.is_checked() and blur.is_enabled()  # the uploader's own choice again
    quiet = session.scalar(select(SchoolClass).where(SchoolClass.audio_only.is_(True)))
    page.select_option("select[name=school_class]", str(quiet.id))
    assert page.locator("#blur-field").is_hidden() and page.locator("#sound-only-note").is_visible()
    year5 = session.scalar(select(SchoolClass).where(SchoolClass.name == "Year 5 Ash"))
    page.select_option("select[name=school_class]", str(year5.id))
    assert page.locator("#blur-field").is_visible()

    page.check("input[name=consent_state][value=some_refused]")
    page.select_option("select[name=lawful_basis]", "legit_interests")
    page.fill("input[name=recorded_by]", "Ms Patel (TA)")
    page.fill("input[name=title]", "Year 5 fractions")
    page.set_input_files("input[type=file]", str(generated_clip(tmp_path / "l.mp4", duration=1)))
    page.click("#upload-button")
    page.wait_for_url(re.compile(r".*/clips/\d+$"))
    session.expire_all()
    clip = session.scalar(select(Clip))
    assert (clip.class_id, clip.lawful_basis, clip.consent_state, clip.recorded_by) == (
        year5.id,
        LawfulBasis.LEGITIMATE_INTERESTS,
        ConsentState.SOME_NOT_CONSENTED,
        "Ms Patel (TA)",
    )
    assert clip.blur_status == BlurStatus.REQUESTED


def test_a_sound_only_clip_plays_as_audio_and_takes_comments_at_the_playhead(
    live_server, worker, browser, demo, session, tmp_path: Path
):
    quiet = session.scalar(select(SchoolClass).where(SchoolClass.audio_only.is_(True)))
    page = browser.new_context().new_page()
    sign_in(page, live_server, "ect1@northfield.example")
    page.goto(f"{live_server}/clips/upload")
    page.select_option("select[name=school_class]", str(quiet.id))
    page.fill("input[name=title]", "Year 6 debate")
    page.set_input_files("input[type=file]", str(generated_clip(tmp_path / "d.mp4", duration=8)))
    page.click("#upload-button")
    page.wait_for_url(re.compile(r".*/clips/\d+$"))
    page.wait_for_selector("#player:not([hidden])", timeout=60_000)
    assert page.evaluate("document.getElementById('video').tagName") == "AUDIO"
    page.wait_for_function("document.getElementById('video').readyState >= 1")
    page.evaluate("document.getElementById('video').currentTime = 5.2")
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 5.2) < 0.05")
    page.keyboard.press("c")
    assert page.inner_text("#comment-time") == "00:05"
    page.keyboard.type("Clear instructions before the debate.")
    page.keyboard.press("Control+Enter")
    item = page.locator("#comment-list .comment", has_text="Clear instructions")
    item.wait_for()
    assert float(item.get_attribute("data-at")) == pytest.approx(5.2, abs=0.05)
