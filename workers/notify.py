"""The notification email job: write the emails of the notifications due "at once", then
queue the mail job for each (service.notify.delivery says why this never sends twice)."""

from __future__ import annotations

import logging
from datetime import timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job

from service.notify import delivery
from workers.context import current_context
from workers.queues import LIVE, POLICY, enqueue_mail_or_leave_to_sweeper, job_is_stale

log = logging.getLogger(__name__)
MAX_BATCHES = 50  # a run writes at most this many batches; the next run (or sweep) does more


def deliver_notifications() -> str:
    """Email every notification due at once; return what was done."""
    ctx = current_context()
    links = delivery.Links(ctx.settings.public_url, ctx.settings.secret_key)
    written: list[int] = []
    for _ in range(MAX_BATCHES):
        with ctx.sessions() as session:
            batch = delivery.deliver_due(session, links)
        # Committed: from here a kill loses nothing, as the sweeper queues unsent mail.
        for message_id in batch:
            enqueue_mail_or_leave_to_sweeper(ctx.redis, message_id, stale_after=ctx.stale_after)
        written += batch
        with ctx.sessions() as session:
            if not delivery.anything_due(session):
                break
    log.info("notification emails written: %d", len(written))
    return f"{len(written)} email(s) written"


DELIVERY_JOB_ID = "deliver-notifications"


def enqueue_delivery(redis: Redis, *, stale_after: timedelta) -> Job:
    """Queue a run of the notification emails (job id ``deliver-notifications``): one queued
    run serves every notification raised before it starts, so asking again is a no-op."""
    policy = POLICY[DELIVERY_JOB_ID]
    try:
        existing = Job.fetch(DELIVERY_JOB_ID, connection=redis)
    except NoSuchJobError:
        existing = None
    if existing is not None:
        if existing.get_status() in LIVE and not job_is_stale(existing, stale_after):
            return existing
        existing.delete()
    try:
        return Queue(policy.queue, connection=redis).enqueue(
            policy.func,
            job_id=DELIVERY_JOB_ID,
            unique=True,
            job_timeout=policy.timeout(None),
            result_ttl=policy.result_ttl,
            failure_ttl=policy.failure_ttl,
            retry=policy.retry,
            meta={"stage": "queued", "progress": 0.0},
            description="email the notifications due at once",
        )
    except DuplicateJobError:
        return Job.fetch(DELIVERY_JOB_ID, connection=redis)


def enqueue_delivery_or_leave_to_sweeper(redis: Redis, *, stale_after: timedelta) -> bool:
    """Queue a run of the notification emails; if Redis cannot be reached, log it and leave it
    to the sweeper (the notifications stay due in the database). Return whether it was queued."""
    try:
        enqueue_delivery(redis, stale_after=stale_after)
    except RedisError:
        log.exception("could not queue the notification emails; the sweeper will")
        return False
    return True
