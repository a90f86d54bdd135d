"""The face-blur job: blur every pupil's face in a playable clip, keeping the teacher's.

Fixed order, like every job: download the unblurred rendition to a temporary folder, blur it
(with the uploader's touch-up regions, and the whole picture but the teacher where the school
asks for that), take a poster from the blurred video, copy the blurred video into a stream
(HLS segments, nothing encoded again), upload all three beside the video being shown, then
record the result: waiting for the uploader's check, or shared where the school lets blurs
go without it. Once a blurred rendition is shared, its stream is the clip's, and the
unblurred stream is deleted. A blur that fails leaves the video and stream being shown as
they were, and no half stream beside them. Re-running it ends in the same state: a clip
already blurred is left alone, and a new blur always starts from the unblurred rendition.
"""

from __future__ import annotations

import logging
from pathlib import Path

import media_pipeline
from media_pipeline import hls
from service.clips import blur, blur_review
from service.clips.stream import retire_streams
from service.models import BlurStatus, Clip
from service.storage import keys
from workers.context import WorkerContext, current_context
from workers.hls_upload import StreamUploader, clear_stream
from workers.stages import BLUR, Progress, Stage

log = logging.getLogger(__name__)

ORIGINAL_GONE = (
    "The unblurred video of this clip has been deleted, so faces cannot be blurred again."
)
KEEP_NOT_FOUND = (
    "No face was found where you clicked, so every face is blurred. To keep the teacher's "
    "face clear, pause where it is clearly in view and click the middle of it."
)
# A blur asked for again while one runs is done by the same job, at most this many times.
_ROUNDS = 3
# Where blur_faces moves from finding faces (its first pass) to blurring them (its second).
_BLURRING_FROM = 0.7


class _BlurProgress:
    """Report blur_faces' progress, naming the stage: finding faces, then blurring them."""

    def __init__(self, bar: Progress):
        self.bar = bar
        self.blurring = False

    def start(self) -> None:
        self.bar.stage("detecting")

    def __call__(self, fraction: float) -> None:
        if not self.blurring and fraction >= _BLURRING_FROM:
            self.blurring = True
            self.bar.stage("blurring", fraction)
        else:
            self.bar(fraction)


def _keep_point(clip: Clip) -> media_pipeline.KeepPoint | None:
    """The face to keep, in the video's pixels (the row holds fractions of its size)."""
    x, y, t = clip.blur_keep_x, clip.blur_keep_y, clip.blur_keep_t
    if x is None or y is None or t is None or not clip.width or not clip.height:
        return None
    return media_pipeline.KeepPoint(x * clip.width, y * clip.height, t)


def _regions(ctx: WorkerContext, clip: Clip) -> list[media_pipeline.BlurRegion]:
    """The uploader's areas to blur, in the video's pixels (the rows hold fractions)."""
    if not clip.width or not clip.height:
        return []
    width, height = clip.width, clip.height
    with ctx.sessions() as session:
        rows = blur_review.clip_regions(session, clip.id)
    return [
        media_pipeline.BlurRegion(
            r.start_s, r.end_s, r.x0 * width, r.y0 * height, r.x1 * width, r.y1 * height
        )
        for r in rows
    ]


