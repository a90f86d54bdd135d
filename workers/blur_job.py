"""The face-blur job: blur every pupil's face in a playable clip, keeping the teacher's.

Fixed order, like every job: download the unblurred rendition to a temporary folder, blur it,
take a poster from the blurred video, upload both, then record the result. Re-running it ends
in the same state: a clip already blurred is left alone, and a new blur always starts from
the unblurred rendition under the same keys.
"""

from __future__ import annotations

import logging
from pathlib import Path

from rq import get_current_job
from rq.job import Job

import media_pipeline
from service import blur
from service.models import BlurStatus, Clip
from workers.context import WorkerContext, current_context
from workers.jobs import Progress, _workdir

log = logging.getLogger(__name__)

BLUR_UNEXPECTED = (
    "Something went wrong on our side while blurring faces in this clip. We will try again "
    "automatically; if it keeps failing, ask for the blur again from the clip's page."
)
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

    def __init__(self, job: Job | None):
        self.bar = Progress(job, 0.03, 0.92)
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


def _blur_once(ctx: WorkerContext, job: Job | None, clip: Clip) -> dict[str, object]:
    clip_id = clip.id
    source_key, _poster = blur.unblurred_keys(clip)
    if source_key is None or not ctx.storage.exists(source_key):
        with ctx.sessions() as session:
            blur.mark_blur_failed(session, clip_id, ORIGINAL_GONE)
        return {"clip_id": clip_id, "failed": ORIGINAL_GONE}
    keep = _keep_point(clip)
    options = media_pipeline.BlurOptions(
        ffmpeg=ctx.settings.ffmpeg_binary, detect_every=ctx.settings.blur_detect_every
    )
    try:
        with _workdir("blur", clip_id) as tmp:
            work = Path(tmp)
            source, video, poster = work / "unblurred.mp4", work / "blurred.mp4", work / "p.jpg"
            Progress(job, 0.0, 0.03).stage("preparing")
            ctx.storage.download(source_key, source)
            progress = _BlurProgress(job)
            progress.start()
            result = media_pipeline.blur_faces(source, video, options, progress, keep=keep)
            Progress(job, 0.92, 0.96).stage("poster")
            media_pipeline.make_poster(video, poster)
            Progress(job, 0.96, 1.0).stage("saving")
            # Outputs first, database last: the blurred rendition is shown only once complete.
            ctx.storage.put_file(blur.blur_key(clip_id), video)
            ctx.storage.put_file(blur.blurred_poster_key(clip_id), poster)
    except media_pipeline.MediaError as exc:
        log.warning("clip %s cannot be blurred: %s (%s)", clip_id, exc.reason, exc.detail)
        with ctx.sessions() as session:
            blur.mark_blur_failed(session, clip_id, exc.reason)
        return {"clip_id": clip_id, "failed": exc.reason}
    except Exception:
        log.exception("blurring clip %s failed unexpectedly", clip_id)
        with ctx.sessions() as session:
            blur.mark_blur_failed(session, clip_id, BLUR_UNEXPECTED)
        raise
    notice = KEEP_NOT_FOUND if keep is not None and result.kept_face_frames == 0 else None
    with ctx.sessions() as session:
        blur.mark_blurred(
            session,
            clip_id,
            video=blur.blur_key(clip_id),
            poster=blur.blurred_poster_key(clip_id),
            notice=notice,
        )
    log.info(
        "clip %s blurred: faces in %d of %d frames, kept face in %d",
        clip_id,
        result.frames_with_faces,
        result.frames,
        result.kept_face_frames,
    )
    return {
        "clip_id": clip_id,
        "frames": result.frames,
        "frames_with_faces": result.frames_with_faces,
        "kept_face_frames": result.kept_face_frames,
    }


def blur_clip(clip_id: int) -> dict[str, object]:
    """Blur the faces in a playable clip and make the blurred rendition the one people see."""
    ctx = current_context()
    job = get_current_job()
    outcome: dict[str, object] = {"clip_id": clip_id, "skipped": True}
    for _ in range(_ROUNDS):
        with ctx.sessions() as session:
            clip = blur.mark_blurring(session, clip_id)
        if clip is None:
            break
        outcome = _blur_once(ctx, job, clip)
        with ctx.sessions() as session:
            again = session.get(Clip, clip_id)
            if "failed" in outcome or again is None or again.blur_status != BlurStatus.REQUESTED:
                break
        log.info("clip %s: a blur was asked for again while this one ran; blurring again", clip_id)
    if outcome.get("skipped"):
        log.info("clip %s has no blur waiting; nothing to do", clip_id)
    if job is not None:
        job.meta.update(stage="done", progress=1.0)
        job.save_meta()
    return outcome
