"""Re-queue clips that are stuck: the database is the source of truth, Redis can be lost.

A clip waiting in ``uploaded`` or ``processing``, or a playable clip whose transcript or face
blur is waiting, with no live job (Redis was flushed, a worker was killed mid-job, the enqueue
never happened) is queued again.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from rq import Queue
from rq.intermediate_queue import IntermediateQueue
from rq.job import JobStatus

from service import mail
from service.clips import blur, lifecycle, resumable, transcripts
from service.models import utcnow
from service.notify import delivery
from workers.context import WorkerContext
from workers.notify_queue import enqueue_delivery
from workers.queues import (
    BLUR_JOBS,
    ENQUEUE,
    MAIL_JOBS,
    PROCESSING_JOBS,
    QUEUES,
    TRANSCRIBE_JOBS,
    enqueue_mail,
    enqueue_notify_schedule,
    enqueue_retention,
    has_live_job,
)

log = logging.getLogger(__name__)
INCOMPLETE_WRITE_AGE = timedelta(hours=24)


def sweep(ctx: WorkerContext, *, grace: timedelta | None = None) -> list[int]:
    """Re-queue every unfinished clip that no live job will move on; return their ids."""
    grace = ctx.stale_after if grace is None else grace
    _drop_undelivered_jobs(ctx)
    since = utcnow() - grace
    # A job ends by moving its clip on, then finishes in Redis; so a clip found stuck whose job
    # is no longer live is read again after that check, or one finishing between the two reads
    # as stuck and is queued again.
    idle: dict[str, list[tuple[int, float | None]]] = {}
    for stage, clips in _stuck(ctx, since).items():
        _, jobs = STAGES[stage]
        idle[stage] = [
            (c, d) for c, d in clips if not has_live_job(ctx.redis, c, ctx.stale_after, jobs)
        ]
    still = _stuck(ctx, since)
    requeued = []
    for stage, clips in idle.items():
        stuck_now = {clip_id for clip_id, _ in still[stage]}
        for clip_id, duration in clips:
            if clip_id in stuck_now:
                ENQUEUE[stage](ctx.redis, clip_id, duration, stale_after=ctx.stale_after)
                requeued.append(clip_id)
    with ctx.sessions() as session:
        unsent = mail.unsent(session, created_before=since)
    if requeued:
        log.warning("re-queued %d stuck clip(s): %s", len(requeued), requeued)
    # Emails waiting to be sent with no live job (Redis was down when the page queued them).
    mailed = [m for m in unsent if not has_live_job(ctx.redis, m, ctx.stale_after, MAIL_JOBS)]
    for message_id in mailed:
        enqueue_mail(ctx.redis, message_id, stale_after=ctx.stale_after)
    if mailed:
        log.warning("re-queued %d unsent email(s): %s", len(mailed), mailed)
    with ctx.sessions() as session:  # notifications owed an email at once (a run per sweep)
        due = delivery.anything_due(session)
    if due:
        enqueue_delivery(ctx.redis, stale_after=ctx.stale_after)
    with ctx.sessions() as session:  # and clear away resumable uploads left unfinished
        resumable.expire(session, ctx.settings.uploads_path)
    # Writes to storage take minutes at most: one a day old was cut off by a crash.
    if removed := ctx.storage.remove_incomplete(INCOMPLETE_WRITE_AGE):
        log.warning("removed %d incomplete storage write(s) left by a crash", removed)
    return requeued


# The stages the sweeper moves on: the clips waiting for each, and which jobs count as live.
STAGES = {
    "processing": (lifecycle.unfinished_clips, PROCESSING_JOBS),
    "transcription": (transcripts.unfinished_transcripts, TRANSCRIBE_JOBS),
    "blur": (blur.unfinished_blurs, BLUR_JOBS),
}


def _stuck(ctx: WorkerContext, since) -> dict[str, list[tuple[int, float | None]]]:
    """Each stage's clips waiting for it (id and duration), untouched since ``since``."""
    with ctx.sessions() as session:
        return {
            stage: [(c.id, c.duration) for c in unfinished(session, not_touched_since=since)]
            for stage, (unfinished, _jobs) in STAGES.items()
        }


def _drop_undelivered_jobs(ctx: WorkerContext) -> None:
    """Delete jobs that a worker took off a queue but died before starting.

    RQ moves a job to the queue's "intermediate" list, then marks it started. A worker killed
    between the two leaves the job there, still "queued", so it looks alive to has_live_job
    forever (RQ itself fails it only after two maintenance runs, ten minutes apart). A live
    worker starts a job within milliseconds, so one there for the whole staleness window is
    lost: delete it, and the sweep below queues its clip again.
    """
    for name in QUEUES:
        queue = Queue(name, connection=ctx.redis)
        waiting = IntermediateQueue(queue.key, connection=ctx.redis)
        for jid in waiting.get_job_ids():
            job = queue.fetch_job(jid)
            # Its status, not the started registry, says whether it started: a run killed
            # earlier leaves the job's id in that registry until RQ's own clean-up.
            if job is not None and job.get_status() != JobStatus.QUEUED:
                continue
            if waiting.set_first_seen(jid):
                continue
            first_seen = waiting.get_first_seen(jid)
            if first_seen is None or utcnow() - first_seen <= ctx.stale_after:
                continue
            log.warning("job %s was taken off the %s queue but never started", jid, name)
            waiting.remove(jid)
            ctx.redis.delete(waiting.get_first_seen_key(jid))
            if job is not None and job.get_status() == JobStatus.QUEUED:
                job.delete()


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
            try:  # the day's retention run, queued by the first worker to ask
                enqueue_retention(self.ctx.redis, utcnow().date())
            except Exception:
                log.exception("queueing the retention run failed")
            try:  # the hour's scheduled notifications, queued by the first worker to ask
                enqueue_notify_schedule(self.ctx.redis, utcnow())
            except Exception:
                log.exception("queueing the scheduled notifications failed")

    def stop(self) -> None:
        self.stopped.set()
