"""A school starts on its own, in a real Chromium: the trust's coordinator adds the school,
imports its roster file, a real worker writes the invitations to the outbox, the new ECT
follows their link, chooses a password, lands on their coaching home, and uploads a lesson;
the old link then no longer works."""

from __future__ import annotations

import email
import email.policy
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from service.models import Clip, Mentorship, School, User
from tests.factories import generated_clip
from tests.web.browsing import sign_in

pytestmark = pytest.mark.browser

LEAD = "induction-lead@northfield-trust.example"
# As Excel on a French or German laptop saves it: a byte-order mark and ";" between cells.
ROSTER = (
    "\ufeffEmail;Full name;School URN;Roles;Induction start date;Induction year;Mentor email\r\n"
    "m.okafor@hillside.example;Mary Okafor;140321;Mentor;;;\r\n"
    "z.adams@hillside.example;Zoë Adams;140321;ECT;01/09/2026;1;m.okafor@hillside.example\r\n"
)


def invitation_for(outbox: Path, address: str, timeout: float = 60.0) -> email.message.Message:
    """Wait for the worker to write the invitation to ``address`` into the outbox."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == address:
                return message
        time.sleep(0.3)
    raise AssertionError(f"no invitation to {address} in {outbox} after {timeout} s")


def test_a_new_school_imports_its_roster_and_its_ect_signs_up_and_uploads(
    live_server, worker, browser, settings, session, demo, tmp_path: Path
):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, LEAD, then=None)
    page.click("header nav.wide-only >> text=People")
    page.click("text=Add a school")
    page.fill("input[name=name]", "Hillside Academy")
    page.fill("input[name=urn]", "140321")
    page.click("button:has-text('Add school')")
    page.wait_for_selector("h1:has-text('Hillside Academy')")
    school = session.scalar(select(School).where(School.urn == "140321"))
    assert school is not None and school.trust_id is not None

    page.click("text=Import a roster")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(ROSTER.encode("utf-8"))
    page.set_input_files("input[type=file]", str(roster))
    page.click("button:has-text('Preview the import')")
    preview = page.locator("table")
    preview.wait_for()
    assert preview.locator("tr", has_text="Zoë Adams").locator("td", has_text="New").count() == 1
    assert session.scalar(select(User).where(User.email == "z.adams@hillside.example")) is None
    page.click("button:has-text('Import 2 people')")
    page.wait_for_selector("text=Zoë Adams")
    session.expire_all()
    ect = session.scalar(select(User).where(User.email == "z.adams@hillside.example"))
    pairing = session.scalar(select(Mentorship).where(Mentorship.ect_id == ect.id))
    assert pairing.mentor.email == "m.okafor@hillside.example" and pairing.induction_year == 1
    page.context.close()

    # The worker writes the invitation; it holds a link, and nothing about any pupil or clip.
    message = invitation_for(settings.outbox_path, "z.adams@hillside.example")
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/auth/welcome/\S+", text).group(0)
    assert "Hillside Academy" in text
    assert message.get_body(("html",)) is not None

    ect_page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    ect_page.goto(link)
    ect_page.fill("input[name=new]", "fractions on a number line")
    ect_page.fill("input[name=confirm]", "fractions on a number line")
    ect_page.click("button[type=submit]")
    ect_page.wait_for_url(f"{live_server}/coaching/")
    assert ect_page.locator("h1").first.inner_text().strip() == "My coaching"

    clip_file = generated_clip(tmp_path / "first-lesson.mp4", duration=3.0)
    ect_page.goto(f"{live_server}/clips/upload")
    ect_page.fill("input[name=title]", "Year 4 fractions: first lesson")
    ect_page.set_input_files("input[type=file]", str(clip_file))
    ect_page.click("#upload-button")
    ect_page.wait_for_url(re.compile(r".*/clips/\d+$"))
    session.expire_all()
    clip = session.scalar(select(Clip).where(Clip.owner_id == ect.id))
    assert clip.title == "Year 4 fractions: first lesson" and clip.school_id == school.id

    # The link worked once: a second visit says so, and signing in takes the new password.
    ect_page.context.clear_cookies()
    ect_page.goto(link)
    assert "already been used" in ect_page.content()
    ect_page.context.close()
