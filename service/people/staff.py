"""A school's people: the list, adding one person, and changing a person's name and roles.

A person is one account (one email) with a membership for each role in each school. Adding an
email that already has an account elsewhere gives that account the roles here instead of a
second account; changing a person's roles here never touches their roles in another school.
New people have no password (NO_PASSWORD can never sign in) until they follow the invitation
the web layer sends once the use case has committed.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import auditlog
from service.accounts import NO_PASSWORD
from service.errors import InvalidInput, NotFound
from service.models import AuditAction, Membership, Mentorship, Role, School, User
from service.people import pairings
from service.people.schools import people_school

# The roles a school's people hold (admins and trust-wide coordinators are set elsewhere).
PERSON_ROLES = (Role.ECT, Role.MENTOR, Role.REVIEWER, Role.COORDINATOR)
MAX_NAME = 200
MAX_EMAIL = 254
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


class PersonStatus(enum.StrEnum):
    ACTIVE = "active"  # has set a password (or signs in with the trust's single sign-on)
    INVITED = "invited"
    NOT_INVITED = "not_invited"
    DEACTIVATED = "deactivated"

    @property
    def label(self) -> str:
        return {
            "active": "Active",
            "invited": "Invited",
            "not_invited": "Not yet invited",
            "deactivated": "Deactivated",
        }[self.value]


def person_status(user: User) -> PersonStatus:
    """Say where a person's account stands."""
    if not user.active:
        return PersonStatus.DEACTIVATED
    if user.password_hash != NO_PASSWORD:
        return PersonStatus.ACTIVE
    return PersonStatus.INVITED if user.invited_at is not None else PersonStatus.NOT_INVITED


@dataclass(frozen=True)
class PersonRow:
    """One person on a school's list."""

    user: User
    roles: list[Role]  # in this school
    status: PersonStatus
    induction_started_on: date | None = None
    pairing: Mentorship | None = None  # an ECT's current pairing

    @property
    def is_ect(self) -> bool:
        return Role.ECT in self.roles


@dataclass(frozen=True)
class PersonDetails:
    """A person as typed: for a new person the email too; an ECT's induction and pairing."""

    name: str
    roles: frozenset[Role]
    email: str = ""
    induction_started_on: date | None = None
    induction_year: int = 1
    mentor_id: int | None = None  # None: no pairing yet (or, when editing, as it is)
    ect_lead_id: int | None = None


@dataclass(frozen=True)
class Added:
    user: User
    created: bool  # a new account (to invite), not an existing one given roles here


@dataclass(frozen=True)
class StaffOptions:
    """Who may be chosen as an ECT's mentor and ECT lead in a school."""

    mentors: list[User] = field(default_factory=list)
    staff: list[User] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------


def _roles_here(user: User, school_id: int) -> list[Role]:
    held = {m.role for m in user.memberships if m.school_id == school_id}
    return [role for role in PERSON_ROLES if role in held]


def _ect_membership(user: User, school_id: int) -> Membership | None:
    return next(
        (m for m in user.memberships if m.school_id == school_id and m.role == Role.ECT), None
    )


def _members(session: Session, school_id: int) -> list[User]:
    query = (
        select(User)
        .where(User.id.in_(select(Membership.user_id).where(Membership.school_id == school_id)))
        .order_by(func.lower(User.name), User.id)
    )
    return list(session.scalars(query))


def _row(user: User, school_id: int, pairing: Mentorship | None) -> PersonRow:
    ect = _ect_membership(user, school_id)
    return PersonRow(
        user=user,
        roles=_roles_here(user, school_id),
        status=person_status(user),
        induction_started_on=ect.induction_started_on if ect else None,
        pairing=pairing if pairing is not None and pairing.school_id == school_id else None,
    )


