"""Invitations and password resets by email, end to end: a coordinator sends an invitation, a
real SMTP server receives it, and following its link sets a password once; a reset never
tells whether an account exists; expired and used links say so."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import select

from service import accounts
from service.models import AuditAction, AuditEvent, MailMessage, Role, User, utcnow
from service.people import invitations, tokens
from tests import factories
from tests.conftest import DEMO_PASSWORD, AuthActions, csrf_token
from tests.mail_server import serve
from workers.context import use_context
from workers.queues import MAIL_QUEUE
from workers.runner import PromptSimpleWorker

COORDINATOR = "coordinator@northfield.example"
OTHER_COORDINATOR = "coordinator@riverside.example"
ECT = "ect1@northfield.example"
NEW_PASSWORD = "a tidy classroom at nine"
LINK = re.compile(r"http://localhost(/auth/(?:welcome|reset)/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def mail_server():
    """A real SMTP server on a free port, keeping what it receives."""
    yield from serve()


@pytest.fixture
def mail_app(settings, ctx, mail_server):
    """The app and its worker sending through the test's SMTP server."""
    from web import create_app

    changed = settings.with_overrides(smtp_url=mail_server.url)
    use_context(replace(ctx, settings=changed))
    app = create_app(changed)
    yield app
    app.extensions["coachreel"].engine.dispose()


@pytest.fixture
def client(mail_app):
    return mail_app.test_client()


@pytest.fixture
def auth(client):
    return AuthActions(client)


def send_queued_mail(ctx) -> None:
    queue = Queue(MAIL_QUEUE, connection=ctx.redis)
    PromptSimpleWorker([queue], connection=ctx.redis).work(burst=True, with_scheduler=False)


def newcomer(session, email: str = "newcomer@northfield.example") -> User:
    """A person a coordinator has added, who has not chosen a password yet."""
    person = accounts.create_user(
        session,
        email=email,
        name="Nia Newcomer",
        password_hash=accounts.NO_PASSWORD,
        role=Role.ECT,
        school_id=factories.school_of(session, ECT),
    )
    session.commit()
    return person


def post(client, url: str, data: dict[str, str], page: str = "/auth/login"):
    token = csrf_token(client.get(page).text)
    return client.post(url, data={"csrf_token": token, **data})


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match is not None, text
    return match.group(1)


def test_a_person_without_a_password_cannot_sign_in(client, session, demo):
    newcomer(session)
    for password in ("", "!", NEW_PASSWORD, DEMO_PASSWORD):
        assert accounts.authenticate(session, "newcomer@northfield.example", password) is None
    response = AuthActions(client).login("newcomer@northfield.example", "!")
    assert response.status_code == 401


