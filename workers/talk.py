"""The talk stage of transcription: measure talk from the transcript and the clip's sound.

Runs inside the transcription job, on the WAV it already extracted. A failure here is logged
and leaves the clip without talk figures; it never costs the clip its transcript.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import media_pipeline
from service import talk
from service.models import Clip
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
    with ctx.sessions() as session:
        talk.save_talk(session, clip_id, measured.stats, measured.split, voiced=measured.voiced)