def school_people(session: Session, actor: User, school_id: int) -> tuple[School, list[PersonRow]]:
    """Return a school the actor manages and its people, by name."""
    school = people_school(session, actor, school_id)
    people = _members(session, school_id)
    current = {
        p.ect_id: p
        for p in session.scalars(
            select(Mentorship).where(
                Mentorship.school_id == school_id, Mentorship.ended_on.is_(None)
            )
        )
    }
    return school, [_row(user, school_id, current.get(user.id)) for user in people]


def school_person(session: Session, actor: User, school_id: int, user_id: int) -> PersonRow:
    """Return one person of a school the actor manages."""
    people_school(session, actor, school_id)
    user = session.get(User, user_id)
    if user is None or school_id not in user.school_ids():
        raise NotFound("We could not find that person in this school.")
    return _row(user, school_id, pairings.current_pairing(session, user.id))


def staff_options(session: Session, school_id: int) -> StaffOptions:
    """List a school's active mentors and active staff, for choosing a mentor and ECT lead."""
    people = [u for u in _members(session, school_id) if u.active]
    return StaffOptions(
        mentors=[u for u in people if school_id in u.school_ids(Role.MENTOR)], staff=people
    )


def find_by_email(session: Session, email: str) -> User | None:
    """Return the account with this email (any case), if there is one."""
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


# --- checking what was typed ------------------------------------------------------------------


def email_problem(email: str) -> str | None:
    """Say what is wrong with an email address, or None."""
    if not email:
        return "Please give the person's email address."
    if len(email) > MAX_EMAIL or not EMAIL_PATTERN.fullmatch(email):
        return (
            f"“{email[:80]}” is not an email address. Please check it, e.g. jo.smith@school.org.uk."
        )
    return None


def name_problem(name: str) -> str | None:
    """Say what is wrong with a person's full name, or None."""
    if not name:
        return "Please give the person's full name."
    if len(name) > MAX_NAME:
        return f"Please keep the name under {MAX_NAME} characters."
    return None


def _clean(details: PersonDetails) -> tuple[str, frozenset[Role]]:
    name = " ".join(details.name.split())
    problem = name_problem(name)
    if problem:
        raise InvalidInput(problem)
    roles = frozenset(details.roles)
    if not roles:
        raise InvalidInput("Please choose at least one role in this school.")
    if not roles <= set(PERSON_ROLES):
        raise InvalidInput("Please choose the roles from the list.")
    if Role.ECT in roles and details.induction_year not in pairings.CADENCE_DAYS:
        raise InvalidInput("The induction year must be 1 or 2.")
    return name, roles


# --- changing ---------------------------------------------------------------------------------


def new_person(session: Session, email: str, name: str) -> User:
    """Add an account with no password yet (the caller adds memberships and commits)."""
    user = User(email=email.strip().lower(), name=name, password_hash=NO_PASSWORD)
    session.add(user)
    return user


def grant_roles(
    user: User, school_id: int, roles: frozenset[Role], started_on: date | None
) -> list[str]:
    """Give the person each role here they lack, and an ECT their induction start; return
    what changed, in words."""
    changes = []
    have = set(_roles_here(user, school_id))
    for role in PERSON_ROLES:
        if role in roles and role not in have:
            user.memberships.append(Membership(role=role, school_id=school_id))
            changes.append(f"now {role.label.lower()}")
    ect = _ect_membership(user, school_id)
    if ect is not None and started_on is not None and ect.induction_started_on != started_on:
        before = ect.induction_started_on
        ect.induction_started_on = started_on
        changes.append(
            f"induction start {before:%-d %b %Y} -> {started_on:%-d %b %Y}"
            if before
            else f"induction started {started_on:%-d %b %Y}"
        )
    return changes


