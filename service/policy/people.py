"""Who manages people: the roster, pairings, invitations, leavers, the year's roll-over, the
trust's schools and its single sign-on.

- a school's people are managed by its coordinators (a school coordinator for their school, a
  trust coordinator for every school of the trust) and by admins; a school coordinator never
  sees another school's roster (its pages answer 404);
- schools are added and edited by admins, and by a trust's coordinators for their trust;
- a trust's single sign-on is set by its coordinators and admins.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Role, School, Trust, User
from service.policy.roles import audited_school_ids, can_audit


def can_manage_people(user: User) -> bool:
    """Say whether the user manages people anywhere (coordinators and admins)."""
    return can_audit(user)


def people_school_ids(session: Session, user: User) -> list[int]:
    """Return the schools whose people the user manages."""
    return audited_school_ids(session, user)


def manages_people_of(session: Session, user: User, school_id: int) -> bool:
    """Say whether the user manages the people of this school."""
    return school_id in people_school_ids(session, user)


def can_manage_schools(user: User) -> bool:
    """Say whether the user adds and edits schools anywhere (admins, trust coordinators)."""
    return user.is_active and (user.has_role(Role.ADMIN) or bool(user.trust_ids(Role.COORDINATOR)))


def managed_trust_ids(session: Session, user: User) -> list[int]:
    """Return the trusts whose schools and sign-in the user manages."""
    if not user.is_active:
        return []
    if user.has_role(Role.ADMIN):
        return list(session.scalars(select(Trust.id).order_by(Trust.id)))
    return sorted(user.trust_ids(Role.COORDINATOR))


def manages_school_record(session: Session, user: User, school: School) -> bool:
    """Say whether the user may edit this school's details (name, URN, time zone)."""
    if not user.is_active:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return school.trust_id is not None and school.trust_id in managed_trust_ids(session, user)
