"""The transcription job: a playable clip's sound in, transcript segments, WebVTT captions and
talk figures out. It runs on the ``transcribe`` queue, so GPU hosts can take only this work.
"""

from __future__ import annotations

import logging

import media_pipeline
from config import Settings
from service.clips import transcripts
from service.storage import keys
from workers import talk
from workers.context import current_context
from workers.stages import TRANSCRIPT, Stage

log = logging.getLogger(__name__)


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
    stage = Stage(ctx, clip_id, TRANSCRIPT, doing="transcribing")
    captions_key = None
    with stage.work("transcribe") as work:
        stage.progress(0.0, 0.05).stage("extracting")
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
            transcribing = stage.progress(0.05, 0.95)
            transcribing.stage("transcribing")
            result = media_pipeline.transcribe(track.path, options, transcribing)
        stage.progress(0.95, 0.98).stage("measuring talk")
        measured = talk.measure(ctx, clip_id, result, video=video, track=track, work=work)
        if result.segments:
            captions = work / "captions.vtt"
            captions.write_text(media_pipeline.to_webvtt(result), encoding="utf-8")
            # Beside the previous captions, never over them: they are served until we save.
            captions_key = keys.captions_key(clip_id, besides=clip.captions_key)
            ctx.storage.put_file(captions_key, captions)
    if stage.failed:
        return stage.failed
    segments = [
        transcripts.SegmentData(s.start, s.end, s.text, [(w.start, w.end, w.text) for w in s.words])
        for s in result.segments
    ]
    with ctx.sessions() as session:
        transcripts.save_transcript(
            session, clip_id, segments, language=result.language or None, captions=captions_key
        )
    if clip.captions_key is not None and clip.captions_key != captions_key:
        ctx.storage.delete(clip.captions_key)  # the previous captions, no longer served
    talk.save(ctx, clip_id, measured)
    stage.done()
    log.info("clip %s transcribed: %d segments", clip_id, len(segments))
    return {"clip_id": clip_id, "segments": len(segments)}