def pair_ect(
    session: Session,
    actor: User | None,
    school_id: int,
    ect: User,
    details: PersonDetails,
    *,
    today: date | None = None,
) -> bool:
    """Pair an ECT with the mentor named (a new pairing starts with their induction, at the
    latest today); return whether anything changed."""
    if details.mentor_id is None:
        return False
    start = None
    if pairings.current_pairing(session, ect.id) is None:
        start = min(details.induction_started_on or today or date.today(), today or date.today())
    _pairing, changed = pairings.pair(
        session,
        actor,
        school_id,
        pairings.PairingInput(
            ect_id=ect.id,
            mentor_id=details.mentor_id,
            induction_year=details.induction_year,
            ect_lead_id=details.ect_lead_id,
            started_on=start,
        ),
        today=today,
    )
    return changed


def add_person(
    session: Session,
    actor: User,
    school_id: int,
    details: PersonDetails,
    *,
    today: date | None = None,
) -> Added:
    """Add a person to a school (or give an existing account roles here) and pair an ECT."""
    school = people_school(session, actor, school_id)
    email = details.email.strip().lower()
    problem = email_problem(email)
    if problem:
        raise InvalidInput(problem)
    name, roles = _clean(details)
    user = find_by_email(session, email)
    created = user is None
    if user is None:
        user = new_person(session, email, name)
    elif not user.active:
        raise InvalidInput(f"{user.email}'s account is deactivated. Reactivate them first.")
    elif school_id in user.school_ids():
        raise InvalidInput(
            f"{user.name} ({user.email}) is already one of {school.name}'s people. "
            "Change their roles on their own page."
        )
    grant_roles(user, school_id, roles, details.induction_started_on if Role.ECT in roles else None)
    session.flush()
    where = "" if created else " (already had an account)"
    auditlog.record(
        session,
        actor,
        AuditAction.ADD_PERSON,
        subject_id=user.id,
        school_id=school_id,
        detail=f"{user.name} <{user.email}> added as "
        + ", ".join(r.label.lower() for r in PERSON_ROLES if r in roles)
        + where,
    )
    if Role.ECT in roles:
        pair_ect(session, actor, school_id, user, details, today=today)
    session.commit()
    return Added(user, created)


def edit_person(
    session: Session,
    actor: User,
    school_id: int,
    user_id: int,
    details: PersonDetails,
    *,
    today: date | None = None,
) -> User:
    """Change a person's name and their roles in this school (never in another school), an
    ECT's induction start and pairing; audit what changed."""
    row = school_person(session, actor, school_id, user_id)
    user = row.user
    name, roles = _clean(details)
    changes = []
    if name != user.name:
        changes.append(f"name: {user.name} -> {name}")
        user.name = name
    removed = [role for role in row.roles if role not in roles]
    if Role.COORDINATOR in removed and user.id == actor.id:
        raise InvalidInput("You cannot remove your own coordinator role. Ask another coordinator.")
    if Role.MENTOR in removed:
        mentees = session.scalars(
            select(Mentorship).where(
                Mentorship.mentor_id == user.id,
                Mentorship.school_id == school_id,
                Mentorship.ended_on.is_(None),
            )
        ).all()
        if mentees:
            names = ", ".join(p.ect.name for p in mentees)
            raise InvalidInput(
                f"{user.name} mentors {names}. Pair them with another mentor first, "
                "then remove the mentor role."
            )
    for membership in list(user.memberships):
        if membership.school_id == school_id and membership.role in removed:
            user.memberships.remove(membership)
            changes.append(f"no longer {membership.role.label.lower()}")
    if Role.ECT in removed and row.pairing is not None:
        pairings.end_pairing(session, actor, row.pairing, on=today)
    started = details.induction_started_on if Role.ECT in roles else None
    changes += grant_roles(user, school_id, roles, started)
    session.flush()
    if changes:
        auditlog.record(
            session,
            actor,
            AuditAction.CHANGE_PERSON,
            subject_id=user.id,
            school_id=school_id,
            detail=f"{user.name}: " + "; ".join(changes),
        )
    if Role.ECT in roles:
        pair_ect(session, actor, school_id, user, details, today=today)
    session.commit()
    return user
