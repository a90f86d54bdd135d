"""Routes that queue work judge a silent job by the configured STALE_JOB_SECONDS, not a default.

A worker's job that has sent no heartbeat for a while is either busy (a long ffmpeg between
heartbeats on a loaded host) or dead. Only the configured window says which: a route that
judged by another window would delete a live job and queue the same work twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue
from rq.job import Job, JobStatus

from tests.conftest import AuthActions, csrf_token
from tests.factories import ready_clip
from workers.queues import BLUR_QUEUE, POLICY, enqueue_blur, job_id

OWNER = "ect1@northfield.example"
SILENT_FOR = 200  # seconds since its last heartbeat: past the 120 s routes once judged by


@pytest.fixture
def app_with_window(settings, ctx):
    """Make an app whose STALE_JOB_SECONDS is the given number of seconds."""
    from web import create_app

    made = []

    def make(seconds: int):
        made.append(create_app(settings.with_overrides(stale_job_seconds=seconds)))
        return made[-1]

    yield make
    for app in made:
        app.extensions["coachreel"].engine.dispose()


def silent_blur_job(ctx, clip_id: int, duration: float) -> Job:
    """A blur job a worker took, whose last heartbeat was SILENT_FOR seconds ago."""
    job = enqueue_blur(ctx.redis, clip_id, duration, stale_after=ctx.stale_after)
    Queue(POLICY["blur-clip"].queue, connection=ctx.redis).remove(job)
    job.set_status(JobStatus.STARTED)
    job.heartbeat(datetime.now(UTC) - timedelta(seconds=SILENT_FOR), ttl=3600)
    return job


@pytest.mark.parametrize(("window", "replaced"), [(600, False), (60, True)])
def test_asking_for_a_blur_judges_a_silent_job_by_the_configured_window(
    ctx, session, demo, app_with_window, window, replaced
):
    clip = ready_clip(session, ctx.storage, OWNER, duration=20.0)
    silent_blur_job(ctx, clip.id, 20.0)
    client = app_with_window(window).test_client()
    AuthActions(client).login(OWNER)
    token = csrf_token(client.get("/clips/").text)

    response = client.post(
        f"/clips/{clip.id}/blur",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 202
    job = Job.fetch(job_id("blur-clip", clip.id), connection=ctx.redis)
    if replaced:  # silent for longer than the window: its worker died, so the work is queued
        assert job.get_status() == JobStatus.QUEUED
        assert Queue(BLUR_QUEUE, connection=ctx.redis).job_ids == [job.id]
    else:  # still inside the window: the running job is left to finish
        assert job.get_status() == JobStatus.STARTED
        assert Queue(BLUR_QUEUE, connection=ctx.redis).count == 0
