"""The sound-only branch of process_clip: keep a clip's sound as AAC, delete the original.

For a class the school records as sound only, no video outlives processing: the .m4a is
stored first, then the original upload is deleted, then the clip is recorded as ready. If a
run dies after the delete, the next run finds the sound already stored and only records it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from rq import get_current_job
from rq.job import Job

import media_pipeline
from service import sound_only
from workers.context import WorkerContext
from workers.queues import enqueue_transcription

log = logging.getLogger(__name__)


def keep_sound_only(ctx: WorkerContext, clip_id: int, original_key: str) -> dict[str, object]:
    """process_clip for a sound-only clip: keep its sound, delete the original, queue the
    transcript. A media error is recorded on the clip, anything else too and then re-raised."""
    # The jobs module calls this one; its helpers are shared, not copied.
    from workers.jobs import UNEXPECTED, _fail, _workdir

    job = get_current_job()
    try:
        with _workdir("clip", clip_id) as tmp:
            outcome = _keep(ctx, clip_id, original_key, Path(tmp), job)
    except media_pipeline.MediaError as exc:
        log.warning("clip %s cannot be used: %s (%s)", clip_id, exc.reason, exc.detail)
        _fail(ctx, clip_id, exc.reason)
        return {"clip_id": clip_id, "failed": exc.reason}
    except Exception:
        log.exception("keeping the sound of clip %s failed unexpectedly", clip_id)
        _fail(ctx, clip_id, UNEXPECTED)
        raise
    if job is not None:
        job.meta.update(stage="done", progress=1.0)
        job.save_meta()
    # Playable now; the transcript follows from the sound as for any clip.
    enqueue_transcription(ctx.redis, clip_id, outcome.duration, stale_after=ctx.stale_after)
    return {"clip_id": clip_id, "method": sound_only.METHOD, "duration": outcome.duration}


@dataclass(frozen=True)
class _Kept:
    duration: float


def _keep(
    ctx: WorkerContext, clip_id: int, original_key: str, work: Path, job: Job | None
) -> _Kept:
    from workers.jobs import Progress

    storage = ctx.storage
    key = sound_only.audio_key(clip_id)
    audio = work / "audio.m4a"
    if not storage.exists(original_key) and storage.exists(key):
        # An earlier run stored the sound and deleted the original, then died: only record it.
        Progress(job, 0.05, 0.9).stage("saving")
        storage.download(key, audio)
        duration = media_pipeline.probe_sound(audio).duration
    else:
        source = work / "original"
        Progress(job, 0.05, 0.06).stage("probing")
        storage.download(original_key, source)
        info = media_pipeline.probe_sound(source)
        options = media_pipeline.AudioOnlyOptions(
            ffmpeg=ctx.settings.ffmpeg_binary,
            max_duration=float(ctx.settings.max_clip_seconds),
        )
        keeping = Progress(job, 0.06, 0.9)
        keeping.stage("extracting")
        duration = media_pipeline.make_audio_only(
            source, audio, options, keeping, info=info
        ).duration
        Progress(job, 0.9, 1.0).stage("saving")
        storage.put_file(key, audio)
    # The sound is safe in storage: now nothing of the picture may remain.
    storage.delete(original_key)
    with ctx.sessions() as session:
        sound_only.mark_sound_only_ready(session, clip_id, audio=key, duration=duration)
    log.info("clip %s kept as sound only (%.1fs); original deleted", clip_id, duration)
    return _Kept(duration)