def test_an_invitation_arrives_and_its_link_sets_a_password_once(
    ctx,
    client,
    auth,
    session,
    demo,
    mail_server,
):
    person = newcomer(session)
    auth.login(COORDINATOR)
    response = post(client, f"/people/people/{person.id}/invite", {}, page="/clips/")
    assert response.status_code == 302
    assert mail_server.messages == []  # the page only queued it
    send_queued_mail(ctx)

    [received] = mail_server.to("newcomer@northfield.example")
    assert received.email["Subject"] == "Your invitation to Coachreel at Northfield Primary"
    text = received.text
    coordinator = factories.user(session, COORDINATOR)
    assert f"{coordinator.name} has invited you to Coachreel at Northfield Primary" in text
    assert "works once, for 7 days" in text
    assert "clip" not in text.lower().replace("lesson clips", "")  # no clip, no pupil
    path = link_in(text)
    assert f'href="http://localhost{path}"' in received.html
    session.expire_all()
    assert session.get(User, person.id).invited_at is not None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.INVITE))
    assert (event.actor_id, event.subject_id) == (coordinator.id, person.id)
    assert session.scalar(select(MailMessage)).text_body == ""  # the link is not kept

    auth.logout()
    page = client.get(path)
    assert page.status_code == 200 and "Nia Newcomer" in page.text
    token = csrf_token(page.text)
    differ = client.post(path, data={"csrf_token": token, "new": NEW_PASSWORD, "confirm": "x"})
    assert differ.status_code == 400 and "The two passwords differ" in differ.text
    weak = client.post(path, data={"csrf_token": token, "new": "short", "confirm": "short"})
    assert weak.status_code == 400 and "at least 10 characters" in weak.text
    done = client.post(
        path, data={"csrf_token": token, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert client.get("/clips/").status_code == 200  # signed in
    auth.logout()
    assert auth.login("newcomer@northfield.example", NEW_PASSWORD).status_code == 302
    auth.logout()

    again = client.get(path)
    assert again.status_code == 400
    assert "already been used or is not valid" in again.text
    replay = client.post(
        path, data={"csrf_token": token, "new": "another long one", "confirm": "another long one"}
    )
    assert replay.status_code == 400
    assert auth.login("newcomer@northfield.example", NEW_PASSWORD).status_code == 302


def test_an_expired_invitation_says_whom_to_ask(client, settings, session, demo):
    person = newcomer(session)
    issued = utcnow() - timedelta(days=settings.invitation_days, minutes=1)
    token = tokens.make_token(settings.secret_key, tokens.INVITATION, person, now=issued)
    page = client.get(f"/auth/welcome/{token}")
    assert page.status_code == 400
    assert "This link has expired. Ask your coordinator to send a new invitation." in page.text
    # A day younger, the same link works.
    fresh = tokens.make_token(
        settings.secret_key, tokens.INVITATION, person, now=issued + timedelta(days=1)
    )
    assert client.get(f"/auth/welcome/{fresh}").status_code == 200


def test_links_are_for_one_purpose_and_die_with_deactivation(client, settings, session, demo):
    person = newcomer(session)
    invitation = tokens.make_token(settings.secret_key, tokens.INVITATION, person)
    assert client.get(f"/auth/reset/{invitation}").status_code == 400  # not a reset link
    assert client.get(f"/auth/welcome/{invitation}").status_code == 200
    accounts.deactivate_user(session, person.id)
    page = client.get(f"/auth/welcome/{invitation}")
    assert page.status_code == 400 and "already been used or is not valid" in page.text
    assert client.get("/auth/welcome/garbage.token.here").status_code == 400


def test_invitations_only_for_people_the_coordinator_manages(
    ctx,
    client,
    auth,
    session,
    demo,
    mail_server,
):
    person = newcomer(session)
    auth.login(OTHER_COORDINATOR)
    headers = {"Accept": "application/json"}
    token = csrf_token(client.get("/clips/").text)
    url = f"/people/people/{person.id}/invite"
    assert client.post(url, data={"csrf_token": token}, headers=headers).status_code == 404
    auth.logout()
    auth.login(ECT)
    token = csrf_token(client.get("/clips/").text)
    assert client.post(url, data={"csrf_token": token}, headers=headers).status_code == 403
    auth.logout()
    auth.login("induction-lead@northfield-trust.example")  # the trust's coordinator
    token = csrf_token(client.get("/clips/").text)
    response = client.post(url, data={"csrf_token": token}, headers=headers)
    assert response.status_code == 200 and response.json["invited"] == person.id
    send_queued_mail(ctx)
    assert len(mail_server.to(person.email)) == 1


def test_a_deactivated_person_is_not_invited(ctx, client, auth, session, demo, mail_server):
    person = newcomer(session)
    accounts.deactivate_user(session, person.id)
    auth.login(COORDINATOR)
    token = csrf_token(client.get("/clips/").text)
    response = client.post(
        f"/people/people/{person.id}/invite",
        data={"csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and "Reactivate them first" in response.json["error"]
    send_queued_mail(ctx)
    assert mail_server.messages == []


def _forgot(client, email: str):
    return post(client, "/auth/forgot", {"email": email}, page="/auth/forgot")


def test_a_reset_for_an_unknown_or_deactivated_email_answers_the_same_and_sends_nothing(
    ctx,
    client,
    session,
    demo,
    mail_server,
):
    known = _forgot(client, "mentor1@northfield.example")
    unknown = _forgot(client, "nobody@northfield.example")
    accounts.deactivate_user(session, factories.user(session, "mentor2@northfield.example").id)
    gone = _forgot(client, "mentor2@northfield.example")
    assert known.status_code == unknown.status_code == gone.status_code == 200
    strip = re.compile(r"<meta name=\"csrf-token\"[^>]*>|\S+@northfield\.example")
    assert strip.sub("", known.text) == strip.sub("", unknown.text) == strip.sub("", gone.text)
    assert "Check your email" in known.text
    send_queued_mail(ctx)
    assert [m.rcpt_tos for m in mail_server.messages] == [["mentor1@northfield.example"]]
    assert session.scalars(select(MailMessage.to_address)).all() == ["mentor1@northfield.example"]


def test_a_reset_link_changes_the_password_once(ctx, client, auth, session, demo, mail_server):
    _forgot(client, "Mentor1@Northfield.example ")  # as typed, in any case
    send_queued_mail(ctx)
    [received] = mail_server.messages
    assert received.email["Subject"] == "Reset your Coachreel password"
    assert "works once, for 2 hours" in received.text
    path = link_in(received.text)
    page = client.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.text
    token = csrf_token(page.text)
    done = client.post(
        path, data={"csrf_token": token, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302
    auth.logout()
    assert auth.login("mentor1@northfield.example", DEMO_PASSWORD).status_code == 401
    assert auth.login("mentor1@northfield.example", NEW_PASSWORD).status_code == 302
    auth.logout()
    used = client.get(path)
    assert used.status_code == 400 and "request a new link" in used.text.lower()


def test_an_expired_reset_link_offers_a_new_one(client, settings, session, demo):
    mentor = factories.user(session, "mentor1@northfield.example")
    issued = utcnow() - timedelta(hours=settings.reset_hours, seconds=5)
    token = tokens.make_token(settings.secret_key, tokens.PASSWORD_RESET, mentor, now=issued)
    page = client.get(f"/auth/reset/{token}")
    assert page.status_code == 400
    assert "This link has expired. Please request a new one" in page.text
    assert 'href="/auth/forgot"' in page.text


def test_the_sign_in_page_links_to_a_reset(client):
    assert 'href="/auth/forgot"' in client.get("/auth/login").text


def test_requests_for_reset_links_are_throttled(settings, ctx, demo):
    from web import create_app

    app = create_app(settings.with_overrides(signin_attempts_per_account=2))
    client = app.test_client()
    try:
        answers = [_forgot(client, "ect1@northfield.example").status_code for _ in range(3)]
        assert answers == [200, 200, 429]
        page = _forgot(client, "ect1@northfield.example")
        assert "Too many requests for a new password" in page.text
        assert _forgot(client, "ect2@northfield.example").status_code == 200  # per account
        # Sign-in keeps its own count.
        assert AuthActions(client).login("ect1@northfield.example").status_code == 302
    finally:
        app.extensions["coachreel"].engine.dispose()


def test_invite_use_case_leaves_out_deactivated_people(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    active, leaver = newcomer(session), newcomer(session, "leaver@northfield.example")
    accounts.deactivate_user(session, leaver.id)
    messages = invitations.invite(
        session,
        coordinator,
        [active.id, leaver.id, active.id],
        link_for=lambda token: f"https://coachreel.test/auth/welcome/{token}",
        secret_key="k",
        valid_days=7,
    )
    assert [m.to_address for m in messages] == [active.email]
    assert "https://coachreel.test/auth/welcome/" in messages[0].text_body


@pytest.fixture
def outbox_client(settings, ctx):
    """A client of the app as embedded: no SMTP_URL, so mail goes to the outbox folder."""
    from web import create_app

    shutil.rmtree(settings.outbox_path, ignore_errors=True)  # the instance folder is shared
    app = create_app(settings)
    yield app.test_client()
    app.extensions["coachreel"].engine.dispose()
    shutil.rmtree(settings.outbox_path, ignore_errors=True)


def test_the_outbox_page_shows_each_email_and_its_link(ctx, outbox_client, session, demo):
    client = outbox_client
    _forgot(client, "mentor1@northfield.example")
    send_queued_mail(ctx)
    [message] = session.scalars(select(MailMessage)).all()
    name = f"{message.id}-password_reset.eml"

    auth = AuthActions(client)
    auth.login(COORDINATOR)
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{name}").status_code == 403
    auth.logout()
    auth.login("admin@coachreel.example")
    page = client.get("/admin/outbox")
    assert page.status_code == 200
    assert "mentor1@northfield.example" in page.text and "Sent" in page.text
    assert f'href="/admin/outbox/{name}"' in page.text
    shown = client.get(f"/admin/outbox/{name}")
    assert shown.status_code == 200 and "Reset your Coachreel password" in shown.text
    path = link_in(shown.text)
    assert f'<a href="http://localhost{path}">' in shown.text
    for bad in ("secret_key", "..%2Fsecret_key", "%2Fetc%2Fpasswd", f"{name}.part", "x.eml"):
        assert client.get(f"/admin/outbox/{bad}").status_code == 404, bad
    auth.logout()
    assert client.get(path).status_code == 200  # the link in the file works


def test_inviting_nobody_sends_nothing(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    assert (
        invitations.invite(session, coordinator, [], link_for=str, secret_key="k", valid_days=7)
        == []
    )
