"""Signing out, a password change and deactivation end sessions: copied cookies stop working."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from service import accounts
from service.models import Clip, StepTemplate, User
from tests.conftest import csrf_token

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"
NEW_PASSWORD = "a long new passphrase"


def _copy_cookie(source, target, name: str) -> None:
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    target.set_cookie(name, cookie.value)


def _signed_in(client) -> bool:
    return client.get("/clips/").status_code == 200


def _change_password(client, current: str, new: str, confirm: str | None = None):
    token = csrf_token(client.get("/auth/password").text)
    return client.post(
        "/auth/password",
        data={"csrf_token": token, "current": current, "new": new, "confirm": confirm or new},
    )


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client, auth, demo):
    auth.login(ECT)
    thief = app.test_client()
    _copy_cookie(client, thief, "session")
    assert _signed_in(thief)
    auth.logout()
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_the_session_cookie_holds_the_session_token_not_the_user_id(client, auth, demo, session):
    auth.login(ECT)
    with client.session_transaction() as cookie_session:
        claim = cookie_session["_user_id"]
    user = session.scalar(select(User).where(User.email == ECT))
    assert claim == user.session_token and claim != str(user.id)


def test_remember_me_cookie_is_lax_short_lived_and_revoked_by_sign_out(app, client, demo):
    page = client.get("/auth/login")
    response = client.post(
        "/auth/login",
        data={
            "email": ECT,
            "password": "coachreel-demo",
            "remember": "y",
            "csrf_token": csrf_token(page.text),
        },
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if "remember_token=" in h)
    assert "SameSite=Lax" in header and "HttpOnly" in header
    remembered = client.get_cookie("remember_token")
    days = (remembered.expires - remembered.expires.now(remembered.expires.tzinfo)).days
    assert 13 <= days <= 14  # REMEMBER_DAYS' default, not Flask-Login's year

    # Another browser holding only the remember-me cookie is signed in by it...
    other = app.test_client()
    _copy_cookie(client, other, "remember_token")
    assert _signed_in(other)
    # ...until the user signs out anywhere.
    token = csrf_token(client.get("/clips/").text)
    client.post("/auth/logout", data={"csrf_token": token})
    late = app.test_client()
    late.set_cookie("remember_token", remembered.value)
    assert not _signed_in(late)
    assert not _signed_in(other)


def test_a_password_change_ends_other_sessions_and_remember_me_but_not_this_one(
    app, client, auth, demo
):
    page = client.get("/auth/login")
    client.post(
        "/auth/login",
        data={"email": ECT, "password": "coachreel-demo", "remember": "y",
              "csrf_token": csrf_token(page.text)},
    )  # fmt: skip
    other = app.test_client()
    _copy_cookie(client, other, "session")
    remembered = app.test_client()
    _copy_cookie(client, remembered, "remember_token")
    assert _signed_in(other) and _signed_in(remembered)

    response = _change_password(client, "coachreel-demo", NEW_PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(other)
    assert not _signed_in(remembered)
    # This device kept "Keep me signed in", with the new token.
    fresh = app.test_client()
    _copy_cookie(client, fresh, "remember_token")
    assert _signed_in(fresh)

    auth.logout()
    assert auth.login(ECT).status_code == 401  # the old password no longer works
    assert auth.login(ECT, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password", NEW_PASSWORD, None, "current password is not right"),
        ("coachreel-demo", "short", None, "at least 10 characters"),
        ("coachreel-demo", "password123", None, "too easy to guess"),
        ("coachreel-demo", ECT, None, "not your email address"),
        ("coachreel-demo", NEW_PASSWORD, "something else", "two new passwords differ"),
    ],
)
def test_a_weak_or_unconfirmed_new_password_is_refused(
    client, auth, demo, current, new, confirm, message
):
    auth.login(ECT)
    response = _change_password(client, current, new, confirm)
    assert response.status_code in (200, 400)
    assert message in response.text
    assert _signed_in(client)  # nothing changed, so this session goes on


def _upload_model(client, token: str):
    return client.post(
        "/clips/upload",
        data={
            "csrf_token": token,
            "kind": "model",
            "title": "Entry routine",
            "recorded_on": date.today().isoformat(),
            "file": (io.BytesIO(b"some bytes"), "clip.mp4"),
        },
        headers={"Accept": "application/json"},
    )


def _add_to_library(client, token: str, title: str):
    return client.post(
        "/coaching/library",
        data={"csrf_token": token, "title": title, "criteria": "Same signal",
              "strand": "behaviour", "standard": "1"},
        headers={"Accept": "application/json"},
    )  # fmt: skip


@pytest.mark.parametrize("how", ["deactivate_user", "active flag"])
def test_a_deactivated_users_open_session_can_no_longer_upload_or_add_to_the_library(
    client, auth, demo, ctx, how
):
    auth.login(MENTOR)
    token = csrf_token(client.get("/coaching/library").text)
    assert _add_to_library(client, token, "Before").status_code == 201

    with ctx.sessions() as s:
        user_id = s.scalar(select(User.id).where(User.email == MENTOR))
        if how == "deactivate_user":
            accounts.deactivate_user(s, user_id)
        else:  # the flag alone, as a database edit would leave it: checked on every request
            s.get(User, user_id).active = False
            s.commit()

    assert _upload_model(client, token).status_code == 401
    assert _add_to_library(client, token, "After").status_code == 401
    assert client.get("/clips/").headers["Location"].startswith("/auth/login")
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Clip)) == 0
        titles = s.scalars(select(StepTemplate.title)).all()
        assert "Before" in titles and "After" not in titles
    assert auth.login(MENTOR).status_code == 401  # and it cannot sign in again


def test_the_csrf_token_changes_at_sign_in(client, auth, demo):
    before = csrf_token(client.get("/auth/login").text)
    auth.login(ECT)
    after = csrf_token(client.get("/clips/").text)
    assert after != before
    # A token learnt before sign-in no longer passes.
    response = client.post("/auth/logout", data={"csrf_token": before})
    assert response.status_code == 400
    assert _signed_in(client)
