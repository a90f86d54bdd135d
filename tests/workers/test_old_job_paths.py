"""Jobs queued under the dotted paths the jobs had before they moved still run to the end.

RQ keeps a job's function as a string in Redis, so jobs queued (or failed, or waiting for a
retry) before an upgrade name the old modules: workers/jobs.py, workers/blur_job.py and
workers/retention_job.py forward them.
"""

from __future__ import annotations

import pytest
from rq import Queue
from rq.job import Job, JobStatus

from service.models import Clip, ClipStatus
from tests.factories import generated_clip, upload
from workers.blur import blur_clip
from workers.process import probe_clip, process_clip
from workers.queues import POLICY, PROCESS_QUEUE, job_id
from workers.retention import run_retention
from workers.runner import PromptSimpleWorker
from workers.transcribe import transcribe_clip

ECT = "ect1@northfield.example"
OLD_PATHS = {
    "workers.jobs.probe_clip": probe_clip,
    "workers.jobs.process_clip": process_clip,
    "workers.jobs.transcribe_clip": transcribe_clip,
    "workers.blur_job.blur_clip": blur_clip,
    "workers.retention_job.run_retention": run_retention,
}


@pytest.mark.parametrize("path", OLD_PATHS)
def test_an_old_path_names_the_job_that_moved(redis, path):
    job = Job.create(path, args=(1,), connection=redis)
    assert job.func is OLD_PATHS[path]  # resolved as a worker resolves it


def test_the_policy_queues_jobs_under_their_new_paths():
    # Sending mail and the notification jobs came after the move: they never had an old path.
    assert {policy.func for policy in POLICY.values()} == {
        f"{func.__module__}.{func.__name__}" for func in OLD_PATHS.values()
    } | {
        "workers.mail.send_mail",
        "workers.notify.deliver_notifications",
        "workers.notify_schedule.run_schedule",
    }


@pytest.mark.parametrize(
    ("path", "kind"),
    [("workers.jobs.process_clip", "process-clip"), ("workers.jobs.probe_clip", "probe-clip")],
)
def test_a_clip_job_queued_under_its_old_path_runs_to_the_end(
    ctx, session, demo, tmp_path, path, kind
):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=2))
    queue = Queue(PROCESS_QUEUE, connection=ctx.redis)
    # As an older release queued it: the function by its dotted path, with its id and meta.
    job = queue.enqueue(
        path,
        clip.id,
        job_id=job_id(kind, clip.id),
        meta={"clip_id": clip.id, "stage": "queued", "progress": 0.0},
    )
    PromptSimpleWorker([queue], connection=ctx.redis).work(burst=True, with_scheduler=False)

    assert job.get_status(refresh=True) == JobStatus.FINISHED
    with ctx.sessions() as s:
        done = s.get(Clip, clip.id)
        assert done.status == ClipStatus.READY, done.failure_reason
        assert ctx.storage.exists(done.video_key)


def test_a_retention_run_queued_under_its_old_path_runs_to_the_end(ctx):
    queue = Queue(PROCESS_QUEUE, connection=ctx.redis)
    job = queue.enqueue("workers.retention_job.run_retention", "2024-09-01")
    PromptSimpleWorker([queue], connection=ctx.redis).work(burst=True, with_scheduler=False)
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert job.get_meta(refresh=True)["stage"] == "deleting"
