"""Talk figures in a real Chromium: the panel fills in when a real worker has transcribed real
speech, the strip and the questions seek the video, and the ECT shares them with their mentor."""

from __future__ import annotations

from pathlib import Path

import pytest

from media_pipeline import analyse_talk
from service.clips import transcripts
from service.talk import figures
from tests.factories import generated_clip, librivox_reference, ready_clip, speech_clip, upload
from tests.web.browsing import sign_in
from tests.web.test_talk_panel import lesson_transcript
from workers.queues import enqueue_processing
from workers.talk import talk_figures

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"

pytestmark = pytest.mark.browser


def _current_time(page) -> float:
    return page.evaluate("document.getElementById('video').currentTime")


def test_the_panel_fills_in_after_transcription_and_seeks_the_video(
    ctx, session, live_server, browser, demo, worker, tmp_path: Path
):
    wavs = [wav for wav, _ in librivox_reference()[:2]]
    source = speech_clip(tmp_path / "reading.mp4", wavs, silence_after=3.0)
    clip = upload(session, ctx.storage, ECT, source, title="Reading aloud")
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)

    page = browser.new_context().new_page()
    sign_in(page, live_server, ECT)
    page.goto(f"{live_server}/clips/{clip.id}")
    panel = page.locator("#talk")
    # No reload: the page follows the worker and fetches the figures once they exist.
    panel.locator("#talk-strip").wait_for(timeout=120_000)
    assert "Only you see these figures" in panel.inner_text()
    spans = panel.locator(".talk-span")
    assert spans.count() >= 2  # two readings with 3 s of silence between them
    page.wait_for_function("document.getElementById('video').readyState >= 1", timeout=15_000)
    second = spans.nth(1)
    start = float(second.get_attribute("data-seek"))
    assert start > 3.0
    second.click()
    page.wait_for_function(
        f"Math.abs(document.getElementById('video').currentTime - {start}) < 0.3"
    )
    # The playhead on the strip follows the video.
    where = start / clip_duration(ctx, clip.id) * 100
    page.wait_for_function(
        "where => Math.abs(parseFloat("
        "document.querySelector('#talk .talk-playhead').style.left) - where) < 2",
        arg=where,
    )


def clip_duration(ctx, clip_id: int) -> float:
    from service.models import Clip

    with ctx.sessions() as session:
        return session.get(Clip, clip_id).duration


def test_questions_seek_and_sharing_shows_the_mentor(
    ctx, session, live_server, browser, demo, tmp_path: Path
):
    generated_clip(tmp_path / "lesson.mp4", duration=20.0)
    clip = ready_clip(
        session, ctx.storage, ECT, title="Year 8 light", video=tmp_path / "lesson.mp4",
        duration=20.0,
    )  # fmt: skip
    transcripts.save_transcript(
        session, clip.id, [transcripts.SegmentData(1, 15, "Why is it dark?")], language="en",
        captions=None,
    )  # fmt: skip
    figures.save_talk(session, clip.id, talk_figures(analyse_talk(lesson_transcript())))
    watch = f"{live_server}/clips/{clip.id}"

    owner = browser.new_context().new_page()
    sign_in(owner, live_server, ECT)
    owner.goto(watch)
    owner.wait_for_function("document.getElementById('video').readyState >= 1", timeout=15_000)
    questions = owner.locator("#talk .talk-questions li")
    assert questions.count() == 2
    assert "What do you notice?" in questions.nth(1).inner_text()
    questions.nth(1).get_by_role("button").click()
    owner.wait_for_function("Math.abs(document.getElementById('video').currentTime - 12) < 0.3")
    owner.locator("#talk .talk-question").first.click()
    owner.wait_for_function("Math.abs(document.getElementById('video').currentTime - 1) < 0.3")

    mentor = browser.new_context().new_page()
    sign_in(mentor, live_server, MENTOR)
    mentor.goto(watch)
    assert mentor.locator("#talk").count() == 0

    owner.locator("#talk").get_by_role("link", name="your trends and sharing").click()
    box = owner.get_by_label("Daniel Okafor", exact=False)
    box.check()
    owner.get_by_role("button", name="Save").first.click()
    owner.get_by_text("Daniel Okafor can now see your talk figures.").wait_for()

    mentor.goto(watch)
    assert "Shared with you by Sam Taylor" in mentor.locator("#talk").inner_text()
    assert mentor.locator("#talk .talk-questions li").count() == 2
