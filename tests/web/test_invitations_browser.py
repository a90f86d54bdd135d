"""The pages of emailed links in a real Chromium: asking for a reset, choosing a password
through an invitation, a link that no longer works, and the admins' outbox fit a phone's
390 px and pass axe (the page sweep signs in first and leaves /admin/ out, so it sees none)."""

from __future__ import annotations

import shutil

import pytest
from rq import Queue

from service import accounts
from service.models import Role
from service.people import tokens
from tests import factories
from tests.web.browsing import sign_in
from tests.web.test_page_sweep import AXE, AXE_RUN, DESKTOP, OVERFLOW, PHONE, STRUCTURE, Sweep
from workers.queues import MAIL_QUEUE
from workers.runner import PromptSimpleWorker

pytestmark = pytest.mark.browser


def problems_here(page, label: str) -> list[str]:
    """Check the page the tab shows now (after a form was sent) at both widths."""
    page.set_viewport_size(DESKTOP)
    found = [f"{label}: {p}" for p in page.evaluate(STRUCTURE) + page.evaluate(AXE_RUN)]
    page.set_viewport_size(PHONE)
    if overflow := page.evaluate(OVERFLOW):
        found.append(f"{label} at {PHONE['width']} px: {overflow}")
    found += [f"{label} at {PHONE['width']} px: {p}" for p in page.evaluate(AXE_RUN)]
    page.set_viewport_size(DESKTOP)
    return found


def test_emailed_link_pages_and_the_outbox_fit_a_phone_and_pass_axe(
    live_server, browser, settings, ctx, session, demo
):
    shutil.rmtree(settings.outbox_path, ignore_errors=True)
    newcomer = accounts.create_user(
        session,
        email="newcomer@northfield.example",
        name="Nia Newcomer",
        password_hash=accounts.NO_PASSWORD,
        role=Role.ECT,
        school_id=factories.school_of(session, "ect1@northfield.example"),
    )
    session.commit()
    token = tokens.make_token(settings.secret_key, tokens.INVITATION, newcomer)
    problems: list[str] = []

    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    sweep = Sweep(page, live_server, "signed out")
    sweep.check(f"{live_server}/auth/login")
    sweep.check(f"{live_server}/auth/forgot")
    page.fill("input[name=email]", "mentor1@northfield.example")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Check your email")
    problems += problems_here(page, "signed out: reset link sent")
    sweep.check(f"{live_server}/auth/reset/not-a-token", expect=400)
    sweep.check(f"{live_server}/auth/welcome/not-a-token", expect=400)
    sweep.check(f"{live_server}/auth/welcome/{token}")
    page.fill("input[name=new]", "a tidy classroom at nine")
    page.fill("input[name=confirm]", "a tidy classroom at ten")
    page.click("button[type=submit]")
    page.wait_for_selector("text=The two passwords differ")
    problems += problems_here(page, "signed out: passwords differ")
    page.fill("input[name=new]", "a tidy classroom at nine")
    page.fill("input[name=confirm]", "a tidy classroom at nine")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Your password is set")
    problems += sweep.problems
    context.close()

    # The reset email, written to the outbox by a real worker run.
    queue = Queue(MAIL_QUEUE, connection=ctx.redis)
    PromptSimpleWorker([queue], connection=ctx.redis).work(burst=True, with_scheduler=False)
    [written] = list(settings.outbox_path.glob("*.eml"))

    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    sign_in(page, live_server, "admin@coachreel.example")
    sweep = Sweep(page, live_server, "admin")
    links = sweep.check(f"{live_server}/admin/outbox")
    assert f"{live_server}/admin/outbox/{written.name}" in links
    links = sweep.check(f"{live_server}/admin/outbox/{written.name}")
    assert any("/auth/reset/" in link for link in links)
    problems += sweep.problems
    context.close()
    shutil.rmtree(settings.outbox_path, ignore_errors=True)
    assert problems == [], "\n".join(problems)
