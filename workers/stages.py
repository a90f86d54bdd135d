"""One way to run a stage of a job on a clip: its work folder, its progress, its failure
recorded with a reason a person can read, its liveness kept fresh, and its end marked in the
job's meta.

A job builds a ``Stage`` and works inside ``stage.work(kind)``. There a media error (the file
itself is the problem) is recorded on the clip and ends the stage: retrying cannot help, so
``stage.failed`` holds the job's answer. Any other error is recorded with the stage's
"something went wrong on our side" reason and re-raised, so RQ records it and retries.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from redis.exceptions import RedisError
from rq import get_current_job
from rq.job import Job
from rq.utils import now, utcformat

import media_pipeline
from service.clips import blur, lifecycle, transcripts
from service.storage import keys
from workers.context import WorkerContext
from workers.hls_upload import clear_stream

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Something went wrong on our side while preparing this clip. We will try again "
    "automatically; if it keeps failing, please upload it again."
)
TRANSCRIPT_UNEXPECTED = (
    "Something went wrong on our side while transcribing this clip. The "
    "clip can still be watched; we will try the transcript again."
)
BLUR_UNEXPECTED = (
    "Something went wrong on our side while blurring faces in this clip. We will try again "
    "automatically; if it keeps failing, ask for the blur again from the clip's page."
)


@dataclass(frozen=True)
class Failure:
    """How a stage records a failure on one of the clip's three state machines."""

    record: Callable[[WorkerContext, int, str], None]
    unexpected: str  # the reason a person reads when the fault is ours, not the file's
    cannot: str  # what the file cannot be, for the log: "used", "transcribed", "blurred"


def _processing_failed(ctx: WorkerContext, clip_id: int, reason: str) -> None:
    # A failed clip keeps no half-made outputs: its stream goes first, so nobody starts it.
    clear_stream(ctx.storage, clip_id)
    for key in (keys.video_key(clip_id), keys.poster_key(clip_id)):
        ctx.storage.delete(key)
    with ctx.sessions() as session:
        lifecycle.mark_failed(session, clip_id, reason)


def _transcript_failed(ctx: WorkerContext, clip_id: int, reason: str) -> None:
    with ctx.sessions() as session:
        transcripts.mark_transcript_failed(session, clip_id, reason)


def _blur_failed(ctx: WorkerContext, clip_id: int, reason: str) -> None:
    with ctx.sessions() as session:
        blur.mark_blur_failed(session, clip_id, reason)


PROCESSING = Failure(_processing_failed, UNEXPECTED, "used")
TRANSCRIPT = Failure(_transcript_failed, TRANSCRIPT_UNEXPECTED, "transcribed")
BLUR = Failure(_blur_failed, BLUR_UNEXPECTED, "blurred")


@contextmanager
def work_folder(root: Path, kind: str, clip_id: int) -> Iterator[Path]:
    """Work in a fresh folder under ``root``, removing any a killed run of the same job left."""
    # The root belongs to this instance (WORK_DIR, by default in its instance folder): another
    # instance on this host has clips with the same ids, and its folders are not ours to remove.
    root.mkdir(parents=True, exist_ok=True)
    prefix = f"{kind}-{clip_id}-"
    # Safe: the deterministic job id, kept alive by its heartbeat, means only one job for this
    # clip runs at a time in this instance.
    for stale in root.glob(prefix + "*"):
        shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=prefix, dir=root) as folder:
        yield Path(folder)


# Set the heartbeat only while the job still exists (HSET on a deleted job would leave a bare
# hash behind), in one atomic step: a WATCH would fail whenever the job's progress was saved
# meanwhile, and beats lost that way let a busy job look dead to the sweeper.
_BEAT = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then "
    "return redis.call('HSET', KEYS[1], 'last_heartbeat', ARGV[1]) end return 0"
)


def _beat(job: Job) -> None:
    job.connection.eval(_BEAT, 1, job.key, utcformat(now()))


@contextmanager
def heartbeat(job: Job | None, stale_after: timedelta) -> Iterator[None]:
    """Keep the job's heartbeat fresh from a thread while the body runs, however long it takes.

    A worker that runs jobs in its own process (SimpleWorker, used for transcription) sends
    no heartbeat while a job runs, and a forked work horse's parent may be slow to; a stage
    silent for the staleness window would look dead to the sweeper, which would queue it again.
    """
    if job is None:
        yield
        return
    every = max(0.1, min(10.0, stale_after.total_seconds() / 3))
    stopped = threading.Event()

    def beat() -> None:
        while not stopped.wait(every):
            try:
                _beat(job)
            except RedisError:
                log.warning("could not send job %s's heartbeat; trying again", job.id)

    thread = threading.Thread(target=beat, name=f"heartbeat-{job.id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join()


class Progress:
    """Report one stage's progress into the job's meta, at most a few times a second."""

    def __init__(self, job: Job | None, start: float, end: float, interval: float = 0.5):
        self.job, self.start, self.end, self.interval = job, start, end, interval
        self._last = 0.0

    def stage(self, name: str, fraction: float = 0.0) -> None:
        """Name the step now running, and report where it starts."""
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


class Stage:
    """One stage of a job on one clip: work folder, progress, failure recorded, stage done."""

    def __init__(self, ctx: WorkerContext, clip_id: int, failure: Failure, *, doing: str):
        self.ctx, self.clip_id, self.failure = ctx, clip_id, failure
        self.doing = doing  # for the log: "<doing> clip 12 failed unexpectedly"
        self.job = get_current_job()
        self.failed: dict[str, object] | None = None  # the job's answer when the file failed

    def progress(self, start: float, end: float) -> Progress:
        """Return a progress bar for the part of the job's bar from ``start`` to ``end``."""
        return Progress(self.job, start, end)

    @contextmanager
    def work(self, kind: str) -> Iterator[Path]:
        """Work in a fresh folder, alive; record a failure, re-raising all but the file's."""
        self.failed = None
        root = self.ctx.settings.work_path
        try:
            with (
                heartbeat(self.job, self.ctx.stale_after),
                work_folder(root, kind, self.clip_id) as folder,
            ):
                yield folder
        except media_pipeline.MediaError as exc:
            # The file itself is the problem: retrying cannot help, so record it and stop here.
            log.warning(
                "clip %s cannot be %s: %s (%s)",
                self.clip_id,
                self.failure.cannot,
                exc.reason,
                exc.detail,
            )
            self.failure.record(self.ctx, self.clip_id, exc.reason)
            self.failed = {"clip_id": self.clip_id, "failed": exc.reason}
        except Exception:
            log.exception("%s clip %s failed unexpectedly", self.doing, self.clip_id)
            self.failure.record(self.ctx, self.clip_id, self.failure.unexpected)
            raise

    def report(self, **values: object) -> None:
        """Put values the page reads (e.g. the seconds of stream ready) into the job's meta."""
        if self.job is not None:
            self.job.meta.update(values)
            self.job.save_meta()

    def done(self) -> None:
        """Mark the job's stage done, its progress full."""
        if self.job is not None:
            self.job.meta.update(stage="done", progress=1.0)
            self.job.save_meta()
