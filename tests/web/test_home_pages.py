"""Each role lands on its own home after signing in, and behind the logo: an ECT on this
week's step and latest feedback, a mentor on their ECTs and clips awaiting feedback, a
reviewer on the queue, a coordinator on the induction dashboard; a safe ?next= still wins."""

from __future__ import annotations

import html

import pytest

from service import accounts
from service.coaching import steps
from service.coaching.home import Home, home_for
from service.feedback import comments
from service.models import Membership, Role, User
from tests.conftest import csrf_token
from tests.factories import ready_clip, school_of, user
from tests.web.forms import post

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
REVIEWER, COORDINATOR = "reviewer@northfield.example", "coordinator@northfield.example"
TRUST_LEAD, ADMIN = "induction-lead@northfield-trust.example", "admin@coachreel.example"


def sign_in(client, email: str, next_: str | None = None):
    page = client.get("/auth/login")
    return client.post(
        "/auth/login",
        query_string={"next": next_} if next_ is not None else None,
        data={"email": email, "password": "coachreel-demo", "csrf_token": csrf_token(page.text)},
    )


@pytest.mark.parametrize(
    ("email", "landing"),
    [
        (ECT, "/coaching/"),
        (MENTOR, "/coaching/"),
        (REVIEWER, "/review/"),
        (COORDINATOR, "/induction/"),
        (TRUST_LEAD, "/induction/"),
        (ADMIN, "/induction/"),
    ],
)
def test_each_role_lands_on_its_own_home_and_the_logo_leads_there(client, demo, email, landing):
    response = sign_in(client, email)
    assert response.status_code == 302 and response.headers["Location"] == landing
    assert client.get("/").headers["Location"] == landing  # the logo's link
    assert client.get(landing, follow_redirects=True).status_code == 200


def test_the_homes_show_what_each_role_starts_from(ctx, session, client, auth, demo):
    ect = user(session, ECT)
    mentor = user(session, MENTOR)
    clip = ready_clip(session, ctx.storage, ECT, title="Year 9 poetry")
    step = steps.StepInput("Cold call after wait time", "", ["Pause", "Name"], "instruction", 2)
    steps.set_action_step(session, mentor, ect.id, step)

    sign_in(client, MENTOR)
    page = html.unescape(client.get("/", follow_redirects=True).text)
    assert "My ECTs" in page and "Awaiting your feedback (1)" in page and "Year 9 poetry" in page

    comments.add_comment(session, mentor, clip.id, at_seconds=4, body="Lovely routine")
    sign_in(client, ECT)
    page = html.unescape(client.get("/", follow_redirects=True).text)
    assert "This week's step" in page and "Cold call after wait time" in page
    assert "Latest feedback" in page and "Lovely routine" in page

    sign_in(client, REVIEWER)
    assert "<h1>Coaching to review</h1>" in client.get("/", follow_redirects=True).text
    sign_in(client, COORDINATOR)
    dashboard = client.get("/", follow_redirects=True)
    assert dashboard.request.path == f"/induction/schools/{school_of(session, ECT)}"


@pytest.mark.parametrize("target", ["/clips/?kind=lesson", "/search/?q=fractions", "/"])
def test_a_safe_next_still_wins(client, demo, target):
    assert sign_in(client, COORDINATOR, target).headers["Location"] == target


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.com"])
def test_an_unsafe_next_lands_on_the_home_instead(client, demo, target):
    assert sign_in(client, REVIEWER, target).headers["Location"] == "/review/"


def test_several_roles_land_where_the_role_shown_beside_the_name_leads(session, client, demo):
    # A mentor who also coordinates induction is shown as a coordinator, and lands there.
    mentor = user(session, "mentor2@northfield.example")
    mentor.memberships.append(Membership(role=Role.COORDINATOR, school_id=school_of(session, ECT)))
    session.commit()
    assert home_for(mentor) == Home.INDUCTION
    assert sign_in(client, mentor.email).headers["Location"] == "/induction/"


def test_someone_with_no_role_lands_on_the_clips(session, client, demo):
    person = accounts.create_user(
        session,
        email="nobody@northfield.example",
        name="No Role",
        password_hash=user(session, ECT).password_hash,
        role=Role.ECT,
        school_id=school_of(session, ECT),
    )
    person.memberships.clear()
    session.commit()
    assert home_for(session.get(User, person.id)) == Home.CLIPS
    assert sign_in(client, person.email).headers["Location"] == "/clips/"


def test_changing_the_password_comes_back_home(client, auth, demo):
    auth.login(MENTOR)
    changed = post(
        client,
        "/auth/password",
        {
            "current": "coachreel-demo",
            "new": "a much longer passphrase",
            "confirm": "a much longer passphrase",
        },
    )
    assert changed.status_code == 302 and changed.headers["Location"] == "/coaching/"
