"""Checking a blur before anyone else sees it, in a real Chromium on a phone-sized screen: the
uploader watches the blurred video, reads the strip of faces found, drags an area over a face
with a finger, sets its times, blurs again (a real worker re-renders it), removes a second
area, and shares; the mentor sees nothing until then, and the blurred video after."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rq import Queue

from service.clips import blur
from service.models import BlurRegion, BlurStatus, Clip, User
from service.storage import keys
from tests.face_clip import make_face_clip
from tests.factories import upload
from tests.media_pipeline.test_blur import _frames, _ratios
from tests.web.browsing import sign_in
from tests.web.test_csp_browser import WATCH_VIOLATIONS, refused, until
from workers.queues import BLUR_QUEUE, PROCESS_QUEUE, enqueue_blur, enqueue_processing
from workers.runner import PromptSimpleWorker

pytestmark = pytest.mark.browser

OWNER, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
WAITING = "Waiting for Sam Taylor to check the blurred video"


def work(ctx, queue: str) -> None:
    worker = PromptSimpleWorker([Queue(queue, connection=ctx.redis)], connection=ctx.redis)
    worker.work(burst=True, with_scheduler=False)


def drag_with_finger(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Drag one finger across the page, as a touch screen reports it (pointer events)."""
    cdp = page.context.new_cdp_session(page)
    steps = 6
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [
        {"x": start[0], "y": start[1]}]})  # fmt: skip
    for i in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * i / steps
        y = start[1] + (end[1] - start[1]) * i / steps
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_the_uploader_checks_touches_up_and_shares_the_blur_before_the_mentor_sees_it(
    ctx, session, settings, live_server, browser, demo, tmp_path: Path
):
    shots = Path(os.environ.get("COACHREEL_SCREENSHOTS", tmp_path))
    faces = make_face_clip(tmp_path / "faces.mp4", seconds=1.2, height=240)
    clip = upload(session, ctx.storage, OWNER, faces.path, title="Phonics carpet time")
    enqueue_processing(ctx.redis, clip.id, 1.2, stale_after=ctx.stale_after)
    work(ctx, PROCESS_QUEUE)
    # The mentor asked for the blur, keeping the teacher (the first face); a worker made it.
    teacher, pupil = faces.faces
    x0, y0, x1, y1 = teacher[faces.fps]
    keep = ((x0 + x1) / 2 / faces.width, (y0 + y1) / 2 / faces.height, 1.0)
    mentor = session.get(User, demo[MENTOR].id)
    blur.request_blur(session, mentor, clip.id, keep=keep)
    enqueue_blur(ctx.redis, clip.id, 1.2, stale_after=ctx.stale_after)
    work(ctx, BLUR_QUEUE)

    # The mentor waits: no video, and why.
    mentor_context = browser.new_context(viewport={"width": 1280, "height": 800})
    mentor_page = mentor_context.new_page()
    sign_in(mentor_page, live_server, MENTOR)
    mentor_page.goto(f"{live_server}/clips/{clip.id}")
    assert WAITING in mentor_page.inner_text("#blur-withheld")
    assert mentor_page.is_hidden("#video") and mentor_page.locator("#blur-review").count() == 0
    assert mentor_page.request.get(f"{live_server}/clips/{clip.id}/video.mp4").status == 404

    # The uploader, on a phone, watches the blurred video waiting for the check.
    # Under the page's real Content-Security-Policy: waits are polled from here, not eval'd.
    context = browser.new_context(**PHONE, bypass_csp=False)
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    sign_in(page, live_server, OWNER)
    page.goto(f"{live_server}/clips/{clip.id}")
    until(
        page,
        "document.getElementById('video').src.includes('/blur/review.mp4')"
        " && document.getElementById('video').readyState >= 1",
    )
    assert "ready for you to check" in page.inner_text("#blur-state")
    assert page.is_visible("#blur-confirm") and page.is_visible("#blur-again")
    assert page.is_hidden("#blur-request")  # blurring again goes through the check's buttons
    # The strip: one bar per second of the 1.2 s clip, each saying how many faces it blurred.
    assert page.is_visible("#blur-strip")
    bars = page.locator("#blur-strip .blur-bar")
    assert bars.count() == 2
    labels = [bars.nth(i).get_attribute("aria-label") for i in range(2)]
    assert labels[0].startswith("0:00: ") and labels[1].startswith("0:01: ")
    assert "Faces were blurred in" in page.inner_text("#blur-strip-summary")
    strip, video = page.locator("#blur-strip").bounding_box(), page.locator("#video").bounding_box()
    assert abs(strip["x"] - video["x"]) < 1 and abs(strip["width"] - video["width"]) < 1
    bars.nth(1).click()  # a bar seeks to its second
    until(page, "Math.abs(document.getElementById('video').currentTime - 1) < 0.05")
    page.screenshot(path=str(shots / "blur-review-phone.png"), full_page=True)

    # Pause near the start and drag a rectangle over the teacher's face with a finger.
    page.evaluate("document.getElementById('video').currentTime = 0.2")
    until(page, "Math.abs(document.getElementById('video').currentTime - 0.2) < 0.05")
    page.click("#blur-draw")
    assert page.get_attribute("#blur-draw", "aria-pressed") == "true"
    area = page.locator(".blur-draw-area").bounding_box()
    left = min(b[0] for b in teacher) / faces.width
    top = min(b[1] for b in teacher) / faces.height
    right = max(b[2] for b in teacher) / faces.width
    bottom = max(b[3] for b in teacher) / faces.height
    drag_with_finger(
        page,
        (area["x"] + left * area["width"], area["y"] + top * area["height"]),
        (area["x"] + right * area["width"], area["y"] + bottom * area["height"]),
    )
    page.wait_for_selector("#blur-region-form:not([hidden])")
    # From the playhead to 3 s later, cut at the clip's end; both can be changed.
    assert page.input_value("#blur-region-from") == "0:00.2"
    assert page.input_value("#blur-region-to") == "0:01.2"
    assert float(page.input_value("#blur-region-x0")) == pytest.approx(left, abs=0.02)
    assert float(page.input_value("#blur-region-y1")) == pytest.approx(bottom, abs=0.02)
    page.fill("#blur-region-from", "0:00")
    page.screenshot(path=str(shots / "blur-touch-up-phone.png"), full_page=True)
    page.click("#blur-region-add")
    page.wait_for_selector("#blur-regions li")
    assert "0:00–0:01.2" in page.inner_text("#blur-regions")
    assert page.locator(".blur-draw-area").count() == 0 and page.is_hidden("#blur-region-form")

    # A second area, by mouse this time, then removed again.
    page.click("#blur-draw")
    area = page.locator(".blur-draw-area").bounding_box()
    page.mouse.move(area["x"] + 5, area["y"] + 5)
    page.mouse.down()
    page.mouse.move(area["x"] + 60, area["y"] + 50, steps=4)
    page.mouse.up()
    page.fill("#blur-region-to", "0:00.9")
    page.click("#blur-region-add")
    until(page, "document.querySelectorAll('#blur-regions li').length === 2")
    page.get_by_role("button", name="Remove the area from 0:00.2 to 0:00.9").click()
    until(page, "document.querySelectorAll('#blur-regions li').length === 1")
    assert "Removed the area" in page.inner_text("#blur-region-message")

    # Blur again: a worker re-renders from the unblurred video, with the area.
    page.click("#blur-again")
    page.wait_for_selector("#blur-progress:not([hidden])")
    assert page.is_hidden("#blur-review")
    with ctx.sessions() as s:
        assert s.get(Clip, clip.id).blur_status == BlurStatus.REQUESTED
        [region] = s.query(BlurRegion).all()
        assert (region.start_s, region.end_s) == (0.0, 1.2)
    work(ctx, BLUR_QUEUE)
    until(
        page,
        "document.getElementById('blur-state').textContent.includes('ready for you to check')",
        timeout=30,
    )
    until(
        page,
        "document.getElementById('video').src.includes('/blur/review.mp4')"
        " && document.getElementById('video').readyState >= 1",
    )
    with ctx.sessions() as s:
        again = s.get(Clip, clip.id)
        assert again.blur_status == BlurStatus.REVIEW
        candidate = tmp_path / "candidate.mp4"
        ctx.storage.download(again.blur_review_video_key, candidate)
    before, after = _frames(faces.path), _frames(candidate)
    assert max(_ratios(before, after, teacher)) < 0.2  # the area blurred the teacher too
    assert max(_ratios(before, after, pupil)) < 0.2
    # Still nothing for the mentor.
    mentor_page.reload()
    assert WAITING in mentor_page.inner_text("#blur-withheld")
    assert mentor_page.request.get(f"{live_server}/clips/{clip.id}/video.mp4").status == 404

    # Looks right: shared.
    page.click("#blur-confirm")
    until(
        page,
        "document.getElementById('blur-state').textContent.includes('for everyone but you')",
    )
    assert page.is_hidden("#blur-confirm-form")
    until(page, "document.getElementById('video').src.includes('/video.mp4')")
    assert refused(page, console) == []
    context.close()

    mentor_page.reload()
    mentor_page.wait_for_function(
        "document.getElementById('video').readyState >= 1"
        " && !document.getElementById('video').hidden"
    )
    assert mentor_page.is_hidden("#blur-withheld")
    response = mentor_page.request.get(f"{live_server}/clips/{clip.id}/video.mp4")
    with ctx.storage.open(keys.blur_key(clip.id)) as handle:
        assert response.status == 200 and response.body() == handle.read()
    mentor_context.close()
