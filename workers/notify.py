"""The notification email job: write the emails of the notifications due "at once", then
queue the mail job for each (service.notify.delivery says why this never sends twice).
Queueing a run of it: workers/notify_queue.py."""

from __future__ import annotations

import logging

from service.notify import delivery
from workers.context import current_context
from workers.queues import enqueue_mail_or_leave_to_sweeper

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
