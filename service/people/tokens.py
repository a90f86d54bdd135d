"""Signed links that set a password: an invitation's, and a password reset's.

A token is ``[user id, fingerprint]`` signed with the app's secret key and a salt naming its
purpose, so an invitation's token is no reset token. The fingerprint is a short hash of the
person's password hash and session token: setting a password changes both, so a link works
once, and deactivation replaces the session token, so a deactivated person's links die too.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from service.errors import InvalidInput
from service.models import User

Purpose = Literal["invitation", "password-reset"]
INVITATION: Purpose = "invitation"
PASSWORD_RESET: Purpose = "password-reset"

EXPIRED = {
    INVITATION: "This link has expired. Ask your coordinator to send a new invitation.",
    PASSWORD_RESET: "This link has expired. Please request a new one below.",
}
NOT_VALID = {
    INVITATION: (
        "This link has already been used or is not valid. If you have set your password, "
        "sign in; otherwise ask your coordinator to send a new invitation."
    ),
    PASSWORD_RESET: (
        "This link has already been used or is not valid. If you have set your password, "
        "sign in; otherwise request a new link below."
    ),
}


class _Signer(TimestampSigner):
    """A timestamp signer whose clock can be set (to issue or check at a chosen time)."""

    def __init__(self, *args: object, now: datetime | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.now = now

    def get_timestamp(self) -> int:
        return int(self.now.timestamp()) if self.now is not None else super().get_timestamp()


def _serializer(secret_key: str, purpose: Purpose, now: datetime | None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret_key, salt=f"coachreel-{purpose}", signer=_Signer, signer_kwargs={"now": now}
    )


def fingerprint(user: User) -> str:
    """Return a short hash of what setting a password or deactivation changes."""
    digest = hashlib.sha256(f"{user.password_hash}\x00{user.session_token}".encode())
    return digest.hexdigest()[:16]


def make_token(
    secret_key: str, purpose: Purpose, user: User, *, now: datetime | None = None
) -> str:
    """Return a link token for this person and purpose, issued now (or at ``now``)."""
    return str(_serializer(secret_key, purpose, now).dumps([user.id, fingerprint(user)]))


def user_for_token(
    session: Session,
    secret_key: str,
    purpose: Purpose,
    token: str,
    *,
    max_age_seconds: int,
    now: datetime | None = None,
) -> User:
    """Return the active person a token is for, or refuse it: expired, used, or not valid."""
    try:
        payload = _serializer(secret_key, purpose, now).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise InvalidInput(EXPIRED[purpose]) from None
    except BadSignature:
        raise InvalidInput(NOT_VALID[purpose]) from None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise InvalidInput(NOT_VALID[purpose])
    user = session.get(User, payload[0])
    if user is None or not user.active or fingerprint(user) != payload[1]:
        raise InvalidInput(NOT_VALID[purpose])
    return user
