"""Cutting a highlight out of its source: the first step of a highlight's processing.

The probe job runs this before probing a highlight it has not cut yet: the part is cut from
the source's playable video (blurred where faces were blurred) and stored as the highlight's
original; then the cut, with its comments and transcript lines, is saved in one commit, and the
highlight is prepared like any upload. A killed run cuts again: nothing is saved before.
"""

from __future__ import annotations

from pathlib import Path

import media_pipeline
from media_pipeline.cut import cut
from service.clips import highlights
from service.storage import keys
from workers.context import WorkerContext
from workers.stages import Progress


class SourceGone(media_pipeline.MediaError):
    default_reason = (
        "The clip this highlight was to be cut from was deleted before it could be cut."
    )


def cut_if_needed(
    ctx: WorkerContext, clip_id: int, original_key: str, work: Path, progress: Progress
) -> None:
    """Cut the highlight's part out of its source into its original, if not done yet."""
    with ctx.sessions() as session:
        pending = highlights.pending_cut(session, clip_id)
    if pending is None:
        return
    if pending.source_video_key is None:
        raise SourceGone()
    progress.stage("cutting")
    source = work / ("source" + Path(pending.source_video_key).suffix)
    ctx.storage.download(pending.source_video_key, source)
    probe = media_pipeline.probe_sound if pending.audio_only else media_pipeline.probe
    result = cut(
        source,
        work / "cut.mp4",
        pending.start,
        pending.end,
        exact=pending.exact,
        binary=ctx.settings.ffmpeg_binary,
        on_progress=progress,
        info=probe(source),
    )
    with ctx.sessions() as session:
        segments = highlights.carried_segments(
            session, clip_id, result.start, result.start + result.duration
        )
    captions = None
    if segments:
        vtt = work / "captions.vtt"
        vtt.write_text(media_pipeline.to_webvtt(_transcript(segments, result.duration)), "utf-8")
        captions = keys.captions_key(clip_id)
        ctx.storage.put_file(captions, vtt)
    ctx.storage.put_file(original_key, Path(result.path))
    with ctx.sessions() as session:
        highlights.record_cut(
            session,
            clip_id,
            start=result.start,
            duration=result.duration,
            size=Path(result.path).stat().st_size,
            segments=segments,
            captions=captions,
        )
    Path(result.path).unlink()
    source.unlink()


def _transcript(segments, duration: float) -> media_pipeline.Transcript:
    return media_pipeline.Transcript(
        language="",
        duration=duration,
        segments=tuple(
            media_pipeline.Segment(
                index=n,
                start=seg.start,
                end=seg.end,
                text=seg.text,
                words=(),  # the captions are drawn from the lines' text alone
            )
            for n, seg in enumerate(segments)
        ),
    )
