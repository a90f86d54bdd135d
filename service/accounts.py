"""Users, sign-in and the organisation they belong to."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from service.models import Membership, Role, User

# Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")


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


def load_user(session: Session, user_id: str) -> User | None:
    """Load a user by the id kept in the session cookie."""
    try:
        return session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
