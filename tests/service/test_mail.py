"""The outbox and the mail job: sent through a real SMTP server, or written to the outbox
folder; never twice; retried, then failed with a reason; the body forgotten once sent."""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

import pytest
from rq import Queue
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from service import mail
from service.models import MailMessage, MailStatus
from tests.mail_server import USER, serve
from tests.ports import free_port
from workers.context import use_context
from workers.mail import outbox_files, read_outbox_file, smtp_server
from workers.queues import MAIL_QUEUE, enqueue_mail, job_id
from workers.runner import PromptSimpleWorker
from workers.sweeper import sweep

LINK = "http://coachreel.test/auth/welcome/a-token"


@pytest.fixture
def mail_server():
    """A real SMTP server on a free port, keeping what it receives."""
    yield from serve()


@pytest.fixture
def outbox(ctx):
    """The instance's outbox folder, empty (the instance folder is shared by the run)."""
    shutil.rmtree(ctx.settings.outbox_path, ignore_errors=True)
    yield ctx.settings.outbox_path
    shutil.rmtree(ctx.settings.outbox_path, ignore_errors=True)


@pytest.fixture
def with_settings(ctx):
    """Make jobs in this process use the test's settings with some values changed."""

    def change(**values) -> None:
        use_context(replace(ctx, settings=ctx.settings.with_overrides(**values)))

    return change


def _message(session, to: str = "ect@school.example") -> MailMessage:
    text, html = mail.letter(
        greeting="Hello Jo <b>Bloggs</b>,",
        paragraphs=["Choose a password."],
        link=LINK,
        button="Choose your password",
        after=["The link works once."],
    )
    message = mail.compose(
        session,
        to=to,
        user_id=None,
        template="invitation",
        subject="Your invitation",
        text=text,
        html=html,
    )
    session.commit()
    return message


def _work(ctx) -> None:
    PromptSimpleWorker([Queue(MAIL_QUEUE, connection=ctx.redis)], connection=ctx.redis).work(
        burst=True, with_scheduler=False
    )


def _work_with_retries(ctx) -> int:
    """Work the mail queue, putting each retry RQ schedules back at once; return the runs."""
    queue = Queue(MAIL_QUEUE, connection=ctx.redis)
    registry = ScheduledJobRegistry(queue=queue)
    runs = 0
    for runs in range(1, 10):  # noqa: B007 - the count is the answer
        _work(ctx)
        due = registry.get_jobs_to_schedule(timestamp=int(time.time()) + 3600)
        if not due:
            break
        for jid in due:
            registry.remove(jid)
            queue.enqueue_job(Job.fetch(jid, connection=ctx.redis))
    return runs


def test_smtp_delivers_headers_both_parts_and_forgets_the_body(
    ctx, session, mail_server, with_settings
):
    with_settings(smtp_url=mail_server.url, mail_from="Coachreel <hello@coachreel.test>")
    message = _message(session)
    enqueue_mail(ctx.redis, message.id, stale_after=ctx.stale_after)
    _work(ctx)

    [received] = mail_server.messages
    assert received.rcpt_tos == ["ect@school.example"]
    assert received.mail_from == "hello@coachreel.test"
    email = received.email
    assert email["From"] == "Coachreel <hello@coachreel.test>"
    assert email["To"] == "ect@school.example"
    assert email["Subject"] == "Your invitation"
    assert email["Message-ID"].endswith("@coachreel.test>")
    assert parsedate_to_datetime(email["Date"]).tzinfo is not None
    assert email.get_content_type() == "multipart/alternative"
    assert LINK in received.text
    assert "Hello Jo <b>Bloggs</b>," in received.text
    assert f'<a href="{LINK}">Choose your password</a>' in received.html
    assert "Hello Jo &lt;b&gt;Bloggs&lt;/b&gt;," in received.html  # names cannot add markup

    session.expire_all()
    sent = session.get(MailMessage, message.id)
    assert sent.status == MailStatus.SENT and sent.sent_at is not None
    assert (sent.text_body, sent.html_body, sent.attempts) == ("", "", 1)
    assert (sent.to_address, sent.template, sent.subject) == (
        "ect@school.example",
        "invitation",
        "Your invitation",
    )


def test_a_sent_message_is_never_sent_again(ctx, session, mail_server, with_settings):
    with_settings(smtp_url=mail_server.url)
    message = _message(session)
    enqueue_mail(ctx.redis, message.id, stale_after=ctx.stale_after)
    _work(ctx)
    assert len(mail_server.messages) == 1
    # The job again, by its id and by hand, and the sweeper: nothing more is sent.
    enqueue_mail(ctx.redis, message.id, stale_after=ctx.stale_after)
    _work(ctx)
    from workers.mail import send_mail

    assert send_mail(message.id) == "nothing to send"
    sweep(ctx, grace=ctx.stale_after * 0)
    _work(ctx)
    assert len(mail_server.messages) == 1
    session.expire_all()
    assert session.get(MailMessage, message.id).attempts == 1


