"""The trust's induction lead, in a real Chromium: from the trust roll-up to a school's
dashboard, its charts, and an ECT's evidence pack."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from service.models import School
from tests.induction_history import add_session, user
from tests.web.browsing import sign_in

pytestmark = pytest.mark.browser


def test_trust_to_school_to_charts_to_evidence_pack(live_server, browser, session, demo, tmp_path):
    shots = Path(os.environ.get("COACHREEL_SCREENSHOTS", tmp_path))
    school = session.scalar(select(School).where(School.name == "Northfield Primary"))
    mentor = user(session, "mentor1@northfield.example")
    ect1 = user(session, "ect1@northfield.example")
    for days_ago in (2, 9, 16):
        add_session(session, mentor, ect1, (date.today() - timedelta(days=days_ago)).isoformat())
    session.commit()

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "induction-lead@northfield-trust.example")

    # The nav link lands a trust coordinator on the trust's roll-up.
    page.click("header nav >> text=Induction")
    page.wait_for_url(re.compile(r".*/induction/trusts/\d+$"))
    assert page.locator("h1").inner_text() == "Northfield Learning Trust"
    rows = page.locator("#trust-table tbody tr")
    assert rows.count() == 2
    north = rows.filter(has_text="Northfield Primary")
    assert north.locator("td").nth(1).inner_text() == "3"  # ECTs
    page.screenshot(path=str(shots / "induction-trust.png"))

    # Drill down to the school's dashboard: one row per ECT, overdue ones say why.
    north.locator("a", has_text="Northfield Primary").click()
    page.wait_for_url(f"{live_server}/induction/schools/{school.id}")
    table = page.locator("#dashboard")
    assert table.locator("tbody tr").count() == 3
    sam = table.locator("tbody tr", has_text="Sam Taylor")
    assert "Daniel Okafor" in sam.inner_text()
    flagged = table.locator("tbody tr.flagged")
    assert flagged.count() >= 1
    assert "Overdue" in flagged.first.locator(".flag").inner_text()
    assert flagged.first.locator(".reasons li").count() >= 1
    # Sorting by a column is a link in its header.
    table.locator("thead a", has_text="ECT").click()
    page.wait_for_url(re.compile(r".*sort=name$"))
    first = page.locator("#dashboard tbody tr th").first.inner_text()
    assert first == "Aisha Begum"
    page.screenshot(path=str(shots / "induction-school.png"), full_page=True)

    # The charts: a weeks x ECTs heatmap with labels, counts, holidays and a legend.
    page.click(".page-head >> text=Charts")
    page.wait_for_url(f"{live_server}/induction/schools/{school.id}/charts")
    heatmap = page.locator("svg#heatmap")
    assert heatmap.get_attribute("role") == "img"
    assert page.locator("#heat-title").count() == 1
    assert heatmap.locator(".heat-row").count() == 3
    weeks = int(re.search(r"by (\d+) weeks", page.locator("#heat-desc").text_content()).group(1))
    assert heatmap.locator(".heat-row >> nth=0 >> .cell").count() == weeks
    labels = heatmap.locator(".ect-label").all_text_contents()
    assert sorted(labels) == ["Aisha Begum", "Sam Taylor", "Tom Wright"]
    sam_row = heatmap.locator(".heat-row", has=page.locator(".ect-label", has_text="Sam Taylor"))
    held = sam_row.locator(".cell.met")
    assert sum(int(c.get_attribute("data-count")) for c in held.all()) == 3
    assert held.first.locator("text").text_content() in ("1", "2", "3")
    assert heatmap.locator(".cell.holiday").count() >= 3  # the autumn half-term week, at least
    assert [t.strip() for t in heatmap.locator(".term-label").all_text_contents()][:2] == [
        "Autumn 1",
        "Autumn 2",
    ]
    assert page.locator(".legend li").count() == 6
    box = heatmap.bounding_box()
    assert box and box["width"] > 500 and box["height"] > 80  # drawn, not collapsed
    page.screenshot(path=str(shots / "induction-charts.png"), full_page=True)

    # Back to the dashboard, and into an ECT's evidence pack.
    page.click("nav.induction-nav >> text=Dashboard")
    page.click("#dashboard >> text=Sam Taylor")
    page.wait_for_url(f"{live_server}/induction/ects/{ect1.id}")
    assert page.locator("h1").inner_text() == "Induction evidence: Sam Taylor"
    assert page.locator("#sessions tbody tr").count() == 3
    # Printed, the pack drops the navigation and buttons.
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator(".evidence .actions").is_visible()
    context.close()
