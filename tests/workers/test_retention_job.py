"""The daily retention run: queued once a day across workers, run by a real worker, and the
``coachreel retention`` command."""

from __future__ import annotations

import time
from datetime import timedelta

from click.testing import CliRunner
from rq import Queue
from rq.job import Job, JobStatus
from sqlalchemy import select

from service.models import AuditAction, AuditEvent, Clip, utcnow
from tests.conftest import worker_env
from tests.factories import ready_clip
from web.cli import main
from workers.context import build_context
from workers.queues import PROCESS_QUEUE, enqueue_retention
from workers.sweeper import SweeperThread

ECT = "ect1@northfield.example"


def _old_clip(ctx, session, days: int = 40) -> Clip:
    """A playable clip processed ``days`` ago, so its original is due for removal."""
    clip = ready_clip(session, ctx.storage, ECT)
    clip.ready_at = utcnow() - timedelta(days=days)
    session.commit()
    return clip


def test_the_run_is_queued_once_a_day_however_many_workers_sweep(ctx, settings, session, demo):
    # Three workers' sweepers, each with its own connections, sweeping every 50 ms.
    contexts = [build_context(settings) for _ in range(3)]
    sweepers = [SweeperThread(c, 0.05) for c in contexts]
    for sweeper in sweepers:
        sweeper.start()
    time.sleep(1.0)  # about twenty sweeps each
    for sweeper in sweepers:
        sweeper.stop()
        sweeper.join(5)
    for context in contexts:
        context.engine.dispose()
    today = utcnow().date()
    queue = Queue(PROCESS_QUEUE, connection=ctx.redis)
    assert queue.job_ids == [f"retention-{today.isoformat()}"]
    assert enqueue_retention(ctx.redis, today) is None  # asked again the same day
    tomorrow = enqueue_retention(ctx.redis, today + timedelta(days=1))
    assert tomorrow is not None and tomorrow.id == f"retention-{today + timedelta(days=1)}"


def test_the_job_applies_retention_in_a_worker(ctx, session, demo, run_jobs):
    clip = _old_clip(ctx, session)
    job = enqueue_retention(ctx.redis, utcnow().date())
    run_jobs()
    job = Job.fetch(job.id, connection=ctx.redis)
    assert job.get_status() == JobStatus.FINISHED
    assert job.return_value()["originals_removed"] == [clip.id]
    assert not ctx.storage.exists(clip.original_key)
    assert ctx.storage.exists(clip.video_key)
    session.expire_all()
    assert session.get(Clip, clip.id).original_deleted_at is not None
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.RETENTION_DELETE)
    )
    assert event.actor_id is None and event.clip_id == clip.id


def test_the_command_dry_run_prints_and_deletes_nothing(ctx, settings, session, demo):
    clip = _old_clip(ctx, session)
    before = ctx.storage.keys()
    runner = CliRunner()
    env = worker_env(settings)
    result = runner.invoke(main, ["retention", "--dry-run"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"would delete the original of {clip.id} “Lesson clip”" in result.output
    assert "Dry run: 1 deletion(s) due; nothing was deleted." in result.output
    assert ctx.storage.keys() == before
    session.expire_all()
    assert session.get(Clip, clip.id).original_deleted_at is None

    result = runner.invoke(main, ["retention"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"deleted the original of {clip.id}" in result.output
    assert "Removed 1 original(s) and deleted 0 clip(s); 0 left for the next run." in result.output
    assert not ctx.storage.exists(clip.original_key)
