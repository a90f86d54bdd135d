"""The scheduled notifications job: each school's daily reminders and email digest, in its own
time zone, once however many workers run (service.notify.schedule says how).

Queued once an hour by the first worker's sweeper to ask (workers.queues
``enqueue_notify_schedule``). It runs what has come due, then queues the mail job of each digest
email it wrote, and a delivery run (workers.notify) for the reminders emailed at once. Both are
already rows in the database when queued, so a worker killed here loses nothing: the sweeper
queues unsent mail and notifications still owed an email.
"""

from __future__ import annotations

import logging
from datetime import datetime

from rq import get_current_job

from service.notify import delivery, schedule
from workers.context import current_context
from workers.notify_queue import enqueue_delivery_or_leave_to_sweeper
from workers.queues import enqueue_mail_or_leave_to_sweeper
from workers.stages import Progress

log = logging.getLogger(__name__)


def run_schedule(hour: str = "", now: str | None = None) -> dict[str, object]:
    """Run the reminders and digests that have come due; return what was done.

    ``now`` (an ISO moment) runs as of another time: for tests and a manual re-run.
    """
    ctx = current_context()
    Progress(get_current_job(), 0.0, 1.0).stage("checking")
    links = delivery.Links(ctx.settings.public_url, ctx.settings.secret_key)
    with ctx.sessions() as session:
        moment = datetime.fromisoformat(now) if now else None
        report = schedule.run_due(session, links, now=moment)
    for message_id in report.messages:
        enqueue_mail_or_leave_to_sweeper(ctx.redis, message_id, stale_after=ctx.stale_after)
    if report.raised:
        enqueue_delivery_or_leave_to_sweeper(ctx.redis, stale_after=ctx.stale_after)
    log.info(
        "scheduled notifications %s: %d run(s), %s raised, %d digest email(s)",
        hour or "(unscheduled)",
        len(report.runs),
        report.raised or "nothing",
        len(report.messages),
    )
    return report.to_dict()
