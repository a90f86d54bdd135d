"""Old home of the face-blur job, kept so queued jobs still run.

RQ stores a job's function as a dotted path in Redis. Blur jobs queued before the job moved
to workers.blur name ``workers.blur_job.blur_clip``, and keep doing so while they wait, are
retried, or sit in the failed registry (kept 7 days) to be re-queued. This module forwards
that path, so an upgrade with jobs in flight loses none. It can go once no job queued under
it can remain.
"""

from workers.blur import blur_clip

__all__ = ["blur_clip"]
