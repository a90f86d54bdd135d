"""Queueing the notification email job: one queued run serves every notification due.

Apart from the job itself (workers/notify.py) so that the worker's context can queue a run
after any commit that wrote a notification, without importing the job.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job

from workers.queues import LIVE, POLICY, job_is_stale

log = logging.getLogger(__name__)

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
