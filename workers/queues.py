"""Queue policy in one table, and the only helpers that put jobs on a queue.

Views, models and use cases never touch an RQ ``Queue``: a view calls
``enqueue_or_leave_to_sweeper``, a job or the sweeper ``enqueue_processing`` and its kin.
Job ids are deterministic (``probe-clip-12``), so enqueuing the same work twice is a no-op
while a live job exists, and the sweeper can ask Redis whether a clip's job is still alive.
Whether a started job is alive is judged by its heartbeat against the configured
``STALE_JOB_SECONDS`` (``stale_window``): every caller passes it, none may forget it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from config import Settings

log = logging.getLogger(__name__)

PROCESS_QUEUE = "process"
# Transcription has a queue of its own so GPU hosts can take only that work.
TRANSCRIBE_QUEUE = "transcribe"
# Face blurring is the heaviest stage (a whole decode, detection and encode): a queue of its
# own, last in a worker's order, so hosts can be added for it alone.
BLUR_QUEUE = "blur"
# Mail is quick and people wait for it (an invitation, a password reset): first in a
# worker's order, so it never waits behind a long transcode.
MAIL_QUEUE = "mail"
QUEUES = (MAIL_QUEUE, PROCESS_QUEUE, TRANSCRIBE_QUEUE, BLUR_QUEUE)

LIVE = {
    JobStatus.QUEUED,
    JobStatus.SCHEDULED,
    JobStatus.DEFERRED,
    JobStatus.STARTED,
    JobStatus.CREATED,
    JobStatus.READY_TO_ENQUEUE,
}


def _processing_timeout(duration: float | None) -> int:
    # Transcoding 720p on two cores runs at several times real time; allow a wide margin for a
    # busy host, but not hours: a stuck ffmpeg should be killed and retried.
    seconds = 300 + 3 * (duration or 0)
    return int(min(seconds, 4 * 3600))


def _transcribe_timeout(duration: float | None) -> int:
    # tiny.en on two CPU threads runs at about 20x real time; a larger model or a busy host
    # is much slower, so allow up to twice real time before calling it stuck.
    return int(min(300 + 2 * (duration or 0), 4 * 3600))


def _blur_timeout(duration: float | None) -> int:
    # Blurring 720p runs at about 0.3x real time on two cores (two decodes, face detection
    # and an encode); allow twice that for a busy host before calling it stuck.
    return int(min(300 + 6 * (duration or 0), 8 * 3600))


@dataclass(frozen=True)
class JobPolicy:
    """How one kind of job is queued, timed, retried and kept."""

    func: str
    queue: str
    timeout: Callable[[float | None], int]
    retry: Retry | None
    start_progress: float = 0.0  # where this stage starts on the clip's one progress bar
    result_ttl: int = 3600
    failure_ttl: int = 7 * 24 * 3600


POLICY: dict[str, JobPolicy] = {
    # Check the upload is a video and learn its duration, which sizes the processing timeout.
    "probe-clip": JobPolicy(
        "workers.process.probe_clip",
        PROCESS_QUEUE,
        lambda _d: 120,
        Retry(max=3, interval=[5, 30, 120]),
    ),
    "process-clip": JobPolicy(
        "workers.process.process_clip",
        PROCESS_QUEUE,
        _processing_timeout,
        Retry(max=3, interval=[10, 60, 300]),
        start_progress=0.05,
    ),
    "transcribe-clip": JobPolicy(
        "workers.transcribe.transcribe_clip",
        TRANSCRIBE_QUEUE,
        _transcribe_timeout,
        Retry(max=2, interval=[30, 300]),
    ),
    # Once a day: delete what the schools' retention policies say has had its time.
    "retention": JobPolicy(
        "workers.retention.run_retention",
        PROCESS_QUEUE,
        lambda _d: 3600,
        Retry(max=2, interval=[600, 3600]),
        result_ttl=7 * 24 * 3600,
    ),
    "blur-clip": JobPolicy(
        "workers.blur.blur_clip",
        BLUR_QUEUE,
        _blur_timeout,
        Retry(max=2, interval=[60, 600]),
    ),
    # One email (workers.mail.send_mail); its id is the message's, not a clip's.
    "send-mail": JobPolicy(
        "workers.mail.send_mail",
        MAIL_QUEUE,
        lambda _d: 120,
        Retry(max=3, interval=[10, 60, 300]),
        result_ttl=24 * 3600,
    ),
    # Email the notifications due "at once" (workers.notify): one run at a time, whoever asks.
    "deliver-notifications": JobPolicy(
        "workers.notify.deliver_notifications",
        MAIL_QUEUE,
        lambda _d: 300,
        Retry(max=3, interval=[10, 60, 300]),
    ),
    # Once an hour: each school's daily reminders and email digest that have come due in its
    # time zone (workers.notify_schedule). Short database work that people are waiting on,
    # like mail: on the mail queue, so it never waits behind a long transcode.
    "notify-schedule": JobPolicy(
        "workers.notify_schedule.run_schedule",
        MAIL_QUEUE,
        lambda _d: 900,
        Retry(max=2, interval=[60, 600]),
        result_ttl=24 * 3600,
    ),
}


# The job kinds of each stage, latest step first.
PROCESSING_JOBS = ("process-clip", "probe-clip")
TRANSCRIBE_JOBS = ("transcribe-clip",)
BLUR_JOBS = ("blur-clip",)
MAIL_JOBS = ("send-mail",)


def job_id(kind: str, clip_id: int) -> str:
    """Return the deterministic id of a clip's job of this kind."""
    return f"{kind}-{clip_id}"


