"""Emailing notifications: at once, once only (a run twice, a worker killed mid-run), never
when turned off, with a one-click unsubscribe link that needs no sign-in."""

from __future__ import annotations

import subprocess
import sys
import time
from email import policy as email_policy
from email.parser import BytesParser

from rq.job import Job, JobStatus
from sqlalchemy import func, select, text

from service.models import DeliveryMode, MailMessage, Notification
from service.notify import delivery, preferences
from tests.conftest import BACKEND, worker_env
from tests.factories import generated_clip, ready_clip, upload, user
from workers.notify import deliver_notifications
from workers.notify_queue import DELIVERY_JOB_ID, enqueue_delivery
from workers.queues import enqueue_processing
from workers.sweeper import sweep

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"


def _messages(session) -> list[MailMessage]:
    session.expire_all()
    return list(session.scalars(select(MailMessage).order_by(MailMessage.id)))


def _outbox(settings) -> list:
    folder = settings.outbox_path
    if not folder.is_dir():
        return []
    parse = BytesParser(policy=email_policy.default).parsebytes
    return [parse(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def test_a_notification_is_emailed_once_however_often_delivery_runs(
    session, ctx, settings, demo, run_jobs
):
    clip = ready_clip(session, ctx.storage, ECT, title="Y8 fractions")
    enqueue_delivery(ctx.redis, stale_after=ctx.stale_after)
    run_jobs()
    enqueue_delivery(ctx.redis, stale_after=ctx.stale_after)
    run_jobs()
    deliver_notifications()  # and once more, straight
    [message] = _messages(session)
    assert message.template == "notify-clip_uploaded"
    assert message.user_id == user(session, MENTOR).id
    [sent] = _outbox(settings)
    assert sent["Subject"] == "Coachreel: Your ECT's new lesson or rehearsal is ready to watch"
    body = sent.get_body(preferencelist=("plain",)).get_content()
    assert f"http://localhost:5000/clips/{clip.id}" in body
    assert "/notifications/unsubscribe/" in body
    unsubscribe = sent["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://localhost:5000/notifications/unsubscribe/")
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    note = session.scalar(select(Notification))
    assert not note.email_due and note.emailed_at is not None


def test_off_is_never_emailed_and_digest_waits_for_the_digest(session, ctx, demo):
    mentor, ect = user(session, MENTOR), user(session, ECT)
    preferences.save_choices(session, mentor, {"clip_uploaded": "off"})
    ready_clip(session, ctx.storage, ECT, title="One")
    assert session.scalar(select(Notification)).email_due is False  # off: nothing owed
    preferences.save_choices(session, mentor, {"clip_uploaded": "digest"})
    ready_clip(session, ctx.storage, ECT, title="Two")
    links = delivery.Links(None, ctx.settings.secret_key)
    assert delivery.deliver_due(session, links) == []
    assert not delivery.anything_due(session)
    waiting = session.scalars(select(Notification).where(Notification.email_due.is_(True)))
    assert [n.text for n in waiting] == [
        "Sam Taylor uploaded a lesson, “Two”: it is ready to watch."
    ]
    # Turned off after it was raised: the delivery run reads the choice it finds then.
    preferences.save_choices(session, ect, {"share_granted": "now"})
    assert _messages(session) == []


def test_the_choices_list_each_persons_kinds_with_defaults(session, demo):
    mentor = user(session, MENTOR)
    chosen = {c.kind.key: c.mode for c in preferences.choices(session, mentor)}
    assert chosen["clip_uploaded"] == DeliveryMode.NOW
    assert chosen["clip_waiting"] == DeliveryMode.DIGEST
    assert "step_set" not in chosen  # an ECT's kind
    admin = user(session, "admin@coachreel.example")
    assert len(preferences.choices(session, admin)) == 13


def test_an_unsubscribe_token_turns_that_email_off_and_a_forged_one_nothing(session, ctx, demo):
    from service.errors import InvalidInput

    mentor = user(session, MENTOR)
    secret = ctx.settings.secret_key
    token = preferences.unsubscribe_token(secret, mentor.id, "clip_uploaded")
    found = preferences.read_unsubscribe(session, secret, token)
    assert found.user.id == mentor.id
    preferences.unsubscribe(session, secret, token)
    chosen = {c.kind.key: c.mode for c in preferences.choices(session, mentor)}
    assert chosen["clip_uploaded"] == DeliveryMode.OFF
    assert chosen["feedback_posted"] == DeliveryMode.NOW
    digest = preferences.unsubscribe_token(secret, mentor.id, "digest")
    preferences.unsubscribe(session, secret, digest)
    chosen = {c.kind.key: c.mode for c in preferences.choices(session, mentor)}
    assert chosen["clip_waiting"] == DeliveryMode.OFF
    for bad in ("x", preferences.unsubscribe_token("another key", mentor.id, "clip_uploaded")):
        try:
            preferences.unsubscribe(session, secret, bad)
        except InvalidInput as exc:
            assert "Notifications" in exc.message
        else:
            raise AssertionError("a forged link was accepted")


def test_a_run_killed_before_its_commit_leaves_the_email_due_and_after_it_sends_once(
    session, ctx, settings, demo, run_jobs, tmp_path
):
    ready_clip(session, ctx.storage, ECT, title="Killed")
    # Hold the database's write lock, so the worker's run blocks writing the email; kill it.
    lock = ctx.engine.connect()
    if BACKEND == "services":
        lock.execute(text("BEGIN"))
        lock.execute(text("LOCK TABLE mail_messages, notifications IN EXCLUSIVE MODE"))
    else:
        lock.exec_driver_sql("BEGIN IMMEDIATE")
    enqueue_delivery(ctx.redis, stale_after=ctx.stale_after)
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "worker", "--queue", "mail"],
        env=worker_env(settings) | {"SWEEP_INTERVAL_SECONDS": "3600"},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while Job.fetch(DELIVERY_JOB_ID, connection=ctx.redis).get_status() != JobStatus.STARTED:
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.1)
        time.sleep(1.0)  # it is now waiting on the lock, mid-run
        import os
        import signal

        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        lock.rollback()
        lock.close()
        log.close()
    session.expire_all()
    assert session.scalar(select(func.count(MailMessage.id))) == 0
    assert session.scalar(select(Notification)).email_due is True
    # The next run (the sweeper queues one) sends it; and a second run nothing more.
    Job.fetch(DELIVERY_JOB_ID, connection=ctx.redis).delete()
    sweep(ctx)
    run_jobs()
    sweep(ctx)
    run_jobs()
    assert len(_messages(session)) == 1
    assert len(_outbox(settings)) == 1


def test_emails_written_but_never_queued_are_sent_by_the_sweeper_once(
    session, ctx, settings, demo, run_jobs
):
    ready_clip(session, ctx.storage, ECT, title="After the commit")
    # A run killed just after its commit: the message is written, no mail job was queued.
    delivery.deliver_due(session, delivery.Links(None, ctx.settings.secret_key))
    from datetime import timedelta

    sweep(ctx, grace=timedelta(0))
    run_jobs()
    sweep(ctx, grace=timedelta(0))
    run_jobs()
    assert [m.status.value for m in _messages(session)] == ["sent"]
    assert len(_outbox(settings)) == 1


def test_a_clip_the_worker_makes_ready_is_emailed_at_once_not_at_the_next_sweep(
    session, ctx, settings, demo, run_jobs, tmp_path
):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "lesson.mp4", duration=2))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()  # processing commits the notification and queues its email run; no sweep runs
    [sent] = _outbox(settings)
    assert sent["Subject"] == "Coachreel: Your ECT's new lesson or rehearsal is ready to watch"
    assert f"/clips/{clip.id}" in sent.get_body(preferencelist=("plain",)).get_content()
