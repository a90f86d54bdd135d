"""Schools: the ones a person manages the people of, and adding or changing a school's details
(name, URN, time zone). Term dates have their own page (service.induction.terms)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.induction.terms import DEFAULT_TIMEZONE, check_timezone
from service.models import AuditAction, School, Trust, User

MAX_NAME = 200
# A GIAS Unique Reference Number: six digits (100000 to 999999 in practice).
URN_PATTERN = re.compile(r"[0-9]{6}")


@dataclass(frozen=True)
class SchoolInput:
    """A school's details as typed."""

    name: str
    urn: str = ""
    timezone: str = DEFAULT_TIMEZONE
    trust_id: int | None = None  # only when adding a school


def managed_schools(session: Session, user: User) -> list[School]:
    """List the schools whose people the user manages, by name."""
    ids = policy.people_school_ids(session, user)
    if not ids:
        return []
    query = select(School).where(School.id.in_(ids))
    return list(session.scalars(query.order_by(func.lower(School.name), School.id)))


def managed_trusts(session: Session, user: User) -> list[Trust]:
    """List the trusts whose schools the user adds and edits, by name."""
    ids = policy.managed_trust_ids(session, user)
    if not ids:
        return []
    query = select(Trust).where(Trust.id.in_(ids))
    return list(session.scalars(query.order_by(func.lower(Trust.name), Trust.id)))


def people_school(session: Session, user: User, school_id: int) -> School:
    """Return a school whose people the user manages; another school does not exist for them."""
    if not policy.can_manage_people(user):
        raise Forbidden("Only induction coordinators and admins manage people.")
    school = session.get(School, school_id)
    if school is None or not policy.manages_people_of(session, user, school_id):
        raise NotFound("We could not find that school.")
    return school


def editable_school(session: Session, user: User, school_id: int) -> School:
    """Return a school whose details the user changes (its trust's coordinators, admins)."""
    if not policy.can_manage_schools(user):
        raise Forbidden("Only a trust's induction coordinators and admins change its schools.")
    school = session.get(School, school_id)
    if school is None:
        raise NotFound("We could not find that school.")
    if not policy.manages_school_record(session, user, school):
        if policy.manages_people_of(session, user, school_id):
            raise Forbidden("Only the trust's induction coordinators change this school's details.")
        raise NotFound("We could not find that school.")
    return school


def _clean(session: Session, data: SchoolInput, school_id: int | None) -> tuple[str, str, str]:
    name = " ".join(data.name.split())
    if not name:
        raise InvalidInput("Please give the school's name.")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Please keep the school's name under {MAX_NAME} characters.")
    urn = data.urn.strip()
    if urn and not URN_PATTERN.fullmatch(urn):
        raise InvalidInput(
            "A URN is the six-digit Unique Reference Number from Get Information about "
            "Schools, for example 123456. Please check it, or leave it blank."
        )
    if urn:
        holder = session.scalar(select(School).where(School.urn == urn, School.id != school_id))
        if holder is not None:
            raise InvalidInput(f"URN {urn} already belongs to {holder.name}. Please check it.")
    zone = (data.timezone or DEFAULT_TIMEZONE).strip()
    problem = check_timezone(zone)
    if problem is not None:
        raise InvalidInput(problem)
    return name, urn, zone


def create_school(session: Session, user: User, data: SchoolInput) -> School:
    """Add a school to a trust the user manages."""
    if not policy.can_manage_schools(user):
        raise Forbidden("Only a trust's induction coordinators and admins add its schools.")
    trusts = policy.managed_trust_ids(session, user)
    if data.trust_id is None or data.trust_id not in trusts:
        raise InvalidInput("Please choose the trust the school belongs to from the list.")
    name, urn, zone = _clean(session, data, None)
    school = School(name=name, urn=urn or None, timezone=zone, trust_id=data.trust_id)
    session.add(school)
    session.flush()
    detail = f"added school {name}" + (f" (URN {urn})" if urn else "")
    auditlog.record(session, user, AuditAction.MANAGE_SCHOOL, school_id=school.id, detail=detail)
    session.commit()
    return school


def update_school(session: Session, user: User, school_id: int, data: SchoolInput) -> School:
    """Change a school's name, URN or time zone; audit what changed."""
    school = editable_school(session, user, school_id)
    name, urn, zone = _clean(session, data, school.id)
    changes = []
    if name != school.name:
        changes.append(f"name: {school.name} -> {name}")
    if (urn or None) != school.urn:
        changes.append(f"URN: {school.urn or 'none'} -> {urn or 'none'}")
    if zone != school.timezone:
        changes.append(f"time zone: {school.timezone} -> {zone}")
    if changes:
        school.name, school.urn, school.timezone = name, urn or None, zone
        auditlog.record(
            session,
            user,
            AuditAction.MANAGE_SCHOOL,
            school_id=school.id,
            detail="; ".join(changes),
        )
    session.commit()
    return school
