"""Users, sign-in, passwords and the session token that ends a user's sessions."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from service.errors import InvalidInput, NotFound
from service.models import Membership, Role, User
from service.models.org import new_session_token

# Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")
# The password hash of someone who has not chosen a password yet (added by a coordinator and
# invited by email): no password verifies against it, so nobody signs in as them until they
# follow their invitation's link.
NO_PASSWORD = "!"

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
# Passwords that lists of leaked passwords put near the top; a short list, checked after the
# length rule (so only those of 10 characters or more matter here).
_COMMON_PASSWORDS = frozenset(
    {
        "0123456789",
        "1234567890",
        "12345678910",
        "123456789a",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "abc1234567",
        "abcdefghij",
        "administrator",
        "iloveyou123",
        "letmein123",
        "password01",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "qwerty1234",
        "qwerty12345",
        "qwertyuiop",
        "q1w2e3r4t5",
        "teacher123",
        "welcome123",
        "coachreel123",
        "changeme123",
        "football123",
        "sunshine123",
        "1111111111",
        "0000000000",
        "aaaaaaaaaa",
        "zaq12wsxcde",
    }
)


def password_problem(password: str, email: str) -> str | None:
    """Say what is wrong with a new password for the account with this email, or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Please choose a password of at least {PASSWORD_MIN_LENGTH} characters."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Please choose a password of at most {PASSWORD_MAX_LENGTH} characters."
    lowered = password.strip().lower()
    email = email.strip().lower()
    if email and (email in lowered or lowered in (email, email.split("@", 1)[0])):
        return "Please choose a password that is not your email address."
    if lowered in _COMMON_PASSWORDS or len(set(lowered)) < 3:
        return "That password is too easy to guess. Please choose a less common one."
    return None


def _check_password(password: str, email: str) -> None:
    problem = password_problem(password, email)
    if problem is not None:
        raise InvalidInput(problem)


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str | None = None,
    password_hash: str | None = None,
    role: Role,
    school_id: int | None = None,
    trust_id: int | None = None,
) -> User:
    """Create a user with one role in a school, a trust, or (admins) everywhere."""
    if password_hash is None:
        if not password:
            raise ValueError("a new user needs a password")
        _check_password(password, email)
        password_hash = generate_password_hash(password)
    user = User(email=email.strip().lower(), name=name.strip(), password_hash=password_hash)
    user.memberships.append(Membership(role=role, school_id=school_id, trust_id=trust_id))
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def load_user(session: Session, session_token: str) -> User | None:
    """Load the active user whose current session token this is (kept in the session cookie)."""
    if not session_token:
        return None
    user = session.scalar(select(User).where(User.session_token == session_token))
    if user is None or not user.active:
        return None
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """End every session of the user (signing out): their session token is replaced."""
    user = _user(session, user_id)
    user.session_token = new_session_token()
    session.commit()


def change_password(session: Session, user_id: int, current: str, new: str) -> User:
    """Change the user's password, ending every other session they have."""
    user = _user(session, user_id)
    if not check_password_hash(user.password_hash, current):
        raise InvalidInput("Your current password is not right. Please try again.")
    _check_password(new, user.email)
    user.password_hash = generate_password_hash(new)
    user.session_token = new_session_token()
    session.commit()
    return user


def deactivate_user(session: Session, user_id: int) -> None:
    """Deactivate an account: it can no longer sign in, and its open sessions end at once."""
    user = _user(session, user_id)
    user.active = False
    user.session_token = new_session_token()
    session.commit()


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("We could not find that account.")
    return user
