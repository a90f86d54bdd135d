"""Keeping the teacher's face clear, in a real Chromium: the mentor pauses, clicks the face on
the video, the blur is queued and followed to the end by a real worker, and the uploader can
switch to the unblurred original."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import Queue

from service.models import BlurStatus, Clip
from tests.conftest import worker_env
from tests.face_clip import make_face_clip
from tests.factories import upload
from tests.web.browsing import sign_in
from workers.queues import PROCESS_QUEUE, enqueue_processing
from workers.runner import PromptSimpleWorker

pytestmark = pytest.mark.browser

OWNER, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"


@contextlib.contextmanager
def blur_worker(settings) -> Iterator[subprocess.Popen]:
    """A real worker process on the blur queue (no speech model to load)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "worker", "--queues", "blur"],
        env=worker_env(settings),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def multipart_fields(body: str) -> dict[str, str]:
    return dict(re.findall(r'name="([^"]+)"\r\n\r\n([^\r]*)\r\n', body))


def test_mentor_clicks_the_teachers_face_and_the_blur_keeps_it(
    ctx, session, settings, live_server, browser, demo, tmp_path: Path
):
    shots = Path(os.environ.get("COACHREEL_SCREENSHOTS", tmp_path))
    faces = make_face_clip(tmp_path / "faces.mp4", seconds=1.2, height=240)
    clip = upload(session, ctx.storage, OWNER, faces.path, title="Phonics carpet time")
    # This school shares blurs without the uploader's check (test_blur_review_browser.py has it).
    clip.school.blur_without_review = True
    session.commit()
    enqueue_processing(ctx.redis, clip.id, 1.2, stale_after=ctx.stale_after)
    PromptSimpleWorker([Queue(PROCESS_QUEUE, connection=ctx.redis)], connection=ctx.redis).work(
        burst=True, with_scheduler=False
    )

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, live_server, MENTOR)
    page.goto(f"{live_server}/clips/{clip.id}")
    page.wait_for_function("document.getElementById('video').readyState >= 1")
    assert page.is_visible("#blur-request") and page.is_visible("#blur-keep")
    # Pause one second in, where the teacher (the first face) is in view.
    page.evaluate("document.getElementById('video').currentTime = 1.0")
    page.wait_for_function("Math.abs(document.getElementById('video').currentTime - 1.0) < 0.05")

    # The overlay takes the keyboard too, and Escape puts things back.
    page.click("#blur-keep")
    assert page.get_attribute("#blur-keep", "aria-pressed") == "true"
    assert page.evaluate("document.activeElement.className") == "blur-pick"
    page.keyboard.press("Escape")
    assert page.locator(".blur-pick").count() == 0
    assert page.get_attribute("#blur-keep", "aria-pressed") == "false"

    page.click("#blur-keep")
    box = page.locator(".blur-pick").bounding_box()
    x0, y0, x1, y1 = faces.faces[0][faces.fps]
    fx, fy = (x0 + x1) / 2 / faces.width, (y0 + y1) / 2 / faces.height
    page.screenshot(path=str(shots / "blur-pick.png"))
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/blur")) as sent:
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    fields = multipart_fields(sent.value.post_data)
    assert float(fields["keep_x"]) == pytest.approx(fx, abs=0.01)
    assert float(fields["keep_y"]) == pytest.approx(fy, abs=0.01)
    assert float(fields["keep_t"]) == pytest.approx(1.0, abs=0.05)

    # Queued: the mentor waits for the blurred video, and is told so.
    page.wait_for_selector("#blur-progress:not([hidden])")
    assert "Blurring pupils' faces" in page.inner_text("#blur-state")
    assert page.is_visible("#blur-withheld") and page.is_hidden("#video")
    assert page.locator(".blur-pick").count() == 0
    with ctx.sessions() as s:
        row = s.get(Clip, clip.id)
        assert row.blur_status == BlurStatus.REQUESTED
        assert row.blur_keep_x == pytest.approx(fx, abs=0.01)

    with blur_worker(settings):
        page.wait_for_function(
            "document.getElementById('blur-state').textContent.includes('faces are blurred')",
            timeout=90_000,
        )
    assert page.is_hidden("#blur-withheld") and page.is_hidden("#blur-progress")
    page.wait_for_function(
        "document.getElementById('video').readyState >= 1"
        " && !document.getElementById('video').hidden"
    )
    assert page.is_hidden("#blur-notice")  # the face was found where it was clicked
    page.screenshot(path=str(shots / "blur-done.png"))
    context.close()

    # The uploader switches to the unblurred original, which only they can see.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, live_server, OWNER)
    page.goto(f"{live_server}/clips/{clip.id}")
    toggle = page.get_by_label("Show the unblurred original (only you can see this)")
    toggle.check()
    page.wait_for_function(
        "document.getElementById('video').src.endsWith('/original')"
        " && document.getElementById('video').readyState >= 1"
    )
    toggle.uncheck()
    page.wait_for_function("document.getElementById('video').src.includes('video.mp4')")
    context.close()
