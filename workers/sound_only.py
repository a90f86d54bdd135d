"""The sound-only branch of process_clip: keep a clip's sound as AAC, delete the original.

For a class the school records as sound only, no video outlives processing: the .m4a is
stored first, then the original upload is deleted, then the clip is recorded as ready. If a
run dies after the delete, the next run finds the sound already stored and only records it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import media_pipeline
from service.clips import lifecycle
from service.storage import keys
from workers.context import WorkerContext
from workers.queues import enqueue_transcription
from workers.stages import PROCESSING, Stage

log = logging.getLogger(__name__)


def keep_sound_only(ctx: WorkerContext, clip_id: int, original_key: str) -> dict[str, object]:
    """Keep a sound-only clip's sound, delete its original, and queue its transcript."""
    stage = Stage(ctx, clip_id, PROCESSING, doing="keeping the sound of")
    with stage.work("clip") as work:
        duration = _keep(ctx, stage, original_key, work)
    if stage.failed:
        return stage.failed
    stage.done()
    # Playable now; the transcript follows from the sound as for any clip.
    enqueue_transcription(ctx.redis, clip_id, duration, stale_after=ctx.stale_after)
    return {"clip_id": clip_id, "method": lifecycle.SOUND_ONLY_METHOD, "duration": duration}


def _keep(ctx: WorkerContext, stage: Stage, original_key: str, work: Path) -> float:
    """Store the clip's sound, delete its original, record it ready; return its duration."""
    clip_id = stage.clip_id
    storage = ctx.storage
    key = keys.audio_key(clip_id)
    audio = work / "audio.m4a"
    if not storage.exists(original_key) and storage.exists(key):
        # An earlier run stored the sound and deleted the original, then died: only record it.
        stage.progress(0.05, 0.9).stage("saving")
        storage.download(key, audio)
        duration = media_pipeline.probe_sound(audio).duration
    else:
        source = work / "original"
        stage.progress(0.05, 0.06).stage("probing")
        storage.download(original_key, source)
        info = media_pipeline.probe_sound(source)
        options = media_pipeline.AudioOnlyOptions(
            ffmpeg=ctx.settings.ffmpeg_binary,
            max_duration=float(ctx.settings.max_clip_seconds),
        )
        keeping = stage.progress(0.06, 0.9)
        keeping.stage("extracting")
        duration = media_pipeline.make_audio_only(
            source, audio, options, keeping, info=info
        ).duration
        stage.progress(0.9, 1.0).stage("saving")
        storage.put_file(key, audio)
    # The sound is safe in storage: now nothing of the picture may remain.
    storage.delete(original_key)
    with ctx.sessions() as session:
        lifecycle.mark_ready(
            session,
            clip_id,
            video=key,
            poster=None,
            duration=duration,
            width=None,
            height=None,
            method=lifecycle.SOUND_ONLY_METHOD,
            original_deleted=True,
        )
    log.info("clip %s kept as sound only (%.1fs); original deleted", clip_id, duration)
    return duration
