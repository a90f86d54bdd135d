"""The daily retention run: delete what the schools' retention policies say has had its time.

Queued once a day by the first worker's sweeper to ask (workers.queues.enqueue_retention).
Nothing is built at import time: the job takes the worker's context when it runs.
"""

from __future__ import annotations

import logging

from rq import get_current_job

from service.privacy import retention
from workers.context import current_context
from workers.stages import Progress

log = logging.getLogger(__name__)


def run_retention(day: str = "") -> dict[str, object]:
    """Apply every school's retention policy now; return what was removed."""
    ctx = current_context()
    # One step with no measure of its own: named, and shown at the start of the bar.
    Progress(get_current_job(), 0.0, 1.0).stage("deleting")
    with ctx.sessions() as session:
        report = retention.apply_retention(session, ctx.storage)
    log.info(
        "retention run %s: %d original(s) removed, %d clip(s) deleted, %d left for the next run",
        day or "(unscheduled)",
        len(report.originals_removed),
        len(report.clips_deleted),
        len(report.failed),
    )
    return report.to_dict()
