"""Re-queue clips that are stuck: the database is the source of truth, Redis can be lost.

A clip waiting in ``uploaded`` or ``processing``, or a playable clip whose transcript is
waiting, with no live job (Redis was flushed, a worker was killed mid-job, the enqueue never
happened) is queued again.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from service import clips, transcripts, uploads
from service.models import utcnow
from workers.context import WorkerContext
from workers.queues import (
    TRANSCRIBE_JOBS,
    enqueue_processing,
    enqueue_transcription,
    has_live_job,
)

log = logging.getLogger(__name__)


def sweep(ctx: WorkerContext, *, grace: timedelta | None = None) -> list[int]:
    """Re-queue every unfinished clip that no live job will move on; return their ids."""
    grace = ctx.stale_after if grace is None else grace
    since = utcnow() - grace
    with ctx.sessions() as session:
        stuck = [
            (c.id, c.duration) for c in clips.unfinished_clips(session, not_touched_since=since)
        ]
        untranscribed = [
            (c.id, c.duration)
            for c in transcripts.unfinished_transcripts(session, not_touched_since=since)
        ]
    requeued = []
    for clip_id, duration in stuck:
        if has_live_job(ctx.redis, clip_id, ctx.stale_after):
            continue
        enqueue_processing(ctx.redis, clip_id, duration, stale_after=ctx.stale_after)
        requeued.append(clip_id)
    for clip_id, duration in untranscribed:
        if has_live_job(ctx.redis, clip_id, ctx.stale_after, TRANSCRIBE_JOBS):
            continue
        enqueue_transcription(ctx.redis, clip_id, duration, stale_after=ctx.stale_after)
        requeued.append(clip_id)
    if requeued:
        log.warning("re-queued %d stuck clip(s): %s", len(requeued), requeued)
    with ctx.sessions() as session:  # and clear away resumable uploads left unfinished
        uploads.expire(session, ctx.settings.uploads_path)
    return requeued


class SweeperThread(threading.Thread):
    """Sweep now and then every ``interval`` seconds until stopped."""

    def __init__(self, ctx: WorkerContext, interval: float):
        super().__init__(name="coachreel-sweeper", daemon=True)
        self.ctx, self.interval = ctx, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                sweep(self.ctx)
            except Exception:  # a failed sweep must not kill the worker; the next one retries
                log.exception("sweep failed")

    def stop(self) -> None:
        self.stopped.set()
