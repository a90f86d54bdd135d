"""A phone's HEVC lesson plays in a real Chromium while a real worker is still processing it:
the page switches to the player at the first segments, plays (hls.js), seeks within the part
done, takes a comment there, and plays the final stream to its end once the clip is ready."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from media_pipeline import ffmpeg_binary
from service.models import Clip, ClipStatus, Comment
from tests.conftest import worker_env
from tests.factories import generated_clip, upload
from tests.web.browsing import sign_in
from workers.queues import enqueue_processing

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
SECONDS = 24

pytestmark = pytest.mark.browser

# ffmpeg, but reading the source no faster than twice real time while it writes a stream: a
# worker as slow as a busy 2-core one on a long lesson, whatever machine runs the test, so
# there is time to watch the clip while it is still being processed.
SLOW_FFMPEG = """#!/bin/bash
args=(); slow=0
for a in "$@"; do [ "$a" = hls ] && slow=1; done
for a in "$@"; do
  if [ $slow = 1 ] && [ "$a" = -i ]; then args+=(-readrate 2); slow=2; fi
  args+=("$a")
done
exec {real} "${{args[@]}}"
"""


@pytest.fixture
def slow_worker(settings, tmp_path):
    wrapper = tmp_path / "slow-ffmpeg"
    wrapper.write_text(SLOW_FFMPEG.format(real=ffmpeg_binary()))
    wrapper.chmod(0o755)
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "worker"],
        env={**worker_env(settings), "FFMPEG_BINARY": str(wrapper)},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _status(ctx, clip_id: int) -> ClipStatus:
    with ctx.sessions() as s:
        return s.get(Clip, clip_id).status


def test_a_hevc_clip_plays_while_it_is_still_processing(
    ctx, session, live_server, browser, demo, slow_worker, tmp_path: Path
):
    source = generated_clip(tmp_path / "phone.mp4", duration=SECONDS, vcodec="libx265")
    clip = upload(session, ctx.storage, ECT, source, title="Phone lesson")
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(page, live_server, MENTOR)
    page.goto(f"{live_server}/clips/{clip.id}")
    assert page.locator("#player").is_hidden()
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)

    # The player appears with the first segments, long before the clip is processed.
    page.wait_for_selector("#player:not([hidden])", timeout=60_000)
    page.evaluate("document.getElementById('video').muted = true")
    page.evaluate("document.getElementById('video').play()")
    page.wait_for_function(
        "(() => { const v = document.getElementById('video');"
        " return v.readyState >= 3 && v.currentTime > 0.5; })()",
        timeout=30_000,
    )
    first = page.evaluate("document.getElementById('video').currentTime")
    page.wait_for_function(
        f"document.getElementById('video').currentTime > {first} + 0.3", timeout=10_000
    )
    assert _status(ctx, clip.id) != ClipStatus.READY  # still processing, and playing
    assert page.locator("#stream-done").count() == 1  # how far it has got, on the timeline
    assert "Playable up to" in page.inner_text("#processing-text")

    # Seek within the part done, and comment there.
    page.wait_for_function(
        "(() => { const v = document.getElementById('video');"
        " return v.seekable.length && v.seekable.end(0) >= 8; })()",
        timeout=30_000,
    )
    page.evaluate("(() => { const v = document.getElementById('video'); v.currentTime = 6; })()")
    page.wait_for_function(
        "(() => { const v = document.getElementById('video');"
        " return !v.seeking && v.readyState >= 3 && v.currentTime >= 6; })()",
        timeout=15_000,
    )
    page.evaluate("document.getElementById('video').pause()")
    page.click("#comment-at-playhead")
    page.fill("#comment-body", "Good routine at the start")
    page.click("#comment-submit")
    page.wait_for_selector("#comment-list li", timeout=10_000)
    [comment] = session.query(Comment).filter_by(clip_id=clip.id).all()
    assert 5.5 <= comment.at_seconds <= 8
    assert _status(ctx, clip.id) != ClipStatus.READY

    # Once processed, the same stream has ended: it is a recording, played to its end.
    deadline = time.monotonic() + 90
    while _status(ctx, clip.id) != ClipStatus.READY:
        assert time.monotonic() < deadline, "the clip was never processed"
        time.sleep(0.5)
    page.wait_for_function(
        f"Math.abs(document.getElementById('video').duration - {SECONDS}) < 1", timeout=30_000
    )
    page.evaluate(
        f"(() => {{ const v = document.getElementById('video'); v.currentTime = {SECONDS - 2};"
        " v.play(); })()"
    )
    page.wait_for_function("document.getElementById('video').ended", timeout=30_000)
    assert page.locator("#processing").is_hidden()

    # Opened afresh under the page's real Content-Security-Policy, the ready clip plays its
    # stream (hls.js, loaded from our own origin, with no worker) rather than the MP4.
    strict = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=False)
    page = strict.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, ECT, then=f"/clips/{clip.id}")
    assert page.get_attribute("#clip", "data-stream-url").endswith("/hls/master.m3u8")
    page.evaluate("(() => { const v = document.getElementById('video'); v.muted = true; })()")
    deadline = time.monotonic() + 30
    while not page.evaluate(
        "(() => { const v = document.getElementById('video'); v.play().catch(() => {});"
        " return v.readyState >= 3 && v.currentTime > 0.5 && v.currentSrc.startsWith('blob:'); })()"
    ):
        assert time.monotonic() < deadline, errors
        time.sleep(0.25)
    assert errors == []
    strict.close()