def stale_window(settings: Settings) -> timedelta:
    """Return how long a started job may go without a heartbeat before it counts as dead."""
    return timedelta(seconds=settings.stale_job_seconds)


def _enqueue(
    redis: Redis, kind: str, clip_id: int, duration: float | None, stale_after: timedelta,
    *, subject: str = "clip",
) -> Job:  # fmt: skip
    meta = {f"{subject}_id": clip_id, "stage": "queued", "progress": POLICY[kind].start_progress}
    args = (redis, kind, job_id(kind, clip_id), (clip_id,))
    return enqueue_once(
        *args, duration=duration, stale_after=stale_after, meta=meta,
        description=f"{kind} {subject} {clip_id}",
    )  # fmt: skip


def enqueue_once(
    redis: Redis,
    kind: str,
    jid: str,
    args: tuple,
    *,
    duration: float | None,
    stale_after: timedelta,
    meta: dict[str, object],
    description: str,
) -> Job:
    """Queue a job of this kind under a deterministic id, unless a live one has that id."""
    policy = POLICY[kind]
    try:
        existing = Job.fetch(jid, connection=redis)
    except NoSuchJobError:
        existing = None
    if existing is not None:
        if existing.get_status() in LIVE and not job_is_stale(existing, stale_after):
            return existing
        existing.delete()
    queue = Queue(policy.queue, connection=redis)
    try:
        return queue.enqueue(
            policy.func,
            *args,
            job_id=jid,
            unique=True,
            job_timeout=policy.timeout(duration),
            result_ttl=policy.result_ttl,
            failure_ttl=policy.failure_ttl,
            retry=policy.retry,
            meta=meta,
            description=description,
        )
    except DuplicateJobError:
        # Someone else enqueued it between our check and our enqueue: theirs will do.
        return Job.fetch(jid, connection=redis)


def enqueue_processing(
    redis: Redis, clip_id: int, duration: float | None = None, *, stale_after: timedelta
) -> Job:
    """Queue the next processing step for a clip: probe first, then make it playable."""
    if duration is None:
        return _enqueue(redis, "probe-clip", clip_id, None, stale_after)
    return _enqueue(redis, "process-clip", clip_id, duration, stale_after)


def enqueue_transcription(
    redis: Redis, clip_id: int, duration: float | None, *, stale_after: timedelta
) -> Job:
    """Queue the transcript stage for a playable clip."""
    return _enqueue(redis, "transcribe-clip", clip_id, duration, stale_after)


def enqueue_blur(
    redis: Redis, clip_id: int, duration: float | None, *, stale_after: timedelta
) -> Job:
    """Queue the face-blur stage for a playable clip."""
    return _enqueue(redis, "blur-clip", clip_id, duration, stale_after)


ENQUEUE = {
    "processing": enqueue_processing,
    "transcription": enqueue_transcription,
    "blur": enqueue_blur,
}


def enqueue_or_leave_to_sweeper(
    redis: Redis,
    stage: Literal["processing", "transcription", "blur"],
    clip_id: int,
    duration: float | None,
    *,
    stale_after: timedelta,
) -> bool:
    """Queue a clip's stage; if Redis cannot be reached, log it and leave it to the sweeper.

    The work is already recorded in the database, so the sweeper queues it once Redis is
    back. Return whether it was queued now.
    """
    try:
        ENQUEUE[stage](redis, clip_id, duration, stale_after=stale_after)
    except RedisError:
        log.exception(
            "could not queue the %s of clip %s; the sweeper will pick it up", stage, clip_id
        )
        return False
    return True


def enqueue_mail(redis: Redis, message_id: int, *, stale_after: timedelta) -> Job:
    """Queue the sending of one email (job id ``send-mail-<id>``)."""
    return _enqueue(redis, "send-mail", message_id, None, stale_after, subject="message")


