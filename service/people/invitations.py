"""Invitations to set a password, and password resets, by email.

A coordinator invites the people of the schools they manage: each active person gets one
email with a link that sets their password (service.people.tokens), and the invitation is an
audit event. Anyone may ask for a password reset by email: the answer is the same whether or
not the address has an account, and only active people are sent a link. The emails hold the
link and who sent it, nothing about pupils or clips. Mail is composed here and sent by the
mail job (service.mail); the caller queues it after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from service import auditlog, mail, policy
from service.accounts import password_problem
from service.errors import InvalidInput, NotFound
from service.models import AuditAction, MailMessage, Role, School, Trust, User, utcnow
from service.models.org import new_session_token
from service.people import tokens

INVITATION_TEMPLATE = "invitation"
RESET_TEMPLATE = "password_reset"
DEFAULT_ZONE = "Europe/London"

# Builds the absolute address of a page from a token (the web layer knows its own address).
LinkFor = Callable[[str], str]


def _where(session: Session, person: User, school_ids: list[int]) -> tuple[str, str]:
    """Return the name of the person's school (or trust) and its time zone."""
    for school_id in person.school_ids():
        if school_id in school_ids:
            school = session.get(School, school_id)
            if school is not None:
                return school.name, school.timezone
    for trust_id in person.trust_ids():
        trust = session.get(Trust, trust_id)
        if trust is not None:
            return trust.name, DEFAULT_ZONE
    return "Coachreel", DEFAULT_ZONE


def _manages(actor: User, person: User, school_ids: list[int]) -> bool:
    if policy.is_admin(actor):
        return True
    if person.has_role(Role.ADMIN):
        return False  # only admins invite admins
    if any(school_id in school_ids for school_id in person.school_ids()):
        return True
    # A trust's coordinators invite the people who work across their trust.
    return bool(set(person.trust_ids()) & set(actor.trust_ids(Role.COORDINATOR)))