def _blur_once(ctx: WorkerContext, stage: Stage, clip: Clip) -> dict[str, object]:
    clip_id = clip.id
    source_key, _poster = blur.unblurred_keys(clip)
    if source_key is None or not ctx.storage.exists(source_key):
        BLUR.record(ctx, clip_id, ORIGINAL_GONE)
        return {"clip_id": clip_id, "failed": ORIGINAL_GONE}
    keep = _keep_point(clip)
    regions = _regions(ctx, clip)
    options = media_pipeline.BlurOptions(
        ffmpeg=ctx.settings.ffmpeg_binary,
        detect_every=ctx.settings.blur_detect_every,
        outside_teacher=clip.school.blur_outside_teacher,
    )
    # Beside the video being shown, never over it: this one may wait for the uploader's check.
    video_key = keys.blur_key(clip_id, besides=clip.video_key)
    poster_key = keys.blurred_poster_key(clip_id, besides=clip.poster_key)
    try:
        with stage.work("blur") as work:
            source, video, poster = work / "unblurred.mp4", work / "blurred.mp4", work / "p.jpg"
            stage.progress(0.0, 0.03).stage("preparing")
            ctx.storage.download(source_key, source)
            progress = _BlurProgress(stage.progress(0.03, 0.92))
            progress.start()
            result = media_pipeline.blur_faces(
                source, video, options, progress, keep=keep, regions=regions
            )
            stage.progress(0.92, 0.96).stage("poster")
            media_pipeline.make_poster(video, poster)
            stage.progress(0.96, 1.0).stage("saving")
            # Outputs first, database last: the blurred rendition is shown only once complete.
            _save_stream(ctx, clip_id, video, work / "hls", video_key)
            ctx.storage.put_file(video_key, video)
            ctx.storage.put_file(poster_key, poster)
    except BaseException:
        _forget_stream(ctx, clip_id, video_key)  # no half stream is left beside the video
        raise
    if stage.failed:
        _forget_stream(ctx, clip_id, video_key)
        return stage.failed
    notice = KEEP_NOT_FOUND if keep is not None and result.kept_face_frames == 0 else None
    with ctx.sessions() as session:
        done = blur.mark_blurred(
            session,
            clip_id,
            video=video_key,
            poster=poster_key,
            notice=notice,
            face_strip=list(result.face_strip),
        )
        waiting = done is not None and done.blur_status == BlurStatus.REVIEW
        if done is not None:
            # Where it was shared at once, the unblurred stream (or an older blurred one) is
            # never played again from this commit on, and goes now.
            _retire(ctx, done)
    log.info(
        "clip %s blurred (%d regions%s): faces in %d of %d frames, kept face in %d",
        clip_id,
        len(regions),
        ", waiting for the uploader's check" if waiting else "",
        result.frames_with_faces,
        result.frames,
        result.kept_face_frames,
    )
    return {
        "clip_id": clip_id,
        "frames": result.frames,
        "frames_with_faces": result.frames_with_faces,
        "kept_face_frames": result.kept_face_frames,
        "regions": len(regions),
        "review": waiting,
    }


def _save_stream(
    ctx: WorkerContext, clip_id: int, video: Path, folder: Path, video_key: str
) -> None:
    """Copy the blurred MP4 into a stream and upload it under the stream keys of
    ``video_key``: segments and playlists first, the master playlist last."""
    # A killed run's stream of this rendition is not this one's: start it afresh.
    clear_stream(ctx.storage, clip_id, video_key)
    options = hls.StreamOptions(ffmpeg=ctx.settings.ffmpeg_binary)
    renditions = hls.copy_stream(video, folder, options)
    uploader = StreamUploader(ctx.storage, clip_id, folder, video=video_key)
    uploader.plan(renditions)
    uploader.sync()


def _forget_stream(ctx: WorkerContext, clip_id: int, video_key: str) -> None:
    try:
        clear_stream(ctx.storage, clip_id, video_key)
    except Exception:  # the blur's own failure matters more; the next run clears it first
        log.warning("clip %s: could not clear a half-made blurred stream", clip_id)


def _retire(ctx: WorkerContext, clip: Clip) -> None:
    try:
        retire_streams(ctx.storage, clip)
    except Exception:  # blurred all the same: a stream not shown is never served
        log.warning("clip %s: could not delete the streams no longer shown yet", clip.id)


def blur_clip(clip_id: int) -> dict[str, object]:
    """Blur the faces in a playable clip, for its uploader to check (or shared at once)."""
    ctx = current_context()
    stage = Stage(ctx, clip_id, BLUR, doing="blurring")
    outcome: dict[str, object] = {"clip_id": clip_id, "skipped": True}
    for _ in range(_ROUNDS):
        with ctx.sessions() as session:
            clip = blur.mark_blurring(session, clip_id)
        if clip is None:
            break
        outcome = _blur_once(ctx, stage, clip)
        with ctx.sessions() as session:
            again = session.get(Clip, clip_id)
            if "failed" in outcome or again is None or again.blur_status != BlurStatus.REQUESTED:
                break
        log.info("clip %s: a blur was asked for again while this one ran; blurring again", clip_id)
    if outcome.get("skipped"):
        log.info("clip %s has no blur waiting; nothing to do", clip_id)
    stage.done()
    return outcome
