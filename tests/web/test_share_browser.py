"""Sharing in a real Chromium: the ECT shares a lesson from its watch page, the colleague finds
it under "Shared with you" and watches it, and the ECT's revoke closes it at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.models import ConsentState
from tests.factories import generated_clip, ready_clip
from tests.web.browsing import sign_in

ECT, PEER = "ect1@northfield.example", "ect2@northfield.example"

pytestmark = pytest.mark.browser


def test_an_ect_shares_a_lesson_and_revokes_it(
    ctx, session, live_server, browser, demo, tmp_path: Path
):
    generated_clip(tmp_path / "lesson.mp4", duration=3.0)
    clip = ready_clip(
        session, ctx.storage, ECT, title="Year 8 fractions", video=tmp_path / "lesson.mp4"
    )
    clip.consent_state = ConsentState.ALL_CONSENTED
    session.commit()
    watch_url = f"{live_server}/clips/{clip.id}"

    owner = browser.new_context().new_page()
    sign_in(owner, live_server, ECT)
    owner.goto(watch_url)
    sharing = owner.locator("#sharing")
    sharing.get_by_label("Colleague").select_option(label="Aisha Begum (Early career teacher)")
    sharing.get_by_label("For").select_option(label="2 weeks")
    sharing.get_by_role("button", name="Share").click()
    status = owner.locator("#share-status")
    status.filter(has_text="Shared with Aisha Begum until").wait_for()
    assert owner.url.endswith("#sharing")
    revoke = sharing.get_by_role("button", name="Revoke the share with Aisha Begum")
    assert revoke.is_visible()

    colleague = browser.new_context().new_page()
    sign_in(colleague, live_server, PEER)
    shared = colleague.locator("section.shared-with-you")
    assert re.search(r"Year 8 fractions\s+shared by Sam Taylor until", shared.inner_text())
    shared.get_by_role("link", name="Year 8 fractions").click()
    colleague.wait_for_url(watch_url)
    notice = colleague.locator("#sharing").inner_text()
    assert notice.startswith("Shared with you by Sam Taylor until")
    assert "The feedback on it was not shared with you." in notice  # not ticked: the default
    colleague.wait_for_function("document.getElementById('video').readyState >= 1", timeout=15_000)
    assert colleague.locator("#comment-form").count() == 0

    revoke.click()
    status.filter(has_text="Revoked: Aisha Begum can no longer see this clip.").wait_for()
    assert re.search(r"Aisha Begum\s+revoked", sharing.inner_text())
    assert sharing.get_by_role("button", name=re.compile("Revoke")).count() == 0

    response = colleague.goto(watch_url)
    assert response.status == 404
    colleague.goto(f"{live_server}/clips/")
    assert colleague.locator("section.shared-with-you").count() == 0
