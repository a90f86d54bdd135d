"""The resumable upload page in a real Chromium: chunks, a dropped connection, the watch page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import request_started
from sqlalchemy import select

from service.models import Clip, UploadSession
from service.storage import keys
from tests.factories import generated_clip
from tests.web.browsing import sign_in

pytestmark = pytest.mark.browser

CHUNK = 256 * 1024

# The page notes (in sessionStorage, which survives the navigation) the highest percentage
# the progress bar showed, what its live text said, and where tus-js-client remembered the
# unfinished upload.
WATCH_PROGRESS = """() => {
  const meter = document.querySelector('#upload-progress [role=progressbar]');
  new MutationObserver(() => {
    const now = Number(meter.getAttribute('aria-valuenow'));
    if (now > Number(sessionStorage.getItem('maxPct') || -1)) sessionStorage.setItem('maxPct', now);
    const said = document.querySelector('#upload-progress .progress-text').textContent;
    if (said.includes('%')) sessionStorage.setItem('said', said);
    // Where the unfinished upload is remembered: this tab only, never localStorage.
    const remembered = (store) => Object.keys(store).some((k) => k.startsWith('tus::'));
    if (remembered(sessionStorage)) sessionStorage.setItem('tusInTab', '1');
    if (remembered(localStorage)) sessionStorage.setItem('tusInLocal', '1');
  }).observe(meter, {attributes: true});
}"""


def fill_in(page, base: str, title: str, clip: Path) -> None:
    page.goto(f"{base}/clips/upload")
    page.select_option("select[name=kind]", "lesson")
    page.fill("input[name=title]", title)
    page.set_input_files("input[type=file]", str(clip))


def test_a_dropped_chunk_resumes_and_the_page_opens_the_clip(
    app, live_server, browser, demo, ctx, session, tmp_path: Path
):
    clip_file = generated_clip(tmp_path / "phone.mp4", duration=4, width=1280, height=720)
    data = clip_file.read_bytes()
    assert len(data) > 8 * CHUNK  # a few MB: many chunks

    seen: list[tuple[str, str]] = []

    def record(sender, **_extra) -> None:
        from flask import request

        if request.path.startswith("/uploads/"):
            seen.append((request.method, request.headers.get("Upload-Offset", "")))

    request_started.connect(record, app)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    dropped: list[str] = []

    def drop_one_patch(route) -> None:
        offset = route.request.headers.get("upload-offset", "0")
        if route.request.method == "PATCH" and int(offset) >= 3 * CHUNK and not dropped:
            dropped.append(offset)
            route.abort("connectionreset")  # the Wi-Fi drops mid-upload
        else:
            route.continue_()

    page.route(re.compile(r".*/uploads/tus/.+"), drop_one_patch)
    try:
        sign_in(page, live_server, "ect1@northfield.example")
        fill_in(page, live_server, "Year 10 English: cold calling", clip_file)
        page.evaluate(f"document.getElementById('upload-form').dataset.chunkSize = {CHUNK}")
        page.evaluate(WATCH_PROGRESS)
        page.click("#upload-button")
        page.wait_for_url(re.compile(r".*/clips/\d+$"), timeout=60_000)
        assert page.evaluate("sessionStorage.getItem('maxPct')") == "100"
        said = page.evaluate("sessionStorage.getItem('said')")
        assert re.match(r"Uploading… \d+% \(\d+\.\d MB of 3\.\d MB\)", said), said
        assert "We are preparing your clip" in page.content()
        # Shared school computers: the unfinished upload (it names the clip) was remembered
        # in this tab's storage only, and forgotten once finished.
        assert page.evaluate("sessionStorage.getItem('tusInTab')") == "1"
        assert page.evaluate("sessionStorage.getItem('tusInLocal')") is None
        assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('tus::'))") == []
    finally:
        request_started.disconnect(record, app)
        context.close()

    assert len(dropped) == 1
    patches = [offset for method, offset in seen if method == "PATCH"]
    assert dropped[0] not in patches[: patches.index(dropped[0])]  # the server never saw it
    # After the drop the client asked the server how far it got, then carried on from there.
    after = seen[[m for m, _ in seen].index("PATCH") :]
    assert ("HEAD", "") in after
    assert patches.count(dropped[0]) == 1  # resent once, from the acknowledged offset
    session.expire_all()
    clip = session.scalar(select(Clip))
    assert page.url.endswith(f"/clips/{clip.id}")
    assert clip.original_filename == "phone.mp4" and clip.original_size == len(data)
    with ctx.storage.open(keys.original_key(clip.id)) as original:
        assert original.read() == data
    assert session.scalars(select(UploadSession)).all() == []
    assert list(ctx.settings.uploads_path.iterdir()) == []


def test_a_clip_too_long_is_refused_before_uploading(
    app, live_server, browser, demo, session, tmp_path: Path
):
    clip_file = generated_clip(tmp_path / "long.mp4", duration=4)
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/uploads/" in r.url else None)
    try:
        sign_in(page, live_server, "ect1@northfield.example")
        fill_in(page, live_server, "Too long", clip_file)
        # As if the limit were 2 seconds: the page reads the clip's length from its metadata.
        page.evaluate("document.getElementById('upload-form').dataset.maxSeconds = 2")
        page.click("#upload-button")
        error = page.locator("#upload-error")
        error.wait_for()
        assert error.inner_text() == (
            "This clip is 4 s long; clips can be at most 2 s. "
            "Please trim it on your phone and choose it again."
        )
        assert error.get_attribute("role") == "alert"
        assert page.is_enabled("#upload-button")
    finally:
        context.close()
    assert requests == []
    assert session.scalars(select(UploadSession)).all() == []
