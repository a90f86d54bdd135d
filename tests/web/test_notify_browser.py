"""The notification centre in a real Chromium: the mentor's unread count rises when their
ECT's lesson, uploaded in the browser and processed by a real worker process, is ready; the
mentor opens the notification and lands on the clip, at phone width."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.factories import generated_clip
from tests.web.browsing import sign_in

MENTOR, ECT = "mentor1@northfield.example", "ect1@northfield.example"

pytestmark = pytest.mark.browser


def test_the_mentors_count_rises_when_the_ect_uploads_and_opens_on_the_clip(
    live_server, browser, demo, worker, tmp_path: Path
):
    mentor = browser.new_context(viewport={"width": 390, "height": 844})
    page = mentor.new_page()
    sign_in(page, live_server, MENTOR)
    assert page.text_content("#notifications-link").strip() == "Notifications"

    ect = browser.new_context(viewport={"width": 1280, "height": 900})
    ect_page = ect.new_page()
    sign_in(ect_page, live_server, ECT)
    ect_page.goto(f"{live_server}/clips/upload")
    ect_page.select_option("select[name=kind]", "lesson")
    ect_page.fill("input[name=title]", "Fractions starter")
    ect_page.set_input_files(
        "input[type=file]", str(generated_clip(tmp_path / "l.mp4", duration=4.0))
    )
    ect_page.click("#upload-button")
    ect_page.wait_for_url(re.compile(r".*/clips/\d+$"))
    clip_id = int(ect_page.url.rsplit("/", 1)[1])
    ect.close()

    deadline = time.monotonic() + 120
    while "Notifications (1)" not in page.text_content("#notifications-link"):
        assert time.monotonic() < deadline, "the mentor was never told"
        time.sleep(1)
        page.reload()
    link = page.get_by_role("link", name="Notifications, 1 unread")
    # The header fits a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    link.click()
    page.wait_for_url(f"{live_server}/notifications/")
    item = page.locator("#notifications li").first
    assert "Fractions starter" in item.text_content()
    item.get_by_role("button").click()
    page.wait_for_url(f"{live_server}/clips/{clip_id}")
    assert page.text_content("#notifications-link").strip() == "Notifications"
    mentor.close()
