"""The real pages under their real Content-Security-Policy, in Chromium: nothing is refused.

Media is kept in S3 (moto's server, another origin), so the player follows the app's redirect
to a presigned URL as it does in production.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from rq import Queue

from media_pipeline import analyse_talk
from service.coaching import meetings
from service.models import ConsentState, User
from service.review import notes, rubrics
from service.talk import figures
from tests.factories import generated_clip, ready_clip
from tests.web.browsing import sign_in
from tests.web.test_resumable_browser import fill_in
from tests.web.test_talk_panel import lesson_transcript
from workers.queues import PROCESS_QUEUE
from workers.runner import PromptSimpleWorker
from workers.talk import talk_figures

pytestmark = pytest.mark.browser

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
REVIEWER, COORDINATOR = "reviewer@northfield.example", "coordinator@northfield.example"
ADMIN = "admin@coachreel.example"
# Noted in the page before any of its scripts run (an init script is not subject to the CSP).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def settings(settings, s3_url):
    """Media in S3, handed to the browser by presigned URLs."""
    return settings.with_overrides(storage_url=s3_url, storage_proxy=False)


def until(page, expression: str, timeout: float = 15.0) -> None:
    """Wait until the expression is true in the page (polled from here, not eval'd there)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.1)


def refused(page, console: list[str]) -> list[str]:
    """What the policy refused on the current page, from its own events and the console."""
    return page.evaluate("window.__violations") + [m for m in console if "Content Security" in m]


def test_pages_work_under_their_policy(
    ctx, session, demo, live_server, browser, s3_server, tmp_path: Path
):
    video = generated_clip(tmp_path / "lesson.mp4", duration=3)
    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        title="Light and shadow",
        duration=20.0,
        video=video,
        consent_after=ConsentState.ALL_CONSENTED,
    )
    figures.save_talk(session, clip.id, talk_figures(analyse_talk(lesson_transcript())))
    mentor = session.get(User, demo[MENTOR].id)
    record = meetings.record_session(
        session, mentor, demo[ECT].id, meetings.SessionInput(held_on=date.today())
    )
    rubric = rubrics.rubric_for(session, rubrics.trust_of_school(session, record.school_id))
    reviewer = session.get(User, demo[REVIEWER].id)
    for verdict in ("strength", "strength", "work_on"):
        notes.add_review_note(
            session,
            reviewer,
            record.id,
            target="session",
            rubric_item_id=rubric[0].id,
            verdict=verdict,
            body="Named the step precisely",
        )
    queue = Queue(PROCESS_QUEUE, connection=ctx.redis)
    queue.enqueue("builtins.int", "not a number", job_id="csp-failed")
    PromptSimpleWorker([queue], connection=ctx.redis).work(burst=True, with_scheduler=False)

    context = browser.new_context(bypass_csp=False)
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    from_bucket: list[str] = []
    page.on(
        "response", lambda r: r.url.startswith(s3_server.endpoint) and from_bucket.append(r.url)
    )
    problems: dict[str, list[str]] = {}

    # The ECT watches the clip from the bucket; the talk strip is placed by the script.
    sign_in(page, live_server, ECT)
    page.goto(f"{live_server}/clips/{clip.id}")
    until(page, "document.getElementById('video').readyState >= 1")
    assert any("/video.mp4?" in url for url in from_bucket)  # after the app's redirect
    spans = page.locator("#talk .talk-span")
    assert spans.count() >= 2
    second = spans.nth(1)
    assert second.evaluate("el => el.style.left") == second.get_attribute("data-left")
    assert second.evaluate("el => el.getBoundingClientRect().width") > 0
    problems["watch"] = refused(page, console)

    # The upload form reads a chosen clip's length through a blob: URL before sending it.
    fill_in(page, live_server, "Too long", video)
    page.evaluate("document.getElementById('upload-form').dataset.maxSeconds = 2")
    page.click("#upload-button")
    page.locator("#upload-error", has_text="This clip is 3 s long").wait_for()
    problems["upload"] = refused(page, console)
    context.clear_cookies()

    # The mentor's feedback page draws its bars from data-width.
    sign_in(page, live_server, MENTOR)
    page.goto(f"{live_server}/review/my-coaching")
    bar = page.locator(".bars .bar.strength").first
    until(page, "document.querySelector('.bars .bar.strength').style.width !== ''")
    assert bar.evaluate("el => el.getBoundingClientRect().width") == 24  # two strengths
    problems["mentor feedback"] = refused(page, console)
    context.clear_cookies()

    # The coordinator prints an evidence pack from its button (no inline handler).
    sign_in(page, live_server, COORDINATOR)
    page.goto(f"{live_server}/induction/ects/{demo[ECT].id}")
    page.evaluate("window.print = function () { window.__printed = true; }")
    page.click("text=Print or save as PDF")
    until(page, "window.__printed === true")
    problems["evidence pack"] = refused(page, console)
    context.clear_cookies()

    # The admin's queue dashboard runs its own inline scripts and templates.
    sign_in(page, live_server, ADMIN)
    page.goto(f"{live_server}/admin/queues/0/view/jobs/{PROCESS_QUEUE}/failed/8/asc/1")
    page.locator("tr[data-job-id='csp-failed']").wait_for()
    problems["queue dashboard"] = refused(page, console)
    context.close()

    assert problems == {name: [] for name in problems}
