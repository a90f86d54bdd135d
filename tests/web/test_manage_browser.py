"""In a real Chromium: the watch page's word on preparing follows the clip's status without a
reload (ready, or failed with its one-click removal); and on a 390 px phone an ECT signs in to
their own home, filters the clips page, and deletes a clip through its confirmation page."""

from __future__ import annotations

import io
import re

import pytest

from service.clips import lifecycle
from service.storage import keys
from tests.factories import ready_clip, upload
from tests.web.browsing import sign_in

ECT = "ect1@northfield.example"

pytestmark = pytest.mark.browser


def test_the_status_note_follows_the_status_without_a_reload(
    ctx, session, live_server, browser, demo
):
    coming = upload(session, ctx.storage, ECT, b"bytes", title="Coming up")
    broken = upload(session, ctx.storage, ECT, b"bytes", title="Broken")
    page = browser.new_context().new_page()
    sign_in(page, live_server, ECT)

    page.goto(f"{live_server}/clips/{coming.id}")
    note = page.locator("#status-note")
    assert (
        note.inner_text()
        == "Uploaded. We are preparing your clip; it will play here when it is ready."
    )
    page.evaluate("window.stillTheSamePage = true")
    ctx.storage.put_stream(keys.video_key(coming.id), io.BytesIO(b"video"))
    lifecycle.mark_ready(
        session, coming.id, video=keys.video_key(coming.id), poster=None, duration=3.0,
        width=320, height=240, method="remux",
    )  # fmt: skip
    note.filter(has_text="Your clip is ready.").wait_for(timeout=15_000)
    assert page.locator("#processing").is_hidden() and page.locator("#player").is_visible()
    assert page.evaluate("window.stillTheSamePage") is True

    page.goto(f"{live_server}/clips/{broken.id}")
    assert note.is_visible()
    page.evaluate("window.stillTheSamePage = true")
    lifecycle.mark_failed(session, broken.id, "This file is not a video we can read.")
    page.locator("#failed").wait_for(state="visible", timeout=15_000)
    assert note.is_hidden() and page.locator("#processing").is_hidden()
    assert page.get_by_text(re.compile("preparing", re.I)).filter(visible=True).count() == 0
    assert page.evaluate("window.stillTheSamePage") is True
    page.get_by_role("button", name="Remove this failed upload").click()
    page.wait_for_url(f"{live_server}/clips/")
    assert page.get_by_text("The failed upload “Broken” was removed.").is_visible()


def test_on_a_phone_an_ect_lands_home_filters_and_deletes_a_clip(
    ctx, session, live_server, browser, demo
):
    for n in range(3):
        ready_clip(session, ctx.storage, ECT, title=f"Lesson {n}")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server, ECT, then=None)
    assert page.url == f"{live_server}/coaching/"
    assert page.get_by_role("heading", name="This week's step").is_visible()

    page.goto(f"{live_server}/clips/?kind=lesson&from=2099-01-01&to=2000-01-01")
    assert page.get_by_text(
        "The “from” date was after the “to” date, so we swapped them."
    ).is_visible()
    assert page.locator("#clip-count").inner_text() == "Showing 1–3 of 3 clips that match"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Clear filters").first.click()
    page.wait_for_url(f"{live_server}/clips/")

    page.get_by_role("link", name=re.compile("Lesson 1")).click()
    page.get_by_role("link", name="Change or delete").click()
    page.get_by_role("link", name="Delete this clip…").click()
    assert page.locator("#goes-with").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Delete the clip for good").click()
    page.wait_for_url(f"{live_server}/clips/")
    assert page.get_by_text(
        "“Lesson 1” was deleted, with its feedback, transcript and files."
    ).is_visible()
    assert page.locator("#clip-count").inner_text() == "Showing 1–2 of 2 clips"
    context.close()