def enqueue_mail_or_leave_to_sweeper(
    redis: Redis, message_id: int, *, stale_after: timedelta
) -> bool:
    """Queue an email; if Redis cannot be reached, log it and leave it to the sweeper.

    The message is already a row waiting to be sent, so the sweeper queues it once Redis is
    back. Return whether it was queued now.
    """
    try:
        enqueue_mail(redis, message_id, stale_after=stale_after)
    except RedisError:
        log.exception("could not queue mail %s; the sweeper will pick it up", message_id)
        return False
    return True


def clip_jobs(redis: Redis, clip_id: int, kinds: tuple[str, ...] = PROCESSING_JOBS) -> list[Job]:
    """Return the clip's jobs of these kinds that Redis still knows, latest stage first."""
    jobs = []
    for kind in kinds:
        try:
            jobs.append(Job.fetch(job_id(kind, clip_id), connection=redis))
        except NoSuchJobError:
            continue
    return jobs


def job_is_stale(job: Job, stale_after: timedelta) -> bool:
    """Say whether a started job's worker has stopped sending heartbeats (it died)."""
    if job.get_status() != JobStatus.STARTED:
        return False
    beat = job.last_heartbeat or job.started_at
    if beat is None:
        return True
    if beat.tzinfo is None:
        beat = beat.replace(tzinfo=UTC)
    return datetime.now(UTC) - beat > stale_after


def has_live_job(
    redis: Redis,
    clip_id: int,
    stale_after: timedelta,
    kinds: tuple[str, ...] = PROCESSING_JOBS,
) -> bool:
    """Say whether some job of these kinds will still move this clip on."""
    return any(
        job.get_status() in LIVE and not job_is_stale(job, stale_after)
        for job in clip_jobs(redis, clip_id, kinds)
    )


STAGE_LABELS = {
    "queued": "Waiting for a worker",
    "cutting": "Cutting it from its clip",
    "probing": "Checking the video",
    "transcoding": "Making it playable",
    "remuxing": "Making it playable",
    "poster": "Choosing a thumbnail",
    "saving": "Saving",
    "extracting": "Preparing the sound",
    "transcribing": "Transcribing",
    "measuring talk": "Measuring talk and questions",
    "preparing": "Fetching the video",
    "detecting": "Finding faces",
    "blurring": "Blurring faces",
}


def clip_progress(
    redis: Redis, clip_id: int, kinds: tuple[str, ...] = PROCESSING_JOBS
) -> dict[str, object]:
    """Return the moving progress of a clip's processing, read from its job's meta."""
    for job in clip_jobs(redis, clip_id, kinds):
        status = job.get_status()
        if status in LIVE:
            meta = job.get_meta(refresh=True)
            stage = str(meta.get("stage", "queued")) if status == JobStatus.STARTED else "queued"
            return {
                "stage": stage,
                "stage_label": STAGE_LABELS.get(stage, stage),
                "progress": float(meta.get("progress", 0.0)),
                # How much of the clip's stream is playable already (workers/hls_upload.py).
                "stream_seconds": float(meta.get("stream_seconds", 0.0)),
            }
    return {"stage": "queued", "stage_label": STAGE_LABELS["queued"], "progress": 0.0}


def enqueue_retention(redis: Redis, day: date) -> Job | None:
    """Queue the day's retention run once, however many workers' sweepers ask (else None)."""
    day_name = day.isoformat()
    return _enqueue_once(redis, "retention", day_name, f"retention {day_name}", 2 * 24 * 3600)


def enqueue_notify_schedule(redis: Redis, now: datetime) -> Job | None:
    """Queue the hour's run of the scheduled notifications once, however many workers' sweepers
    ask (job id ``notify-schedule-<UTC date>T<hour>``); else None. The run does each school's
    work once a day (service.notify.schedule), so an hour run twice would be harmless too."""
    hour = now.astimezone(UTC).strftime("%Y-%m-%dT%H")
    return _enqueue_once(redis, "notify-schedule", hour, f"scheduled notifications {hour}", 7200)


def _enqueue_once(redis: Redis, kind: str, when: str, description: str, ttl: int) -> Job | None:
    policy = POLICY[kind]
    marker = f"coachreel:{kind}:{when}"
    # SET NX is atomic across workers: the first to claim the day (or hour) queues its run.
    if not redis.set(marker, "1", nx=True, ex=ttl):
        return None
    try:
        return Queue(policy.queue, connection=redis).enqueue(
            policy.func,
            when,
            job_id=f"{kind}-{when}",
            unique=True,
            job_timeout=policy.timeout(None),
            result_ttl=policy.result_ttl,
            failure_ttl=policy.failure_ttl,
            retry=policy.retry,
            meta={"stage": "queued", "progress": 0.0},
            description=description,
        )
    except DuplicateJobError:
        return None
    except Exception:
        redis.delete(marker)  # not queued after all: let the next sweep try again
        raise
