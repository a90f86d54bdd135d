"""Each person's email choices, one per kind of notification (at once, in the daily digest,
or off), and the one-click unsubscribe links in the emails: signed, needing no sign-in, and
doing one thing only, turning that email off."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import InvalidInput
from service.models import DeliveryMode, NotificationPreference, User
from service.notify.kinds import DIGEST_KEY, KINDS, Kind, kinds_for

SALT = "unsubscribe"
UNSUBSCRIBE_PATH = "/notifications/unsubscribe/"  # web.notify's route, without its token
SETTINGS_PATH = "/notifications/settings"
DEFAULT_BASE = "http://localhost:5000"  # links in emails when PUBLIC_URL is not set
BAD_LINK = (
    "This unsubscribe link is not one we sent, or it was cut short in copying. Please sign "
    "in and choose your emails under Notifications, Email choices."
)


@dataclass(frozen=True)
class Choice:
    """One kind of notification and how the person has it emailed."""

    kind: Kind
    mode: DeliveryMode
    chosen: bool  # False: the kind's default


@dataclass(frozen=True)
class Unsubscribed:
    """What an unsubscribe link turned off, and for whom."""

    user: User
    what: str  # "New feedback on a clip", or "the daily digest"


def choices(session: Session, user: User) -> list[Choice]:
    """Return the person's email choice for every kind they may be told of."""
    chosen = _chosen(session, user.id)
    return [
        Choice(kind, chosen.get(kind.key, kind.default), kind.key in chosen)
        for kind in kinds_for(user)
    ]


def save_choices(session: Session, user: User, modes: Mapping[str, str]) -> list[Choice]:
    """Save the person's email choices (kind key -> "now", "digest" or "off"); kinds left out
    keep their current choice."""
    allowed = {kind.key for kind in kinds_for(user)}
    parsed: dict[str, DeliveryMode] = {}
    for key, value in modes.items():
        if key not in allowed:
            raise InvalidInput(
                "One of the emails chosen is not one we send you. Please reload the page "
                "and choose again."
            )
        try:
            parsed[key] = DeliveryMode(value)
        except ValueError:
            raise InvalidInput(
                f"Please choose at once, daily digest or off for “{KINDS[key].label}”."
            ) from None
    for key, mode in parsed.items():
        _set(session, user.id, key, mode)
    session.commit()
    return choices(session, user)


def unsubscribe_token(secret_key: str, user_id: int, kind: str) -> str:
    """Return the signed token of an unsubscribe link (no expiry: old emails keep working)."""
    return URLSafeSerializer(secret_key, salt=SALT).dumps([user_id, kind])


def unsubscribe_url(base_url: str | None, secret_key: str, user_id: int, kind: str) -> str:
    """Return the absolute address of the unsubscribe link for one kind of email."""
    base = (base_url or DEFAULT_BASE).rstrip("/")
    return base + UNSUBSCRIBE_PATH + unsubscribe_token(secret_key, user_id, kind)


def settings_url(base_url: str | None) -> str:
    """Return the absolute address of the email choices page."""
    return (base_url or DEFAULT_BASE).rstrip("/") + SETTINGS_PATH


def read_unsubscribe(session: Session, secret_key: str, token: str) -> Unsubscribed:
    """Say whose email, and which, an unsubscribe link turns off; a bad link is refused."""
    user, kind = _read(session, secret_key, token)
    return Unsubscribed(user, _what(kind))


def unsubscribe(session: Session, secret_key: str, token: str) -> Unsubscribed:
    """Turn off the email an unsubscribe link names (the digest link: every digest kind)."""
    user, kind = _read(session, secret_key, token)
    if kind == DIGEST_KEY:
        for choice in choices(session, user):
            if choice.mode == DeliveryMode.DIGEST:
                _set(session, user.id, choice.kind.key, DeliveryMode.OFF)
    else:
        _set(session, user.id, kind, DeliveryMode.OFF)
    session.commit()
    return Unsubscribed(user, _what(kind))


def _what(kind: str) -> str:
    return "the daily digest" if kind == DIGEST_KEY else f"“{KINDS[kind].label}”"


def _read(session: Session, secret_key: str, token: str) -> tuple[User, str]:
    try:
        user_id, kind = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise InvalidInput(BAD_LINK) from None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or (kind != DIGEST_KEY and kind not in KINDS):
        raise InvalidInput(BAD_LINK)
    return user, kind


def _chosen(session: Session, user_id: int) -> dict[str, DeliveryMode]:
    rows = session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode).where(
            NotificationPreference.user_id == user_id
        )
    )
    return {kind: mode for kind, mode in rows}


def _set(session: Session, user_id: int, kind: str, mode: DeliveryMode) -> None:
    found = session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user_id, NotificationPreference.kind == kind
        )
    )
    if found is None:
        session.add(NotificationPreference(user_id=user_id, kind=kind, mode=mode))
    else:
        found.mode = mode
