"""Sound-only clips end to end: real RQ workers, real ffmpeg, the configured storage."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

import media_pipeline
from service.clips import lifecycle, upload
from service.models import (
    Clip,
    ClipKind,
    ClipStatus,
    SchoolClass,
    TranscriptSegment,
    TranscriptStatus,
    User,
)
from service.storage import keys
from tests.factories import generated_clip, librivox_reference, speech_clip
from workers.queues import enqueue_processing

ECT = "ect1@northfield.example"
SOUND_ONLY_CLASS = "Year 6 Elm"  # the demo records it as sound only


def _reload(ctx, clip_id: int) -> Clip:
    with ctx.sessions() as session:
        return session.get(Clip, clip_id)


def upload_sound_only(ctx, session, source) -> Clip:
    """Upload ``source`` for the demo's sound-only class, as the upload form does."""
    quiet = session.scalar(select(SchoolClass).where(SchoolClass.name == SOUND_ONLY_CLASS))
    assert quiet is not None and quiet.audio_only
    ect = session.scalar(select(User).where(User.email == ECT))
    with open(source, "rb") as stream:
        return upload.register_upload(
            session,
            ctx.storage,
            ect,
            upload.UploadDetails(
                ClipKind.LESSON, "Year 6 debate", date.today(), "debate.mp4", class_id=quiet.id
            ),
            stream,
            max_bytes=10**8,
        )


def test_a_sound_only_clip_keeps_only_its_sound_and_gets_a_transcript(
    ctx, session, demo, run_jobs, tmp_path
):
    clip = upload_sound_only(ctx, session, generated_clip(tmp_path / "debate.mp4", duration=2))
    assert clip.audio_only
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()

    done = _reload(ctx, clip.id)
    assert done.status == ClipStatus.READY, done.failure_reason
    assert done.video_key == keys.audio_key(clip.id) == f"clips/{clip.id}/audio.m4a"
    assert done.poster_key is None and done.processing_method == "audio_only"
    assert done.original_deleted_at is not None
    assert done.duration == pytest.approx(2.0, abs=0.1)
    # Only the sound is left in storage: no original, no video, no poster.
    assert ctx.storage.keys(f"clips/{clip.id}/") == [keys.audio_key(clip.id)]
    kept = tmp_path / "kept.m4a"
    ctx.storage.download(done.video_key, kept)
    info = media_pipeline.probe_sound(kept)
    assert info.video is None and info.audio is not None and info.audio.codec == "aac"
    # The transcript stage ran on the sound, as for any clip.
    assert done.transcript_status == TranscriptStatus.READY, done.transcript_failure_reason


def test_rerunning_after_the_original_is_gone_only_records_the_sound(
    ctx, session, demo, run_jobs, tmp_path
):
    from workers.process import process_clip

    clip = upload_sound_only(ctx, session, generated_clip(tmp_path / "a.mp4", duration=2))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    stored = ctx.storage.keys(f"clips/{clip.id}/")
    # As if the run died after deleting the original, before the database heard of it.
    with ctx.sessions() as s:
        lifecycle.mark_processing(s, clip.id)
    assert process_clip(clip.id)["method"] == "audio_only"
    done = _reload(ctx, clip.id)
    assert done.status == ClipStatus.READY and done.video_key == keys.audio_key(clip.id)
    assert ctx.storage.keys(f"clips/{clip.id}/") == stored
    # Ready with its sound stored: a further run has nothing to do.
    assert process_clip(clip.id) == {"clip_id": clip.id, "skipped": True}


def test_a_sound_only_clip_without_sound_fails_with_a_reason(
    ctx, session, demo, run_jobs, tmp_path
):
    silent = generated_clip(tmp_path / "mute.mp4", duration=1, acodec=None)
    clip = upload_sound_only(ctx, session, silent)
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    done = _reload(ctx, clip.id)
    assert done.status == ClipStatus.FAILED
    assert done.failure_reason == media_pipeline.NoSound.default_reason
    assert not ctx.storage.exists(keys.audio_key(clip.id))


def test_the_watch_page_plays_a_sound_only_clip_as_audio(
    ctx, session, demo, run_jobs, tmp_path, client, auth
):
    clip = upload_sound_only(ctx, session, generated_clip(tmp_path / "a.mp4", duration=2))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    auth.login("mentor1@northfield.example")
    page = client.get(f"/clips/{clip.id}").text
    assert '<audio id="video" controls preload="metadata"' in page
    assert f'src="/clips/{clip.id}/video.mp4"' in page and "<video" not in page
    assert "Sound only: this class is recorded without video." in page
    assert 'id="comment-form"' in page  # comment at the playhead works the same
    with client.get(f"/clips/{clip.id}/video.mp4") as response:
        assert response.status_code == 200 and response.mimetype == "audio/mp4"
        assert response.data[4:8] == b"ftyp"
    with client.get(f"/clips/{clip.id}/poster.jpg") as response:
        assert response.status_code == 404
    assert '<span class="thumb-empty">Sound only</span>' in client.get("/clips/").text
    status = client.get(f"/clips/{clip.id}/status.json").json
    assert status["status"] == "ready"


def test_real_speech_in_a_sound_only_clip_is_transcribed(ctx, session, demo, run_jobs, tmp_path):
    wav, said = librivox_reference()[0]
    clip = upload_sound_only(ctx, session, speech_clip(tmp_path / "speech.mp4", [wav]))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    done = _reload(ctx, clip.id)
    assert done.status == ClipStatus.READY and done.transcript_status == TranscriptStatus.READY
    assert ctx.storage.keys(f"clips/{clip.id}/") == sorted(
        [keys.audio_key(clip.id), f"clips/{clip.id}/captions.vtt"]
    )
    heard = " ".join(
        session.scalars(
            select(TranscriptSegment.text)
            .where(TranscriptSegment.clip_id == clip.id)
            .order_by(TranscriptSegment.start)
        )
    ).lower()
    assert len(set(said.split()) & set(heard.replace(",", " ").replace(".", " ").split())) >= 3


def test_stored_bytes_of_a_sound_only_clip_are_not_a_video(ctx, session, demo, tmp_path):
    # The m4a the worker keeps is probed as sound: the video probe says "no picture".
    out = media_pipeline.make_audio_only(
        generated_clip(tmp_path / "a.mp4", duration=1), tmp_path / "a.m4a"
    )
    with pytest.raises(media_pipeline.NoVideoStream):
        media_pipeline.probe(out.path)
    assert io.BytesIO((tmp_path / "a.m4a").read_bytes()).read(12)[4:8] == b"ftyp"
