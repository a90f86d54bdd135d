"""The password rule, and the use cases that replace a user's session token."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service import accounts
from service.errors import InvalidInput
from service.models import Role, User

EMAIL = "sam.taylor@northfield.example"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("a long enough pass", None),
        ("short", "at least 10 characters"),
        ("x" * 201, "at most 200 characters"),
        ("password123", "too easy to guess"),
        ("QWERTYUIOP", "too easy to guess"),
        ("ababababab", "too easy to guess"),
        (EMAIL, "not your email address"),
        ("Sam.Taylor@Northfield.example!", "not your email address"),
        ("sam.taylor", "not your email address"),
    ],
)
def test_the_password_rule(password, problem):
    answer = accounts.password_problem(password, EMAIL)
    assert answer is None if problem is None else problem in answer


def test_a_weak_password_is_refused_when_an_account_is_made(session):
    with pytest.raises(InvalidInput, match="too easy to guess"):
        accounts.create_user(
            session, email=EMAIL, name="Sam", password="1234567890", role=Role.ADMIN
        )
    user = accounts.create_user(
        session, email=EMAIL, name="Sam", password="a long enough pass", role=Role.ADMIN
    )
    assert accounts.authenticate(session, EMAIL, "a long enough pass") is user


def test_signing_out_password_change_and_deactivation_replace_the_token(session):
    user = accounts.create_user(
        session, email=EMAIL, name="Sam", password="a long enough pass", role=Role.ADMIN
    )
    session.commit()
    seen = {user.session_token}
    assert accounts.load_user(session, user.session_token) is user

    accounts.end_sessions(session, user.id)
    assert user.session_token not in seen
    seen.add(user.session_token)
    accounts.change_password(session, user.id, "a long enough pass", "another long pass")
    assert user.session_token not in seen
    seen.add(user.session_token)
    for token in seen - {user.session_token}:
        assert accounts.load_user(session, token) is None

    accounts.deactivate_user(session, user.id)
    assert user.session_token not in seen
    assert not session.scalar(select(User.active).where(User.id == user.id))
    assert accounts.load_user(session, user.session_token) is None  # inactive: refused
    assert accounts.authenticate(session, EMAIL, "another long pass") is None


def test_a_password_change_needs_the_current_password_and_a_good_new_one(session):
    user = accounts.create_user(
        session, email=EMAIL, name="Sam", password="a long enough pass", role=Role.ADMIN
    )
    session.commit()
    token = user.session_token
    with pytest.raises(InvalidInput, match="current password is not right"):
        accounts.change_password(session, user.id, "not my password", "another long pass")
    with pytest.raises(InvalidInput, match="at least 10 characters"):
        accounts.change_password(session, user.id, "a long enough pass", "short")
    session.refresh(user)
    assert user.session_token == token
    assert accounts.authenticate(session, EMAIL, "a long enough pass") is user
