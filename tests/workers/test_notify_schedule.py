"""The scheduled notifications: queued once an hour across workers, run by a real worker (its
digest emails sent through the mail job to the outbox), once however many workers race, and
taken over when a worker died mid-run."""

from __future__ import annotations

import threading
from datetime import timedelta

from rq import Queue
from rq.job import Job, JobStatus
from sqlalchemy import func, select

from service.models import MailMessage, MailStatus, Notification, ScheduledRun
from service.notify import schedule
from service.notify.delivery import Links
from tests.service.test_notify_checks import at, build_world
from tests.service.test_notify_digests import raise_at
from workers.queues import MAIL_QUEUE, enqueue_notify_schedule

LINKS = Links("https://coachreel.example", "schedule-test-secret")


def test_the_schedule_is_queued_once_an_hour_however_many_sweepers_ask(ctx):
    first = enqueue_notify_schedule(ctx.redis, at("2027-02-09", 17, 1))
    assert first is not None and first.id == "notify-schedule-2027-02-09T17"
    # Other workers' sweepers, later in the same hour: nothing more.
    assert enqueue_notify_schedule(ctx.redis, at("2027-02-09", 17, 2)) is None
    assert enqueue_notify_schedule(ctx.redis, at("2027-02-09", 17, 59)) is None
    later = enqueue_notify_schedule(ctx.redis, at("2027-02-09", 18))
    assert later is not None and later.id == "notify-schedule-2027-02-09T18"
    assert Queue(MAIL_QUEUE, connection=ctx.redis).job_ids == [first.id, later.id]


def test_a_real_worker_runs_the_schedule_and_sends_the_digest_to_the_outbox(
    ctx, settings, session, run_jobs
):
    world = build_world(session)
    raise_at(session, world.mentor, "clip_waiting", at("2027-02-09", 8), "waiting:1")
    queue = Queue(MAIL_QUEUE, connection=ctx.redis)
    job = queue.enqueue(
        "workers.notify_schedule.run_schedule", "2027-02-09T17", now="2027-02-09T17:05:00+00:00"
    )
    run_jobs()  # the schedule job, then the mail job it queued
    job = Job.fetch(job.id, connection=ctx.redis)
    assert job.get_status() == JobStatus.FINISHED
    result = job.return_value()
    assert f"email-digest:{world.oak.id}:2027-02-09" in result["runs"]
    [message_id] = result["messages"]
    message = session.get(MailMessage, message_id)
    assert message.status == MailStatus.SENT
    [eml] = settings.outbox_path.glob(f"{message_id}-notify-digest.eml")
    assert b"Subject: Coachreel: your daily digest (1 notification)" in eml.read_bytes()
    # The same hour's job run again (a retry): nothing more is sent.
    again = queue.enqueue(
        "workers.notify_schedule.run_schedule", "2027-02-09T17", now="2027-02-09T17:40:00+00:00"
    )
    run_jobs()
    assert Job.fetch(again.id, connection=ctx.redis).return_value()["runs"] == []
    assert session.scalar(select(func.count(MailMessage.id))) == 1


def test_two_workers_racing_run_each_school_once(ctx, session):
    world = build_world(session)
    raise_at(session, world.mentor, "clip_waiting", at("2027-02-08", 8), "waiting:1")
    now = at("2027-02-08", 17, 5)  # a Monday: reminders, the coordinators' summary, digests
    start = threading.Barrier(2)
    reports: list[schedule.ScheduleReport] = []

    def worker() -> None:
        with ctx.sessions() as own:
            start.wait(5)
            reports.append(schedule.run_due(own, LINKS, now=now))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(reports) == 2
    keys = [key for report in reports for key in report.runs]
    assert sorted(keys) == sorted(set(keys))  # no run done by both
    assert len(keys) == 2 * 2 + 1  # reminders and digest for Oak and Elm, and "no school"
    assert session.scalar(select(func.count(ScheduledRun.id))) == 5
    assert session.scalar(select(func.count(MailMessage.id))) == 1  # Mo's digest, once
    summaries = select(Notification.user_id).where(Notification.kind == "coordinator_digest")
    assert sorted(session.scalars(summaries)) == [world.coordinator.id, world.lead.id]


def test_a_run_left_unfinished_by_a_dead_worker_is_taken_over_after_an_hour(session):
    world = build_world(session)
    now = at("2027-02-08", 9)
    oak, elm = f"reminders:{world.oak.id}:2027-02-08", f"reminders:{world.elm.id}:2027-02-08"
    session.add_all(
        [
            ScheduledRun(key=oak, started_at=now - timedelta(minutes=61)),  # its worker died
            ScheduledRun(key=elm, started_at=now - timedelta(minutes=10)),  # still running
        ]
    )
    session.commit()
    report = schedule.run_due(session, LINKS, now=now)
    assert report.runs == [oak]
    assert report.raised == {"coordinator_digest": 2}
    session.expire_all()
    runs = {r.key: r for r in session.scalars(select(ScheduledRun))}
    assert runs[oak].started_at == now and runs[oak].finished_at == now
    assert runs[elm].finished_at is None
    assert not schedule.claim(session, elm, now)  # a live claim is not taken
    assert schedule.claim(session, elm, now + timedelta(minutes=51))
