"""The processing jobs: probe an upload, then make it playable in browsers.

Each takes a clip id, reloads the row, and works in a fixed order: download to a work folder,
run the media function, upload the outputs, then record the result through the service layer.
Re-running a job ends in the same state (idempotent).
"""

from __future__ import annotations

import logging

import media_pipeline
from media_pipeline import hls
from service.clips import lifecycle
from service.models import BlurStatus, Clip, ClipStatus, TranscriptStatus
from service.storage import keys
from workers.context import WorkerContext, current_context
from workers.highlight import cut_if_needed
from workers.hls_upload import StreamUploader, clear_stream
from workers.queues import enqueue_blur, enqueue_processing, enqueue_transcription
from workers.sound_only import keep_sound_only
from workers.stages import PROCESSING, Stage

log = logging.getLogger(__name__)


def _load_for_work(ctx: WorkerContext, clip_id: int) -> Clip | None:
    with ctx.sessions() as session:
        clip = session.get(Clip, clip_id)
        if clip is None:
            log.info("clip %s no longer exists; nothing to do", clip_id)
            return None
        if (
            clip.status == ClipStatus.READY
            and clip.video_key
            and ctx.storage.exists(clip.video_key)
        ):
            log.info("clip %s is already ready; nothing to do", clip_id)
            return None
        return lifecycle.mark_processing(session, clip_id)


def probe_clip(clip_id: int) -> dict[str, object]:
    """Check the upload is a video we can read, record its duration, queue processing."""
    ctx = current_context()
    clip = _load_for_work(ctx, clip_id)
    if clip is None:
        return {"clip_id": clip_id, "skipped": True}
    stage = Stage(ctx, clip_id, PROCESSING, doing="probing")
    progress = stage.progress(0.0, 0.05)
    progress.stage("probing")
    with stage.work("probe") as work:
        # A highlight is cut from its source first: its original is that cut.
        cut_if_needed(ctx, clip_id, clip.original_key, work, stage.progress(0.0, 0.04))
        source = work / "original"
        ctx.storage.download(clip.original_key, source)
        # A sound-only class may send a recording with no picture at all.
        info = (media_pipeline.probe_sound if clip.audio_only else media_pipeline.probe)(source)
        limit = ctx.settings.max_clip_seconds
        if info.duration > limit:
            raise media_pipeline.TooLong.for_limit(info.duration, limit)
    if stage.failed:
        return stage.failed
    progress(1.0)
    with ctx.sessions() as session:
        lifecycle.record_duration(session, clip_id, info.duration)
    enqueue_processing(ctx.redis, clip_id, info.duration, stale_after=ctx.stale_after)
    return {"clip_id": clip_id, "duration": info.duration}


def stream_options(ctx: WorkerContext) -> hls.StreamOptions:
    """The stream's options from the settings: its ladder tops at TRANSCODE_MAX_HEIGHT."""
    settings = ctx.settings
    top = settings.transcode_max_height
    return hls.StreamOptions(
        ffmpeg=settings.ffmpeg_binary,
        ladder=(*(h for h in settings.hls_ladder if h < top), top),
        max_duration=float(settings.max_clip_seconds),
    )


def process_clip(clip_id: int) -> dict[str, object]:
    """Stream a clip as it is made playable in browsers, take its poster, mark it ready."""
    ctx = current_context()
    clip = _load_for_work(ctx, clip_id)
    if clip is None:
        return {"clip_id": clip_id, "skipped": True}
    if clip.audio_only:  # a sound-only class: the sound alone is kept (workers/sound_only.py)
        return keep_sound_only(ctx, clip_id, clip.original_key)
    options = stream_options(ctx)
    stage = Stage(ctx, clip_id, PROCESSING, doing="processing")
    with stage.work("clip") as work:
        source, video, poster = work / "original", work / "video.mp4", work / "poster.jpg"
        stage.progress(0.05, 0.06).stage("probing")
        ctx.storage.download(clip.original_key, source)
        info = media_pipeline.probe(source)
        # A killed run's stream is not this run's: start it afresh, never half and half.
        clear_stream(ctx.storage, clip_id)
        stage.report(stream_seconds=0.0)  # a retried job keeps its meta: none of it is there
        transcode = stage.progress(0.06, 0.9)
        method, _renditions = hls.plan(info, options)
        transcode.stage("remuxing" if method == "remux" else "transcoding")
        # The stream goes up as ffmpeg writes it: the clip plays before it is finished.
        uploader = StreamUploader(
            ctx.storage, clip_id, work / "hls", lambda s: stage.report(stream_seconds=s)
        )
        with uploader:
            result = hls.make_stream(
                source, work / "hls", video, options, transcode, info=info, on_plan=uploader.plan
            )
        stage.progress(0.9, 0.95).stage("poster")
        media_pipeline.make_poster(video, poster)
        stage.progress(0.95, 1.0).stage("saving")
        # Outputs first, database last: a clip is ready only once its files are complete.
        ctx.storage.put_file(keys.video_key(clip_id), video)
        ctx.storage.put_file(keys.poster_key(clip_id), poster)
    if stage.failed:
        return stage.failed
    with ctx.sessions() as session:
        ready = lifecycle.mark_ready(
            session,
            clip_id,
            video=keys.video_key(clip_id),
            poster=keys.poster_key(clip_id),
            duration=result.duration,
            width=result.width,
            height=result.height,
            method=result.method,
        )
        blur_wanted = ready is not None and ready.blur_status == BlurStatus.REQUESTED
        # A highlight may bring its source's transcript lines: then there is nothing to make.
        transcript_wanted = (
            ready is not None and ready.transcript_status == TranscriptStatus.PENDING
        )
    if blur_wanted:  # asked for at upload, or while it was processing
        enqueue_blur(ctx.redis, clip_id, result.duration, stale_after=ctx.stale_after)
    stage.done()
    log.info("clip %s ready (%s, %.1fs)", clip_id, result.method, result.duration)
    if transcript_wanted:  # watchable now; the transcript follows as a stage of its own
        enqueue_transcription(ctx.redis, clip_id, result.duration, stale_after=ctx.stale_after)
    return {"clip_id": clip_id, "method": result.method, "duration": result.duration}
