"""The people pages in a real Chromium: at a phone's width no page is wider than the screen,
and axe-core finds no serious or critical problem, on the lists, the forms and a roster
preview with errors and one without."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.models import School, User
from tests.web.test_page_sweep import AXE, AXE_RUN, DESKTOP, OVERFLOW, PHONE, STRUCTURE, sign_in

pytestmark = pytest.mark.browser

GOOD = (
    "\ufeffEmail;Full name;School URN;Role;Induction start date;Induction year;Mentor email\r\n"
    "nia.a.very.long.email.address.for.a.narrow.screen@northfield.example;Nia Mentor;;Mentor;;;\r\n"
    "zoe@northfield.example;Zoë Adams;;ECT;01/09/2026;1;nia.a.very.long.email.address.for.a."
    "narrow.screen@northfield.example\r\n"
)
BAD = GOOD + "oops;;999999;teacher;;;\r\n"


def _problems(page, where: str) -> list[str]:
    found = [f"{where}: {p}" for p in page.evaluate(STRUCTURE) + page.evaluate(AXE_RUN)]
    page.set_viewport_size(PHONE)
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        found.append(f"{where} at {PHONE['width']} px: {overflow}")
    found += [f"{where} at {PHONE['width']} px: {p}" for p in page.evaluate(AXE_RUN)]
    page.set_viewport_size(DESKTOP)
    return found


def test_people_pages_fit_a_phone_and_pass_axe(live_server, browser, session, demo, tmp_path):
    school = session.scalar(select(School).where(School.name == "Northfield Primary"))
    ect = session.scalar(select(User).where(User.email == "ect1@northfield.example"))
    problems: list[str] = []
    for email, paths in (
        (
            "coordinator@northfield.example",
            [
                "/people/",
                f"/people/schools/{school.id}",
                f"/people/schools/{school.id}/people/new",
                f"/people/schools/{school.id}/people/{ect.id}",
                f"/people/schools/{school.id}/import",
            ],
        ),
        (
            "induction-lead@northfield-trust.example",
            ["/people/", "/people/schools/new", f"/people/schools/{school.id}/edit"],
        ),
    ):
        context = browser.new_context(viewport=DESKTOP)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        sign_in(page, live_server, email)
        for path in paths:
            response = page.goto(live_server + path, wait_until="load")
            assert response is not None and response.status == 200, path
            problems += _problems(page, path)
        context.close()

    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    sign_in(page, live_server, "coordinator@northfield.example")
    for name, body in (("bad.csv", BAD), ("good.csv", GOOD)):
        upload = tmp_path / name
        upload.write_text(body, encoding="utf-8")
        page.goto(f"{live_server}/people/schools/{school.id}/import")
        page.set_input_files("input[name=file]", str(upload))
        page.click("#roster-form button[type=submit]")
        page.wait_for_selector("#preview-rows")
        problems += _problems(page, f"preview of {name}")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("#people-list")
    assert "Zoë Adams" in page.content()
    problems += _problems(page, "after the import")
    context.close()
    assert problems == [], "\n".join(problems)
