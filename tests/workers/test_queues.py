from rq import Queue
from rq.job import Job

from workers.queues import POLICY, clip_progress, enqueue_processing


def test_probe_first_then_a_timeout_that_grows_with_the_duration(redis):
    probe = enqueue_processing(redis, 7)
    assert probe.id == "probe-clip-7" and probe.timeout == 120
    short = enqueue_processing(redis, 8, 60.0)
    long = enqueue_processing(redis, 9, 15 * 60.0)
    assert short.id == "process-clip-8"
    assert short.timeout < long.timeout
    assert long.timeout == 300 + 3 * 900  # minutes, not hours, for a 15-minute lesson
    assert long.retries_left == POLICY["process-clip"].retry.max
    assert Job.fetch("process-clip-9", connection=redis).meta["clip_id"] == 9


def test_enqueueing_twice_makes_one_job(redis):
    first = enqueue_processing(redis, 3)
    second = enqueue_processing(redis, 3)
    assert first.id == second.id
    assert Queue("process", connection=redis).count == 1


def test_a_finished_job_can_be_queued_again(redis):
    job = enqueue_processing(redis, 4)
    Queue("process", connection=redis).remove(job)
    job.set_status("finished")
    again = enqueue_processing(redis, 4)
    assert again.get_status() == "queued"
    assert Queue("process", connection=redis).count == 1


def test_progress_when_nothing_is_known(redis):
    assert clip_progress(redis, 99) == {
        "stage": "queued",
        "stage_label": "Waiting for a worker",
        "progress": 0.0,
    }
