"""The talk stage of transcription: real speech in, talk figures stored with the clip."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select

import media_pipeline
from media_pipeline.audio import SAMPLE_RATE, read_audio
from service.models import (
    ClipTalk,
    School,
    TeacherMicrophone,
    TranscriptSegment,
    TranscriptStatus,
)
from tests.conftest import worker_env
from tests.factories import generated_clip, librivox_reference, speech_clip, upload
from web.cli import main
from workers.queues import enqueue_processing
from workers.transcribe import transcribe_clip

ECT = "ect1@northfield.example"


def _talk(ctx, clip_id: int) -> ClipTalk | None:
    with ctx.sessions() as session:
        return session.get(ClipTalk, clip_id)


def test_transcribing_measures_talk_and_the_silence_between_readings(
    ctx, session, demo, run_jobs, tmp_path
):
    wavs = [wav for wav, _ in librivox_reference()[:2]]
    source = speech_clip(tmp_path / "two.mp4", wavs, silence_after=3.0)
    clip = upload(session, ctx.storage, ECT, source)
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()

    talk = _talk(ctx, clip.id)
    assert talk is not None
    detail = talk.detail
    assert detail["voiced"] is True  # word timings were cut to the sound itself
    # Two readings, each followed by 3 s of silence (plus the room noise either side of a
    # reading, which is quiet enough to count as silence).
    silences = [(a, b) for a, b, kind in detail["timeline"] if kind == "silence"]
    long_ones = [b - a for a, b in silences if b - a >= 2.7]
    assert len(long_ones) == 2 and all(gap < 4.5 for gap in long_ones), detail["timeline"]
    assert 0.3 < talk.speech_share < 0.9
    assert talk.longest_stretch > 1.0
    assert talk.questions == 0 and talk.median_wait is None  # Austen reads no questions
    with ctx.sessions() as s:
        words = sum(
            len(seg.words)
            for seg in s.scalars(
                select(TranscriptSegment).where(TranscriptSegment.clip_id == clip.id)
            )
        )
    assert detail["words"] == words > 10
    assert 100 < talk.words_per_minute < 300
    # The school has not said how its teachers are miked: no guessing who spoke.
    assert talk.teacher_share is None
    assert detail["speakers"]["method"] is None
    assert "camera" in detail["speakers"]["reason"]


def test_a_clip_without_speech_is_measured_with_no_figures(ctx, session, demo, run_jobs, tmp_path):
    silent = upload(
        session, ctx.storage, ECT, generated_clip(tmp_path / "silent.mp4", duration=3, tone_hz=0)
    )
    enqueue_processing(ctx.redis, silent.id, stale_after=ctx.stale_after)
    run_jobs()
    talk = _talk(ctx, silent.id)
    assert talk is not None  # measured, so `measure-talk` does not queue it again
    assert not talk.speech_found
    # Silence is not 0 % talk at 0 words a minute: there are no figures at all.
    assert (talk.speech_share, talk.longest_stretch, talk.questions) == (None, None, None)
    assert (talk.words_per_minute, talk.median_wait, talk.teacher_share) == (None, None, None)
    assert talk.questions_per_10_minutes is None
    assert talk.detail["speech_found"] is False and talk.detail["duration"] > 2.5


def test_transcribing_again_replaces_the_figures(ctx, session, demo, run_jobs, tmp_path):
    wavs = [wav for wav, _ in librivox_reference()[:1]]
    clip = upload(session, ctx.storage, ECT, speech_clip(tmp_path / "one.mp4", wavs))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    first = _talk(ctx, clip.id)
    school = session.get(School, clip.school_id)
    school.teacher_microphone = "lapel"  # the teacher wears a lapel microphone from now on
    session.commit()
    transcribe_clip(clip.id)
    again = _talk(ctx, clip.id)
    assert again.computed_at > first.computed_at
    assert again.detail["timeline"] == first.detail["timeline"]
    with ctx.sessions() as s:
        assert len(list(s.scalars(select(ClipTalk).where(ClipTalk.clip_id == clip.id)))) == 1
        assert s.get(type(clip), clip.id).transcript_status == TranscriptStatus.READY
    # One voice, far above the room: a lapel teacher talking throughout.
    assert again.detail["speakers"]["method"] == "loudness", again.detail["speakers"]
    assert again.teacher_share is not None and again.teacher_share > 0.9


def _stereo_lesson(tmp_path: Path) -> tuple[Path, float]:
    """A teacher on a left-channel lapel, 1 s of silence, then a pupil heard mostly by the
    camera on the right. Returns the clip and the moment between the two voices."""
    teacher_wav, pupil_wav = (wav for wav, _ in librivox_reference()[:2])
    teacher, pupil = (read_audio(str(w)) for w in (teacher_wav, pupil_wav))
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    left = np.concatenate((teacher, gap, 0.06 * pupil))
    right = np.concatenate((0.4 * teacher, gap, pupil))
    wav = tmp_path / "stereo.wav"
    with wave.open(str(wav), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        both = np.stack((left, right), axis=1).clip(-1, 1)
        writer.writeframes((both * 32767).astype("<i2").tobytes())
    clip = tmp_path / "stereo.mp4"
    subprocess.run(
        [
            media_pipeline.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
            "-i", str(wav), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
            "-map", "1:v", "-map", "0:a", "-c:v", "libx264", "-preset", "ultrafast",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip),
        ],
        check=True,
    )  # fmt: skip

    return clip, len(teacher) / SAMPLE_RATE + 0.5  # the middle of the gap


def test_a_lapel_on_the_left_channel_tells_the_teacher_from_the_pupils(
    ctx, session, demo, run_jobs, tmp_path
):
    source, between = _stereo_lesson(tmp_path)
    clip = upload(session, ctx.storage, ECT, source)
    session.get(School, clip.school_id).teacher_microphone = "lapel_left"
    session.commit()
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    talk = _talk(ctx, clip.id)
    speakers = talk.detail["speakers"]
    assert speakers["method"] == "channel", speakers
    # All the talk before the gap is the teacher's, all after it the pupil's.
    speech = [(a, b) for a, b, kind in talk.detail["timeline"] if kind == "speech"]
    teacher_seconds = sum(max(min(b, between) - a, 0) for a, b in speech)
    pupil_seconds = sum(max(b - max(a, between), 0) for a, b in speech)
    assert speakers["teacher_seconds"] == pytest.approx(teacher_seconds, abs=0.3)
    assert speakers["pupil_seconds"] == pytest.approx(pupil_seconds, abs=0.3)
    assert talk.teacher_share == pytest.approx(
        teacher_seconds / (teacher_seconds + pupil_seconds), abs=0.05
    )
    kinds = [kind for _, _, kind in speakers["spans"]]
    assert kinds[0] == "teacher" and kinds[-1] == "pupils"


def test_clips_transcribed_before_figures_existed_are_measured_on_request(
    ctx, session, demo, run_jobs, settings, tmp_path
):
    wavs = [wav for wav, _ in librivox_reference()[:1]]
    clip = upload(session, ctx.storage, ECT, speech_clip(tmp_path / "old.mp4", wavs))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    with ctx.sessions() as s:  # as if transcribed before talk figures were measured
        s.delete(s.get(ClipTalk, clip.id))
        s.commit()
    runner = CliRunner()
    env = worker_env(settings)
    dry = runner.invoke(main, ["measure-talk", "--dry-run"], env=env, catch_exceptions=False)
    assert dry.exit_code == 0 and f"would queue clip {clip.id}" in dry.output
    assert "Dry run: 1 clip(s)" in dry.output
    run_jobs()
    assert _talk(ctx, clip.id) is None  # a dry run queues nothing

    done = runner.invoke(main, ["measure-talk"], env=env, catch_exceptions=False)
    assert done.exit_code == 0 and "Queued 1 clip(s)" in done.output
    run_jobs()
    assert _talk(ctx, clip.id) is not None
    again = runner.invoke(main, ["measure-talk"], env=env, catch_exceptions=False)
    assert "Queued 0 clip(s)" in again.output


def test_a_schools_microphone_setting_is_one_the_speaker_split_knows():
    # The service stores the setting as its own enum; the talk stage hands the value across.
    assert [m.value for m in TeacherMicrophone] == [m.value for m in media_pipeline.Microphone]
    assert "left channel" in TeacherMicrophone.LAPEL_LEFT.label
    assert "camera's microphone on the right" in TeacherMicrophone.LAPEL_LEFT.label
    assert len({m.label for m in TeacherMicrophone}) == 4
