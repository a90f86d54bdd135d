"""Old home of the daily retention job, kept so queued jobs still run.

RQ stores a job's function as a dotted path in Redis. Retention runs queued before the job
moved to workers.retention name ``workers.retention_job.run_retention``, and keep doing so
while they wait, are retried, or sit in the failed registry to be re-queued. This module
forwards that path, so an upgrade with jobs in flight loses none. It can go once no job
queued under it can remain.
"""

from workers.retention import run_retention

__all__ = ["run_retention"]
