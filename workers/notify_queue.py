"""Queueing the notification email job: one queued run serves every notification due.

Apart from the job itself (workers/notify.py) so that the worker's context can queue a run
after any commit that wrote a notification, without importing the job.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq.job import Job

from workers.queues import enqueue_once

log = logging.getLogger(__name__)

DELIVERY_JOB_ID = "deliver-notifications"


def enqueue_delivery(redis: Redis, *, stale_after: timedelta) -> Job:
    """Queue a run of the notification emails (job id ``deliver-notifications``): one queued
    run serves every notification raised before it starts, so asking again is a no-op."""
    return enqueue_once(
        redis,
        DELIVERY_JOB_ID,
        DELIVERY_JOB_ID,
        (),
        duration=None,
        stale_after=stale_after,
        meta={"stage": "queued", "progress": 0.0},
        description="email the notifications due at once",
    )


def enqueue_delivery_or_leave_to_sweeper(redis: Redis, *, stale_after: timedelta) -> bool:
    """Queue a run of the notification emails; if Redis cannot be reached, log it and leave it
    to the sweeper (the notifications stay due in the database). Return whether it was queued."""
    try:
        enqueue_delivery(redis, stale_after=stale_after)
    except RedisError:
        log.exception("could not queue the notification emails; the sweeper will")
        return False
    return True
