"""The RQ jobs. Each takes a clip id, reloads the row, and works in a fixed order:
download to a temporary folder, run the media function, upload the outputs, then record the
result through the service layer. Re-running a job ends in the same state (idempotent)."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path

from rq import get_current_job
from rq.job import Job

import media_pipeline
from config import Settings
from service import clips, transcripts
from service.models import BlurStatus, Clip, ClipStatus
from workers import talk
from workers.audio_only import keep_sound_only
from workers.context import WorkerContext, current_context
from workers.queues import enqueue_blur, enqueue_processing, enqueue_transcription

log = logging.getLogger(__name__)

TRANSCRIPT_UNEXPECTED = (
    "Something went wrong on our side while transcribing this clip. The "
    "clip can still be watched; we will try the transcript again."
)
UNEXPECTED = (
    "Something went wrong on our side while preparing this clip. We will try again "
    "automatically; if it keeps failing, please upload it again."
)


class Progress:
    """Report one stage's progress into the job's meta, at most a few times a second."""

    def __init__(self, job: Job | None, start: float, end: float, interval: float = 0.5):
        self.job, self.start, self.end, self.interval = job, start, end, interval
        self._last = 0.0

    def stage(self, name: str, fraction: float = 0.0) -> None:
        if self.job is not None:
            self.job.meta["stage"] = name
        self._save(fraction, force=True)

    def __call__(self, fraction: float) -> None:
        self._save(fraction, force=fraction >= 1.0)

    def _save(self, fraction: float, force: bool) -> None:
        if self.job is None:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        fraction = min(max(fraction, 0.0), 1.0)
        self.job.meta["progress"] = round(self.start + (self.end - self.start) * fraction, 4)
        self.job.save_meta()


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
        return clips.mark_processing(session, clip_id)


def _workdir(kind: str, clip_id: int) -> tempfile.TemporaryDirectory[str]:
    """Make this run's temporary folder, removing any a killed run of the same job left."""
    prefix = f"coachreel-{kind}-{clip_id}-"
    # Safe: the deterministic job id means only one job for this clip runs at a time.
    for stale in Path(tempfile.gettempdir()).glob(prefix + "*"):
        shutil.rmtree(stale, ignore_errors=True)
    return tempfile.TemporaryDirectory(prefix=prefix)


def _fail(ctx: WorkerContext, clip_id: int, reason: str) -> None:
    for key in (clips.video_key(clip_id), clips.poster_key(clip_id)):
        ctx.storage.delete(key)
    with ctx.sessions() as session:
        clips.mark_failed(session, clip_id, reason)


def probe_clip(clip_id: int) -> dict[str, object]:
    """Check the upload is a video we can read, record its duration, queue processing."""
    ctx = current_context()
    clip = _load_for_work(ctx, clip_id)
    if clip is None:
        return {"clip_id": clip_id, "skipped": True}
    progress = Progress(get_current_job(), 0.0, 0.05)
    progress.stage("probing")
    try:
        with _workdir("probe", clip_id) as tmp:
            source = Path(tmp) / "original"
            ctx.storage.download(clip.original_key, source)
            # A sound-only class may send a recording with no picture at all.
            info = (media_pipeline.probe_sound if clip.audio_only else media_pipeline.probe)(source)
        limit = ctx.settings.max_clip_seconds
        if info.duration > limit:
            raise media_pipeline.TooLong.for_limit(info.duration, limit)
    except media_pipeline.MediaError as exc:
        # The file itself is the problem: retrying cannot help, so record it and stop here.
        log.warning("clip %s cannot be used: %s (%s)", clip_id, exc.reason, exc.detail)
        _fail(ctx, clip_id, exc.reason)
        return {"clip_id": clip_id, "failed": exc.reason}
    except Exception:
        log.exception("probing clip %s failed unexpectedly", clip_id)
        _fail(ctx, clip_id, UNEXPECTED)
        raise
    progress(1.0)
    with ctx.sessions() as session:
        clips.record_duration(session, clip_id, info.duration)
    enqueue_processing(ctx.redis, clip_id, info.duration, stale_after=ctx.stale_after)
    return {"clip_id": clip_id, "duration": info.duration}