def _until(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    clock = local.strftime("%I:%M %p").lstrip("0").lower()
    return f"{clock} on {local.strftime('%A')} {local.day} {local.strftime('%B %Y')}"


def invite(
    session: Session,
    actor: User,
    user_ids: Iterable[int],
    *,
    link_for: LinkFor,
    secret_key: str,
    valid_days: int,
    ip: str = "",
    now: datetime | None = None,
) -> list[MailMessage]:
    """Send each active person an invitation to set their password; return the messages.

    Someone outside the schools the actor manages is not found. Deactivated people are left
    out; if nobody is left, that is refused. The caller queues the messages after this
    commits.
    """
    now = now or utcnow()
    school_ids = policy.people_school_ids(session, actor)
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return []  # nobody new (a roster file that added nobody)
    people = []
    for user_id in wanted:
        person = session.get(User, user_id)
        if person is None or not _manages(actor, person, school_ids):
            raise NotFound("We could not find that person.")
        if person.active:
            people.append(person)
    if not people:
        raise InvalidInput(
            "Only people whose accounts are active can be invited. Reactivate them first."
        )
    messages = []
    for person in people:
        where, zone = _where(session, person, school_ids)
        link = link_for(tokens.make_token(secret_key, tokens.INVITATION, person, now=now))
        days = "1 day" if valid_days == 1 else f"{valid_days} days"
        until = _until(now + timedelta(days=valid_days), zone)
        text, html = mail.letter(
            greeting=f"Hello {person.name},",
            paragraphs=[
                f"{actor.name} has invited you to Coachreel at {where}, where early career "
                "teachers and their mentors share lesson clips and coaching.",
                "To start, choose a password with the link below. Your email address "
                f"({person.email}) is your user name.",
            ],
            link=link,
            button="Choose your password",
            after=[
                f"The link works once, for {days} (until {until}). "
                f"If it has expired, ask {actor.name} to send a new invitation.",
                "If you were not expecting this email, you can ignore it.",
            ],
        )
        messages.append(
            mail.compose(
                session,
                to=person.email,
                user_id=person.id,
                template=INVITATION_TEMPLATE,
                subject=f"Your invitation to Coachreel at {where}",
                text=text,
                html=html,
            )
        )
        person.invited_at = now
        school_id = next((s for s in person.school_ids() if s in school_ids), None)
        auditlog.record(
            session,
            actor,
            AuditAction.INVITE,
            subject_id=person.id,
            school_id=school_id,
            detail=f"Invitation sent to {person.email}",
            ip=ip,
        )
    session.commit()
    return messages


def invited_person(
    session: Session, secret_key: str, token: str, *, valid_days: int, now: datetime | None = None
) -> User:
    """Return the person an invitation link is for, or say why it no longer works."""
    return tokens.user_for_token(
        session,
        secret_key,
        tokens.INVITATION,
        token,
        max_age_seconds=valid_days * 24 * 3600,
        now=now,
    )


def accept_invitation(
    session: Session,
    secret_key: str,
    token: str,
    password: str,
    *,
    valid_days: int,
    now: datetime | None = None,
) -> User:
    """Set the invited person's password; the link then stops working."""
    person = invited_person(session, secret_key, token, valid_days=valid_days, now=now)
    return _set_password(session, person, password)


def request_password_reset(
    session: Session,
    email: str,
    *,
    link_for: LinkFor,
    secret_key: str,
    valid_hours: int,
    now: datetime | None = None,
) -> MailMessage | None:
    """Write a password-reset email to the active account with this email, if there is one.

    The caller answers the same either way, so the page never tells whether an account exists.
    """
    address = email.strip().lower()
    if not address:
        return None
    person = session.scalar(select(User).where(func.lower(User.email) == address))
    if person is None or not person.active:
        return None
    now = now or utcnow()
    link = link_for(tokens.make_token(secret_key, tokens.PASSWORD_RESET, person, now=now))
    zone = _where(session, person, person.school_ids())[1]
    hours = "1 hour" if valid_hours == 1 else f"{valid_hours} hours"
    text, html = mail.letter(
        greeting=f"Hello {person.name},",
        paragraphs=[
            "Someone asked to reset the password of your Coachreel account. If it was you, "
            "choose a new password with the link below."
        ],
        link=link,
        button="Choose a new password",
        after=[
            f"The link works once, for {hours} (until "
            f"{_until(now + timedelta(hours=valid_hours), zone)}).",
            "If you did not ask, you can ignore this email: your password stays as it is.",
        ],
    )
    message = mail.compose(
        session,
        to=person.email,
        user_id=person.id,
        template=RESET_TEMPLATE,
        subject="Reset your Coachreel password",
        text=text,
        html=html,
    )
    session.commit()
    return message


def reset_person(
    session: Session, secret_key: str, token: str, *, valid_hours: int, now: datetime | None = None
) -> User:
    """Return the person a reset link is for, or say why it no longer works."""
    return tokens.user_for_token(
        session,
        secret_key,
        tokens.PASSWORD_RESET,
        token,
        max_age_seconds=valid_hours * 3600,
        now=now,
    )


def reset_password(
    session: Session,
    secret_key: str,
    token: str,
    password: str,
    *,
    valid_hours: int,
    now: datetime | None = None,
) -> User:
    """Set a new password through a reset link, ending every other session."""
    person = reset_person(session, secret_key, token, valid_hours=valid_hours, now=now)
    return _set_password(session, person, password)


def _set_password(session: Session, person: User, password: str) -> User:
    problem = password_problem(password, person.email)
    if problem is not None:
        raise InvalidInput(problem)
    # Both change, so the link's fingerprint no longer matches: it works once. The new session
    # token also ends any session signed in before.
    person.password_hash = generate_password_hash(password)
    person.session_token = new_session_token()
    session.commit()
    return person
