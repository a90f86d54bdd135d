"""Personal access tokens for the API: made, named, scoped, revoked by their person.

A token acts as its person under the access policy. Only the SHA-256 of the secret is kept; the
secret itself is shown once, when the token is made. A token dies with its revocation and with
its person's deactivation (service.people.leavers revokes every token of theirs).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import auditlog
from service.errors import InvalidInput, NotFound
from service.models import AccessToken, AuditAction, User, utcnow

PREFIX = "crt_"  # marks a Coachreel token, so secret scanners and people recognise one
MAX_NAME = 80
MAX_TOKENS = 20  # live tokens per person
# last_used_at is written at most this often, so a busy client does not write on every call.
USE_STAMP_EVERY = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    """Return the hash a token's secret is kept as."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    session: Session, user: User, name: str, *, can_write: bool
) -> tuple[AccessToken, str]:
    """Make a token for the user; return it with its secret, which is never shown again."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Please give the token a name, such as the system that will use it.")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Please keep the token's name to {MAX_NAME} characters or fewer.")
    if len(live_tokens(session, user)) >= MAX_TOKENS:
        raise InvalidInput(
            f"You have {MAX_TOKENS} tokens already. Please revoke one you no longer use first."
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken(
        user_id=user.id,
        name=name,
        token_hash=token_hash(secret),
        prefix=secret[:12],
        can_write=can_write,
    )
    session.add(token)
    session.flush()
    scope = "read and change" if can_write else "read"
    auditlog.record(
        session,
        user,
        AuditAction.PERMISSION_CHANGE,
        subject_id=user.id,
        detail=f"API token “{name}” ({token.prefix}…) made to {scope}",
    )
    session.commit()
    return token, secret


def live_tokens(session: Session, user: User) -> list[AccessToken]:
    """The user's tokens that are not revoked, newest first."""
    query = (
        select(AccessToken)
        .where(AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
    )
    return list(session.scalars(query))


def revoke_token(session: Session, user: User, token_id: int) -> AccessToken:
    """Revoke one of the user's own tokens; someone else's answers 404."""
    token = session.get(AccessToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("We could not find that token. It may have been revoked already.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        auditlog.record(
            session,
            user,
            AuditAction.PERMISSION_CHANGE,
            subject_id=user.id,
            detail=f"API token “{token.name}” ({token.prefix}…) revoked",
        )
        session.commit()
    return token


def revoke_all(session: Session, person: User) -> int:
    """Revoke every live token of the person (on deactivation); the caller commits."""
    now = utcnow()
    tokens = live_tokens(session, person)
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


def authenticate(session: Session, secret: str) -> tuple[User, AccessToken] | None:
    """Return the active person a live token's secret stands for, with the token; else None."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(select(AccessToken).where(AccessToken.token_hash == token_hash(secret)))
    if token is None or token.revoked_at is not None:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= USE_STAMP_EVERY:
        token.last_used_at = now
        session.commit()
    return user, token