def test_smtp_url_login(ctx, session, mail_server, with_settings):
    with_settings(smtp_url=mail_server.url_with_login)
    message = _message(session)
    enqueue_mail(ctx.redis, message.id, stale_after=ctx.stale_after)
    _work(ctx)
    assert mail_server.logins == [USER]
    assert len(mail_server.messages) == 1


def test_an_unreachable_server_is_retried_then_the_message_fails(
    ctx, session, with_settings, outbox
):
    with_settings(smtp_url=f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    message = _message(session)
    enqueue_mail(ctx.redis, message.id, stale_after=ctx.stale_after)
    runs = _work_with_retries(ctx)

    assert runs == 4  # the first try and three retries (Retry(max=3))
    session.expire_all()
    failed = session.get(MailMessage, message.id)
    assert failed.status == MailStatus.FAILED
    assert failed.attempts == 4
    assert "could not be reached" in failed.error
    assert (failed.text_body, failed.html_body) == ("", "")  # no link left behind
    assert outbox_files(outbox) == []  # and nothing written to the folder instead
    job = Job.fetch(job_id("send-mail", message.id), connection=ctx.redis)
    assert job.is_failed


def test_between_retries_the_message_waits_with_its_reason(ctx, session, with_settings):
    with_settings(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    message = _message(session)
    enqueue_mail(ctx.redis, message.id, stale_after=ctx.stale_after)
    _work(ctx)
    session.expire_all()
    waiting = session.get(MailMessage, message.id)
    assert waiting.status == MailStatus.QUEUED
    assert waiting.attempts == 1 and "could not be reached" in waiting.error
    assert LINK in waiting.text_body  # kept for the retry
    # The retry is scheduled, so the sweeper leaves it be.
    assert Job.fetch(job_id("send-mail", message.id), connection=ctx.redis).is_scheduled
    sweep(ctx, grace=ctx.stale_after * 0)
    assert Queue(MAIL_QUEUE, connection=ctx.redis).count == 0


def test_without_smtp_the_message_is_written_to_the_outbox(ctx, session, outbox):
    assert ctx.settings.smtp_url is None  # the embedded default
    message = _message(session)
    enqueue_mail(ctx.redis, message.id, stale_after=ctx.stale_after)
    _work(ctx)

    path = outbox / f"{message.id}-invitation.eml"
    assert path.is_file()
    assert [p.name for p in outbox.iterdir()] == [path.name]  # no .part left behind
    assert path.stat().st_mode & 0o077 == 0  # it holds a link: the owner's alone
    email = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert email["To"] == "ect@school.example"
    assert email["Subject"] == "Your invitation"
    assert LINK in email.get_body(preferencelist=("plain",)).get_content()
    assert LINK in email.get_body(preferencelist=("html",)).get_content()
    read = read_outbox_file(outbox, path.name)
    assert read is not None and LINK in read.text and ("To", "ect@school.example") in read.headers
    session.expire_all()
    assert session.get(MailMessage, message.id).status == MailStatus.SENT
    assert session.get(MailMessage, message.id).text_body == ""


def test_only_plain_names_in_the_outbox_are_read(ctx, outbox, tmp_path):
    outbox.mkdir(parents=True)
    (outbox / "1-invitation.eml").write_bytes(b"To: a@b.example\n\nhello\n")
    (outbox / "2-invitation.eml.part").write_bytes(b"unfinished")
    (tmp_path / "secret.eml").write_bytes(b"To: x@y.example\n\nsecret\n")
    (outbox / "3-link.eml").symlink_to(tmp_path / "secret.eml")
    assert [f.name for f in outbox_files(outbox)] == ["1-invitation.eml"]
    for name in ("../secret_key", "3-link.eml", "2-invitation.eml.part", "", "."):
        assert read_outbox_file(outbox, name) is None
    assert read_outbox_file(outbox, "1-invitation.eml").text.strip() == "hello"


def test_the_sweeper_queues_a_message_that_has_no_job(ctx, session, outbox):
    message = _message(session)  # written, but Redis was down when the page queued it
    assert sweep(ctx, grace=ctx.stale_after * 0) == []  # no clips: it returns clip ids
    assert Queue(MAIL_QUEUE, connection=ctx.redis).job_ids == [job_id("send-mail", message.id)]
    _work(ctx)
    assert (outbox / f"{message.id}-invitation.eml").is_file()


def test_smtp_urls():
    assert smtp_server("smtp://mail.example") == smtp_server("smtp://mail.example:25")
    assert smtp_server("smtp+starttls://mail.example").port == 587
    tls = smtp_server("smtps://user%40school:p%3Ass@mail.example")
    assert (tls.scheme, tls.port, tls.username, tls.password) == (
        "smtps",
        465,
        "user@school",
        "p:ss",
    )
    with pytest.raises(ValueError):
        smtp_server("http://mail.example")
