"""What the watch page says about a clip being prepared follows its status: said while it is
being prepared, never beside "We could not prepare this clip", never once it plays, and no
flash after an upload that would outlive the status it describes."""

from __future__ import annotations

import html
import io
import re
from datetime import date

from service.clips import lifecycle
from tests.factories import ready_clip, upload
from tests.web.forms import post

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
PREPARING = "We are preparing your clip"


def note(page: str) -> tuple[bool, str]:
    """Whether the status note is hidden, and what it says."""
    found = re.search(r'<p id="status-note"([^>]*)>([^<]*)</p>', page)
    assert found is not None
    return "hidden" in found.group(1), found.group(2).strip()


def test_an_upload_says_it_is_being_prepared_in_one_place_that_follows_the_status(
    ctx, session, client, auth, demo
):
    auth.login(ECT)
    sent = post(
        client,
        "/clips/upload",
        {
            "kind": "lesson",
            "title": "Year 7 fractions",
            "recorded_on": date.today().isoformat(),
            "file": (io.BytesIO(b"some bytes"), "lesson.mp4"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    page = html.unescape(client.get(sent.headers["Location"]).text)
    assert page.count(PREPARING) == 1  # the note; no flash beside it
    assert note(page) == (
        False,
        "Uploaded. We are preparing your clip; it will play here when it is ready.",
    )
    assert 'id="failed" class="panel" hidden' in page


def test_a_ready_clip_says_nothing_of_preparing(ctx, session, client, auth, demo):
    clip = ready_clip(session, ctx.storage, ECT)
    auth.login(ECT)
    page = html.unescape(client.get(f"/clips/{clip.id}").text)
    assert note(page) == (True, "") and PREPARING not in page
    assert re.search(r'<section id="processing" class="panel" hidden>', page)


def test_a_failed_clip_says_why_and_nothing_of_preparing(ctx, session, client, auth, demo):
    clip = upload(session, ctx.storage, ECT, b"not a video", title="Broken")
    lifecycle.mark_failed(session, clip.id, "This file is not a video we can read.")
    auth.login(ECT)
    page = html.unescape(client.get(f"/clips/{clip.id}").text)
    assert note(page) == (True, "")
    assert PREPARING not in page
    assert 'id="failed" class="panel" hidden' not in page  # the failure is shown
    assert re.search(r'<section id="processing" class="panel" hidden>', page)
    assert "This file is not a video we can read." in page


def test_others_are_told_the_clip_is_being_prepared_not_that_it_is_theirs(
    ctx, session, client, auth, demo
):
    clip = upload(session, ctx.storage, ECT, b"bytes", title="Still going")
    auth.login(MENTOR)
    page = html.unescape(client.get(f"/clips/{clip.id}").text)
    assert note(page) == (False, "This clip is being prepared; it will play here when it is ready.")
    assert "<h2>Preparing this clip</h2>" in page and PREPARING not in page
