"""Whose induction a user audits, and each school's calendar: the access checks every audit page
starts from, and where a coordinator lands."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.errors import Forbidden, NotFound
from service.induction.terms import HalfTermDates, SchoolCalendar
from service.models import (
    HalfTerm,
    Role,
    School,
    Trust,
    User,
)


def calendars(session: Session, schools: Sequence[School]) -> dict[int, SchoolCalendar]:
    """Each school's calendar, from its stored half terms (one query for all of them)."""
    stored: dict[int, dict[int, list[HalfTermDates]]] = defaultdict(lambda: defaultdict(list))
    rows = session.scalars(select(HalfTerm).where(HalfTerm.school_id.in_([s.id for s in schools])))
    for row in rows:
        stored[row.school_id][row.academic_year].append(
            HalfTermDates(row.academic_year, row.number, row.starts_on, row.ends_on)
        )
    return {s.id: SchoolCalendar(s.timezone, stored.get(s.id)) for s in schools}


def school_calendar(session: Session, school: School) -> SchoolCalendar:
    return calendars(session, [school])[school.id]


# --- access -----------------------------------------------------------------------------------


def audited_school(session: Session, user: User, school_id: int) -> School:
    """Return a school whose induction the user audits (404 for anyone else)."""
    school = session.get(School, school_id)
    if school is None or not policy.coordinates_school(session, user, school_id):
        raise NotFound("We could not find that school.")
    return school


def audited_trust(session: Session, user: User, trust_id: int) -> Trust:
    """Return a trust whose roll-up the user may see (its coordinators, admins)."""
    trust = session.get(Trust, trust_id)
    if trust is None:
        raise NotFound("We could not find that trust.")
    if not policy.can_audit_trust(user, trust_id):
        raise Forbidden("Only the trust's induction coordinators and admins see its roll-up.")
    return trust


def audited_ect(session: Session, user: User, ect_id: int) -> tuple[User, School]:
    """Return an ECT whose induction record the user audits, with their school.

    Coordinators of the ECT's school and admins; others who may see the ECT's coaching get
    403; anyone else 404.
    """
    ect = session.get(User, ect_id)
    school_id = ect.school_for(Role.ECT) if ect else None
    if ect is None or school_id is None:
        raise NotFound("We could not find that teacher's induction record.")
    if policy.coordinates_school(session, user, school_id):
        return ect, session.get(School, school_id)
    if policy.can_view_coaching(session, user, ect):
        raise Forbidden("The evidence pack is for induction coordinators.")
    raise NotFound("We could not find that teacher's induction record.")


@dataclass(frozen=True)
class Landing:
    """Where the induction home sends someone: one page, or a list to choose from."""

    url_kind: str  # "trust", "school" or "list"
    target_id: int | None = None
    trusts: list[Trust] = field(default_factory=list)
    schools: list[School] = field(default_factory=list)


def landing(session: Session, user: User) -> Landing:
    """Send trust coordinators and admins to their trust, school coordinators to their school."""
    if user.has_role(Role.ADMIN):
        trusts = list(session.scalars(select(Trust).order_by(Trust.name)))
        loose = list(
            session.scalars(select(School).where(School.trust_id.is_(None)).order_by(School.name))
        )
    else:
        trust_ids = set(user.trust_ids(Role.COORDINATOR))
        trusts = list(session.scalars(select(Trust).where(Trust.id.in_(trust_ids))))
        covered = set(session.scalars(select(School.id).where(School.trust_id.in_(trust_ids))))
        school_ids = {s for s in user.school_ids(Role.COORDINATOR) if s not in covered}
        loose = list(session.scalars(select(School).where(School.id.in_(school_ids))))
    if len(trusts) == 1 and not loose:
        return Landing("trust", trusts[0].id)
    if len(loose) == 1 and not trusts:
        return Landing("school", loose[0].id)
    return Landing("list", None, trusts, loose)
