"""What the queues, workers and clips are doing right now: ``coachreel status``.

Read-only: it counts jobs in Redis and clips in the database, and changes neither.
"""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq import Queue, Worker
from rq.registry import (
    DeferredJobRegistry,
    FailedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)
from sqlalchemy.orm import Session

from service.clips import stats
from workers.queues import QUEUES


@dataclass(frozen=True)
class QueueStatus:
    name: str
    queued: int
    started: int
    failed: int
    scheduled: int  # waiting to be retried
    deferred: int


@dataclass(frozen=True)
class WorkerStatus:
    name: str
    hostname: str
    queues: list[str]
    state: str
    current_job: str | None
    last_heartbeat: str | None


@dataclass(frozen=True)
class OldestWaiting:
    clip_id: int
    state: str
    since: str
    age: str  # in words: "3 hours 5 minutes"


@dataclass(frozen=True)
class Status:
    queues: list[QueueStatus]
    workers: list[WorkerStatus]
    clips: dict[str, int]
    transcripts: dict[str, int]
    blurs: dict[str, int]
    oldest_waiting: OldestWaiting | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def queue_status(redis: Redis, name: str) -> QueueStatus:
    """Count one queue's jobs: waiting, running, failed, waiting to retry, waiting on another."""
    queue = Queue(name, connection=redis)
    return QueueStatus(
        name=name,
        queued=queue.count,
        started=StartedJobRegistry(name, connection=redis).get_job_count(cleanup=False),
        failed=FailedJobRegistry(name, connection=redis).get_job_count(cleanup=False),
        scheduled=ScheduledJobRegistry(name, connection=redis).get_job_count(cleanup=False),
        deferred=DeferredJobRegistry(name, connection=redis).get_job_count(cleanup=False),
    )


def worker_statuses(redis: Redis) -> list[WorkerStatus]:
    """List the live workers (their keys expire when they stop sending heartbeats)."""
    workers = []
    for worker in Worker.all(connection=redis):
        beat = worker.last_heartbeat
        workers.append(
            WorkerStatus(
                name=worker.name,
                hostname=worker.hostname or "",
                queues=worker.queue_names(),
                state=str(worker.get_state()),
                current_job=worker.get_current_job_id(),
                last_heartbeat=_iso(beat) if beat is not None else None,
            )
        )
    return sorted(workers, key=lambda w: (w.hostname, w.name))


def gather(redis: Redis, session: Session, now: datetime | None = None) -> Status:
    """Collect the queues, the workers and the clips' states into one report."""
    now = now or datetime.now(UTC)
    oldest = stats.oldest_waiting_clip(session)
    waiting = None
    if oldest is not None:
        since = _aware(oldest.since)
        waiting = OldestWaiting(oldest.id, oldest.state, _iso(since), age_in_words(now - since))
    return Status(
        queues=[queue_status(redis, name) for name in QUEUES],
        workers=worker_statuses(redis),
        clips=stats.clip_state_counts(session),
        transcripts=stats.transcript_state_counts(session),
        blurs=stats.blur_state_counts(session),
        oldest_waiting=waiting,
    )


def worker_alive_here(redis: Redis, hostname: str | None = None) -> bool:
    """Say whether a live worker on this host is registered (a container health check)."""
    hostname = hostname or socket.gethostname()
    return any(worker.hostname == hostname for worker in Worker.all(connection=redis))


def age_in_words(delta: timedelta) -> str:
    """Say how long a timedelta is, to the two largest units: "2 days 3 hours"."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return _plural(seconds, "second")
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            parts.append(_plural(seconds // size, unit))
            seconds %= size
        elif parts:
            break  # "1 day", not "1 day 0 hours 5 minutes"
    return " ".join(parts[:2])


def format_status(status: Status) -> str:
    """Render the report as text for a person at a terminal."""
    lines = ["Queues:"]
    lines += [
        f"  {q.name:<11} queued {q.queued:>4}  started {q.started:>3}  failed {q.failed:>4}"
        f"  retrying {q.scheduled:>3}"
        for q in status.queues
    ]
    lines.append(f"Workers: {len(status.workers)}")
    for w in status.workers:
        job = w.current_job or "-"
        lines.append(f"  {w.name} on {w.hostname} [{','.join(w.queues)}] {w.state}, job {job}")
    lines.append("Clips: " + ", ".join(f"{k} {v}" for k, v in status.clips.items()))
    lines.append("Transcripts: " + ", ".join(f"{k} {v}" for k, v in status.transcripts.items()))
    lines.append("Face blurs: " + ", ".join(f"{k} {v}" for k, v in status.blurs.items()))
    oldest = status.oldest_waiting
    if oldest is None:
        lines.append("Oldest waiting clip: none")
    else:
        lines.append(
            f"Oldest waiting clip: {oldest.clip_id} ({oldest.state}), waiting {oldest.age}"
        )
    return "\n".join(lines)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return _aware(moment).isoformat(timespec="seconds")