def process_clip(clip_id: int) -> dict[str, object]:
    """Make a clip playable in browsers, take its poster, and mark it ready."""
    ctx = current_context()
    clip = _load_for_work(ctx, clip_id)
    if clip is None:
        return {"clip_id": clip_id, "skipped": True}
    if clip.audio_only:  # a sound-only class: the sound alone is kept (workers/audio_only.py)
        return keep_sound_only(ctx, clip_id, clip.original_key)
    job = get_current_job()
    settings = ctx.settings
    options = media_pipeline.TranscodeOptions(
        ffmpeg=settings.ffmpeg_binary,
        max_height=settings.transcode_max_height,
        max_duration=float(settings.max_clip_seconds),
    )
    try:
        with _workdir("clip", clip_id) as tmp:
            work = Path(tmp)
            source, video, poster = work / "original", work / "video.mp4", work / "poster.jpg"
            Progress(job, 0.05, 0.06).stage("probing")
            ctx.storage.download(clip.original_key, source)
            info = media_pipeline.probe(source)
            transcode = Progress(job, 0.06, 0.9)
            stage = (
                "remuxing"
                if media_pipeline.choose_method(info, options) == "remux"
                else ("transcoding")
            )
            transcode.stage(stage)
            result = media_pipeline.make_playable(source, video, options, transcode, info=info)
            Progress(job, 0.9, 0.95).stage("poster")
            media_pipeline.make_poster(video, poster)
            Progress(job, 0.95, 1.0).stage("saving")
            # Outputs first, database last: a clip is ready only once its files are complete.
            ctx.storage.put_file(clips.video_key(clip_id), video)
            ctx.storage.put_file(clips.poster_key(clip_id), poster)
    except media_pipeline.MediaError as exc:
        log.warning("clip %s cannot be used: %s (%s)", clip_id, exc.reason, exc.detail)
        _fail(ctx, clip_id, exc.reason)
        return {"clip_id": clip_id, "failed": exc.reason}
    except Exception:
        log.exception("processing clip %s failed unexpectedly", clip_id)
        _fail(ctx, clip_id, UNEXPECTED)
        raise
    with ctx.sessions() as session:
        ready = clips.mark_ready(
            session,
            clip_id,
            video=clips.video_key(clip_id),
            poster=clips.poster_key(clip_id),
            duration=result.duration,
            width=result.width,
            height=result.height,
            method=result.method,
        )
        blur_wanted = ready is not None and ready.blur_status == BlurStatus.REQUESTED
    if blur_wanted:  # asked for at upload, or while it was processing
        enqueue_blur(ctx.redis, clip_id, result.duration, stale_after=ctx.stale_after)
    if job is not None:
        job.meta.update(stage="done", progress=1.0)
        job.save_meta()
    log.info("clip %s ready (%s, %.1fs)", clip_id, result.method, result.duration)
    # Watchable now; the transcript follows as a stage of its own.
    enqueue_transcription(ctx.redis, clip_id, result.duration, stale_after=ctx.stale_after)
    return {"clip_id": clip_id, "method": result.method, "duration": result.duration}


def whisper_options(settings: Settings) -> media_pipeline.WhisperOptions:
    """Build the transcriber's options from settings."""
    return media_pipeline.WhisperOptions(
        model=settings.whisper_model,
        device=settings.whisper_device,
        compute_type=settings.whisper_compute_type,
        threads=settings.whisper_threads,
        language=settings.whisper_language,
    )


def transcribe_clip(clip_id: int) -> dict[str, object]:
    """Transcribe a playable clip, store its captions, and record its segments."""
    ctx = current_context()
    with ctx.sessions() as session:
        clip = transcripts.mark_transcribing(session, clip_id)
    if clip is None or clip.video_key is None:
        log.info("clip %s is gone or not playable; no transcript to make", clip_id)
        return {"clip_id": clip_id, "skipped": True}
    job = get_current_job()
    captions_key = None
    try:
        with _workdir("transcribe", clip_id) as tmp:
            work = Path(tmp)
            Progress(job, 0.0, 0.05).stage("extracting")
            video = work / "video.mp4"
            ctx.storage.download(clip.video_key, video)
            track = media_pipeline.extract_audio(
                video, work / "audio.wav", ffmpeg=ctx.settings.ffmpeg_binary
            )
            options = whisper_options(ctx.settings)
            if track is None or track.samples == 0:
                # No sound at all is not an error: the transcript is simply empty.
                result = media_pipeline.Transcript(
                    language=options.language or "", duration=clip.duration or 0.0, segments=()
                )
            else:
                transcribing = Progress(job, 0.05, 0.95)
                transcribing.stage("transcribing")
                result = media_pipeline.transcribe(track.path, options, transcribing)
            Progress(job, 0.95, 0.98).stage("measuring talk")
            measured = talk.measure(ctx, clip_id, result, video=video, track=track, work=work)
            if result.segments:
                captions = work / "captions.vtt"
                captions.write_text(media_pipeline.to_webvtt(result), encoding="utf-8")
                captions_key = transcripts.captions_key(clip_id)
                ctx.storage.put_file(captions_key, captions)
            else:
                ctx.storage.delete(transcripts.captions_key(clip_id))
    except media_pipeline.MediaError as exc:
        log.warning("clip %s cannot be transcribed: %s (%s)", clip_id, exc.reason, exc.detail)
        with ctx.sessions() as session:
            transcripts.mark_transcript_failed(session, clip_id, exc.reason)
        return {"clip_id": clip_id, "failed": exc.reason}
    except Exception:
        log.exception("transcribing clip %s failed unexpectedly", clip_id)
        with ctx.sessions() as session:
            transcripts.mark_transcript_failed(session, clip_id, TRANSCRIPT_UNEXPECTED)
        raise
    segments = [
        transcripts.SegmentData(s.start, s.end, s.text, [(w.start, w.end, w.text) for w in s.words])
        for s in result.segments
    ]
    with ctx.sessions() as session:
        transcripts.save_transcript(
            session, clip_id, segments, language=result.language or None, captions=captions_key
        )
    talk.save(ctx, clip_id, measured)
    if job is not None:
        job.meta.update(stage="done", progress=1.0)
        job.save_meta()
    log.info("clip %s transcribed: %d segments", clip_id, len(segments))
    return {"clip_id": clip_id, "segments": len(segments)}
