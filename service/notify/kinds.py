"""The kinds of notification: what each is about (its label on the email choices page), who it
is for, how it is emailed unless the person chooses otherwise, and whether it is only sent in
term time (the scheduled reminders: service.notify.checks)."""

from __future__ import annotations

from dataclasses import dataclass

from service.models import DeliveryMode, Role, User

NOW, DIGEST, OFF = DeliveryMode.NOW, DeliveryMode.DIGEST, DeliveryMode.OFF
TEACHERS = (Role.ECT, Role.MENTOR)


@dataclass(frozen=True)
class Kind:
    """One kind of notification."""

    key: str
    label: str  # what the email choices page calls it
    default: DeliveryMode
    roles: tuple[Role, ...]  # who may be told of it (the choices page lists these kinds)
    term_time_only: bool = False


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        # Raised by the use cases (service.notify.events).
        Kind(
            "clip_uploaded",
            "Your ECT's new lesson or rehearsal is ready to watch",
            NOW,
            (Role.MENTOR,),
        ),
        Kind("feedback_posted", "New feedback on a clip", NOW, TEACHERS),
        Kind("reply_posted", "A reply in a feedback thread you are in", NOW, TEACHERS),
        Kind("step_set", "Your mentor set you a new action step", NOW, (Role.ECT,)),
        Kind(
            "meeting_recorded",
            "A coaching meeting was recorded: add your reflection",
            NOW,
            (Role.ECT,),
        ),
        Kind(
            "consent_requested",
            "A teacher asks for a clip's consent to be recorded",
            NOW,
            (Role.COORDINATOR,),
        ),
        Kind("share_granted", "A colleague shared a clip with you", NOW, TEACHERS),
        # Raised by the scheduled checks (service.notify.checks).
        Kind("step_review_due", "An action step is due for review", DIGEST, TEACHERS, True),
        Kind("clip_waiting", "A clip is waiting for your feedback", DIGEST, (Role.MENTOR,), True),
        Kind(
            "clip_waiting_coordinator",
            "Clips in your school waiting a long time for feedback",
            DIGEST,
            (Role.COORDINATOR,),
            True,
        ),
        Kind(
            "review_queue_old",
            "Coaching records waiting for your review",
            DIGEST,
            (Role.REVIEWER,),
            True,
        ),
        Kind(
            "coordinator_digest",
            "Monday's summary of coaching in your schools",
            NOW,
            (Role.COORDINATOR,),
            True,
        ),
        Kind("share_expiring", "A share of a clip is about to end", DIGEST, TEACHERS),
    )
}
# The unsubscribe link of a daily digest email turns off every kind emailed in the digest.
DIGEST_KEY = "digest"


def kind(key: str) -> Kind | None:
    """Return the kind with this key, if there is one."""
    return KINDS.get(key)


def default_mode(key: str) -> DeliveryMode:
    """Return how a kind is emailed to someone who has not chosen (an unknown kind: at once)."""
    found = KINDS.get(key)
    return found.default if found else NOW


def kinds_for(user: User) -> list[Kind]:
    """Return the kinds a person may be told of, in the registry's order (admins: every kind)."""
    if user.has_role(Role.ADMIN):
        return list(KINDS.values())
    roles = user.roles
    return [k for k in KINDS.values() if roles & set(k.roles)]


def digest_by_default() -> list[str]:
    """Return the keys of the kinds emailed in the daily digest unless a person chooses."""
    return [k.key for k in KINDS.values() if k.default == DIGEST]
