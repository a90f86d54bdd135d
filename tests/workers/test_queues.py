from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus

from workers.queues import (
    POLICY,
    clip_progress,
    enqueue_or_leave_to_sweeper,
    enqueue_processing,
    job_id,
    stale_window,
)

WINDOW = timedelta(seconds=120)


def test_probe_first_then_a_timeout_that_grows_with_the_duration(redis):
    probe = enqueue_processing(redis, 7, stale_after=WINDOW)
    assert probe.id == "probe-clip-7" and probe.timeout == 120
    short = enqueue_processing(redis, 8, 60.0, stale_after=WINDOW)
    long = enqueue_processing(redis, 9, 15 * 60.0, stale_after=WINDOW)
    assert short.id == "process-clip-8"
    assert short.timeout < long.timeout
    assert long.timeout == 300 + 3 * 900  # minutes, not hours, for a 15-minute lesson
    assert long.retries_left == POLICY["process-clip"].retry.max
    assert Job.fetch("process-clip-9", connection=redis).meta["clip_id"] == 9


def test_enqueueing_twice_makes_one_job(redis):
    first = enqueue_processing(redis, 3, stale_after=WINDOW)
    second = enqueue_processing(redis, 3, stale_after=WINDOW)
    assert first.id == second.id
    assert Queue("process", connection=redis).count == 1


def test_a_finished_job_can_be_queued_again(redis):
    job = enqueue_processing(redis, 4, stale_after=WINDOW)
    Queue("process", connection=redis).remove(job)
    job.set_status("finished")
    again = enqueue_processing(redis, 4, stale_after=WINDOW)
    assert again.get_status() == "queued"
    assert Queue("process", connection=redis).count == 1


def test_progress_when_nothing_is_known(redis):
    assert clip_progress(redis, 99) == {
        "stage": "queued",
        "stage_label": "Waiting for a worker",
        "progress": 0.0,
    }


def started_long_ago(redis: Redis, kind: str, clip_id: int, seconds: float) -> Job:
    """Make the clip's job look taken by a worker whose last heartbeat was ``seconds`` ago."""
    job = Job.fetch(job_id(kind, clip_id), connection=redis)
    Queue(POLICY[kind].queue, connection=redis).remove(job)
    job.set_status(JobStatus.STARTED)
    job.heartbeat(datetime.now(UTC) - timedelta(seconds=seconds), ttl=3600)
    return job


def test_the_helper_queues_each_stage(redis):
    assert enqueue_or_leave_to_sweeper(redis, "processing", 5, None, stale_after=WINDOW)
    assert enqueue_or_leave_to_sweeper(redis, "processing", 6, 60.0, stale_after=WINDOW)
    assert enqueue_or_leave_to_sweeper(redis, "transcription", 7, 60.0, stale_after=WINDOW)
    assert enqueue_or_leave_to_sweeper(redis, "blur", 8, 60.0, stale_after=WINDOW)
    queued = {q: Queue(q, connection=redis).job_ids for q in ("process", "transcribe", "blur")}
    assert queued == {
        "process": ["probe-clip-5", "process-clip-6"],
        "transcribe": ["transcribe-clip-7"],
        "blur": ["blur-clip-8"],
    }


def test_the_helper_leaves_the_work_to_the_sweeper_when_redis_is_down(tmp_path, caplog):
    down = Redis(unix_socket_path=str(tmp_path / "no-redis.sock"))  # nothing listens there
    assert not enqueue_or_leave_to_sweeper(down, "blur", 9, 60.0, stale_after=WINDOW)
    assert "could not queue the blur of clip 9; the sweeper will pick it up" in caplog.text


@pytest.mark.parametrize(("window", "kept"), [(600, True), (60, False)])
def test_a_silent_job_is_replaced_only_after_the_window_it_is_given(redis, window, kept):
    enqueue_processing(redis, 10, 60.0, stale_after=WINDOW)
    started_long_ago(redis, "process-clip", 10, seconds=200)
    stale_after = timedelta(seconds=window)
    assert enqueue_or_leave_to_sweeper(redis, "processing", 10, 60.0, stale_after=stale_after)
    status = Job.fetch(job_id("process-clip", 10), connection=redis).get_status()
    assert status == (JobStatus.STARTED if kept else JobStatus.QUEUED)
    assert Queue("process", connection=redis).count == (0 if kept else 1)


def test_the_window_is_the_configured_one(settings):
    assert stale_window(settings) == timedelta(seconds=settings.stale_job_seconds)
    longer = settings.with_overrides(stale_job_seconds=900)
    assert stale_window(longer) == timedelta(minutes=15)
