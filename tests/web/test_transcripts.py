"""Transcript routes: the status the page polls, the panel's JSON, captions, downloads, search."""

from __future__ import annotations

import io

import pytest

from service.clips import transcripts
from service.clips.transcripts import SegmentData
from service.models import Clip, TranscriptStatus
from service.storage import keys
from tests.factories import librivox_reference, ready_clip, speech_clip
from workers.queues import enqueue_transcription
from workers.transcribe import transcribe_clip

ECT = "ect1@northfield.example"


@pytest.fixture
def clip_id(ctx, session, demo) -> int:
    return ready_clip(session, ctx.storage, ECT, title="Fractions starter").id


def _save(ctx, session, clip_id: int) -> None:
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nEyes on me in five, four, three.\n"
    ctx.storage.put_stream(keys.captions_key(clip_id), io.BytesIO(vtt.encode()))
    transcripts.save_transcript(
        session,
        clip_id,
        [
            SegmentData(
                1.0,
                4.0,
                "Eyes on me in five, four, three.",
                [(1.0, 1.4, " Eyes"), (1.4, 1.6, " on"), (1.6, 1.9, " me")],
            ),
            SegmentData(65.0, 69.5, "Now turn to your partner & explain <why>."),
        ],
        language="en",
        captions=keys.captions_key(clip_id),
    )


def test_status_reports_the_transcript_stage(client, auth, ctx, session, clip_id):
    auth.login(ECT)
    status = client.get(f"/clips/{clip_id}/status.json").json
    assert status["status"] == "ready"
    assert status["transcript"]["status"] == "pending"
    assert status["transcript"]["stage_label"] == "Waiting for a worker"
    transcripts.mark_transcribing(session, clip_id)
    assert client.get(f"/clips/{clip_id}/status.json").json["transcript"]["status"] == "processing"
    _save(ctx, session, clip_id)
    ready = client.get(f"/clips/{clip_id}/status.json").json["transcript"]
    assert ready == {
        "status": "ready",
        "url": f"/clips/{clip_id}/transcript.json",
        "captions_url": f"/clips/{clip_id}/captions.vtt",
    }


def test_failed_transcript_is_reported_and_the_clip_still_plays(client, auth, session, clip_id):
    transcripts.mark_transcript_failed(session, clip_id, "The sound could not be read.")
    auth.login(ECT)
    status = client.get(f"/clips/{clip_id}/status.json").json
    assert status["status"] == "ready"
    assert status["transcript"] == {
        "status": "failed",
        "failure_reason": "The sound could not be read.",
    }
    response = client.get(f"/clips/{clip_id}/video.mp4")
    assert response.status_code == 200
    response.close()


def test_panel_json_captions_and_downloads(client, auth, ctx, session, clip_id):
    _save(ctx, session, clip_id)
    auth.login("mentor1@northfield.example")
    segments = client.get(f"/clips/{clip_id}/transcript.json").json["segments"]
    assert [s["start"] for s in segments] == [1.0, 65.0]
    assert segments[0]["words"][0] == [1.0, 1.4, " Eyes"]

    captions = client.get(f"/clips/{clip_id}/captions.vtt")
    assert captions.mimetype == "text/vtt" and captions.data.startswith(b"WEBVTT")
    captions.close()

    text = client.get(f"/clips/{clip_id}/transcript.txt")
    assert text.mimetype == "text/plain"
    assert (
        'attachment; filename="Fractions_starter_transcript.txt"'
        == (text.headers["Content-Disposition"])
    )
    assert "[00:01] Eyes on me in five, four, three.\n[01:05] Now turn to your partner" in (
        text.text
    )
    vtt = client.get(f"/clips/{clip_id}/transcript.vtt")
    assert vtt.headers["Content-Disposition"].startswith("attachment")
    assert vtt.data.startswith(b"WEBVTT")
    vtt.close()


def test_search_page_links_to_the_moment_and_escapes_text(client, auth, ctx, session, clip_id):
    _save(ctx, session, clip_id)
    auth.login(ECT)
    page = client.get("/search/?q=partner").text
    assert f'href="/clips/{clip_id}?t=65.0"' in page
    assert "<mark>partner</mark>" in page
    assert "&amp; explain &lt;why&gt;" in page  # transcript text is never raw HTML
    assert "Fractions starter" in page and "Sam Taylor" in page
    assert "Nothing found" in client.get("/search/?q=volcano").text


def _three_answers(client, clip_id: int) -> tuple[str, str, str]:
    """What transcript.json, captions.vtt and transcript.txt say, or "" where one is missing."""
    panel = client.get(f"/clips/{clip_id}/transcript.json").json
    json_text = " ".join(s["text"] for s in panel["segments"])
    with client.get(f"/clips/{clip_id}/captions.vtt") as captions:
        vtt = captions.text if captions.status_code == 200 else ""
    with client.get(f"/clips/{clip_id}/transcript.txt") as download:
        txt = download.text if download.status_code == 200 else ""
    return json_text, vtt, txt


def test_all_three_keep_the_previous_transcript_until_the_new_one_is_saved(
    ctx, session, demo, client, auth, run_jobs, tmp_path
):
    wav, _ = librivox_reference()[0]
    video = speech_clip(tmp_path / "speech.mp4", [wav])
    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        video=video,
        captions=b"WEBVTT\n\n00:00.000 --> 00:01.000\nPrevious words\n",
        transcript=[SegmentData(0, 1, "Previous words")],
    )
    auth.login(ECT)
    assert all("Previous words" in answer for answer in _three_answers(client, clip.id))

    # The re-run has started: until it saves, all three still give the previous transcript.
    transcripts.mark_transcribing(session, clip.id)
    assert all("Previous words" in answer for answer in _three_answers(client, clip.id))

    enqueue_transcription(ctx.redis, clip.id, clip.duration, stale_after=ctx.stale_after)
    run_jobs()
    session.expire_all()
    json_text, vtt, txt = _three_answers(client, clip.id)
    assert json_text.strip() and "Previous words" not in json_text
    assert "Previous words" not in vtt and "Previous words" not in txt
    first_words = json_text.split()[:3]
    assert all(" ".join(first_words) in answer for answer in (vtt, txt))
    # The new captions went to a file of their own, never over the ones still being served;
    # the previous file is removed once the new transcript is saved.
    previous = keys.captions_key(clip.id)
    assert session.get(Clip, clip.id).captions_key != previous
    assert not ctx.storage.exists(previous)


def test_a_failed_rerun_keeps_the_previous_transcript_in_all_three(
    ctx, session, demo, client, auth
):
    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        captions=b"WEBVTT\n\n00:00.000 --> 00:01.000\nPrevious words\n",
        transcript=[SegmentData(0, 1, "Previous words")],
    )
    # The stored video is stand-in bytes, so the re-run fails.
    assert "failed" in transcribe_clip(clip.id)
    session.expire_all()
    assert session.get(Clip, clip.id).transcript_status == TranscriptStatus.FAILED
    auth.login(ECT)
    assert all("Previous words" in answer for answer in _three_answers(client, clip.id))
