"""Old home of the processing and transcription jobs, kept so queued jobs still run.

RQ stores a job's function as a dotted path in Redis. Jobs queued before the jobs moved (to
workers.process and workers.transcribe) name ``workers.jobs.probe_clip``,
``workers.jobs.process_clip`` and ``workers.jobs.transcribe_clip``, and keep doing so while
they wait, are retried, or sit in the failed registry (kept 7 days) to be re-queued. This
module forwards those paths, so an upgrade with jobs in flight loses none. It can go once no
job queued under these paths can remain.
"""

from workers.process import probe_clip, process_clip
from workers.transcribe import transcribe_clip

__all__ = ["probe_clip", "process_clip", "transcribe_clip"]
