"""The talk stage of transcription: measure talk from the transcript and the clip's sound.

Runs inside the transcription job, on the WAV it already extracted. A failure here is logged
and leaves the clip without talk figures; it never costs the clip its transcript. What was
measured (media_pipeline's TalkStats and SpeakerSplit) is turned here into the plain
TalkFigures the service stores (``talk_figures``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import media_pipeline
from service.models import Clip
from service.talk import figures
from service.talk.figures import TalkFigures
from workers.context import WorkerContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Measured:
    stats: media_pipeline.TalkStats
    split: media_pipeline.SpeakerSplit | None
    voiced: bool


def measure(
    ctx: WorkerContext,
    clip_id: int,
    transcript: media_pipeline.Transcript,
    *,
    video: Path,
    track: media_pipeline.AudioTrack | None,
    work: Path,
) -> Measured | None:
    """Return the clip's talk figures, or None (logged) when they cannot be measured."""
    try:
        with ctx.sessions() as session:
            clip = session.get(Clip, clip_id)
            setting = clip.school.teacher_microphone if clip is not None else "none"
        microphone = media_pipeline.Microphone(setting)
        wav = track.path if track is not None and track.samples > 0 else None
        voice = media_pipeline.find_voice(wav) if wav is not None else None
        stats = media_pipeline.analyse_talk(transcript, voice=voice)
        stereo = None
        if wav is not None and microphone in (
            media_pipeline.Microphone.LAPEL_LEFT,
            media_pipeline.Microphone.LAPEL_RIGHT,
        ):
            stereo = media_pipeline.extract_channels(
                video, work / "channels.wav", ffmpeg=ctx.settings.ffmpeg_binary
            )
        speech = [(s.start, s.end) for s in stats.timeline if s.kind == "speech"]
        split = media_pipeline.split_speakers(speech, microphone, mono_wav=wav, stereo_wav=stereo)
        return Measured(stats=stats, split=split, voiced=voice is not None)
    except Exception:
        log.exception("clip %s: talk figures could not be measured", clip_id)
        return None


def save(ctx: WorkerContext, clip_id: int, measured: Measured | None) -> None:
    """Store the figures with the clip (after its transcript)."""
    if measured is None:
        return
    talk = talk_figures(measured.stats, measured.split, voiced=measured.voiced)
    with ctx.sessions() as session:
        figures.save_talk(session, clip_id, talk)


def talk_figures(
    stats: media_pipeline.TalkStats,
    split: media_pipeline.SpeakerSplit | None = None,
    *,
    voiced: bool = False,
) -> TalkFigures:
    """Turn measured talk (and its speaker split, if any) into the figures a clip keeps; a clip
    in which no speech was found keeps no figures (silence is not 0 % talk)."""
    if stats.words == 0 or stats.speech_seconds <= 0:
        detail = {
            "version": 1,
            "speech_found": False,
            "voiced": voiced,
            "duration": round(float(stats.duration), 2),
        }
        return TalkFigures.silent(float(stats.duration), detail)
    longest = stats.longest_stretch
    return TalkFigures(
        duration=float(stats.duration),
        speech_share=float(stats.speech_share),
        longest_stretch=float(longest.seconds) if longest else 0.0,
        questions=len(stats.questions),
        median_wait=_opt(stats.median_wait),
        words_per_minute=float(stats.words_per_minute_speaking),
        teacher_share=None if split is None else split.teacher_share,
        detail=_detail(stats, split, voiced=voiced),
    )


def _detail(
    stats: media_pipeline.TalkStats, split: media_pipeline.SpeakerSplit | None, *, voiced: bool
) -> dict[str, Any]:
    """The JSON document kept with a clip's figures (times in seconds, rounded to 10 ms)."""

    def r(value: float) -> float:
        return round(float(value), 2)

    longest = stats.longest_stretch
    return {
        "version": 1,
        "speech_found": True,
        "voiced": voiced,  # word timings were cut to the voiced sound (find_voice)
        "duration": r(stats.duration),
        "speech_seconds": r(stats.speech_seconds),
        "silence_seconds": r(stats.silence_seconds),
        "longest_stretch": None if longest is None else [r(longest.start), r(longest.end)],
        "questions": [
            {"start": r(q.start), "end": r(q.end), "text": q.text, "wait": _opt(q.wait)}
            for q in stats.questions
        ],
        "words": stats.words,
        "words_per_minute_overall": r(stats.words_per_minute_overall),
        "timeline": [[r(s.start), r(s.end), s.kind] for s in stats.timeline],
        "speakers": None
        if split is None
        else {
            "method": split.method,
            "reason": split.reason,
            "teacher_seconds": r(split.teacher_seconds),
            "pupil_seconds": r(split.pupil_seconds),
            "spans": [[r(a), r(b), kind] for a, b, kind in split.spans],
        },
    }


def _opt(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)
