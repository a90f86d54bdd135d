"""Pairings for coordinators: a school's ECTs with their mentor, ECT lead and year, pairing or
changing them, ending a pairing, and the history of ended ones.

The row work is service.people.pairings; here is who may do it, on which day (the school's),
and the commit. A school the user does not manage answers 404; someone who manages no people
at all gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import Membership, Mentorship, Role, School, User
from service.people import pairings
from service.people.pairings import PairingInput
from service.privacy.retention import day_text, school_today

HISTORY_LIMIT = 200


def managed_school(session: Session, user: User, school_id: int) -> School:
    """Return a school whose people the user manages: 403 for teachers, 404 for others'."""
    if not policy.can_manage_people(user):
        raise Forbidden("Only induction coordinators and admins manage people and pairings.")
    school = session.get(School, school_id)
    if school is None or not policy.manages_people_of(session, user, school_id):
        raise NotFound("We could not find that school.")
    return school


@dataclass(frozen=True)
class EctRow:
    ect: User
    membership: Membership
    pairing: Mentorship | None  # current, in any school

    @property
    def paired_here(self) -> bool:
        return self.pairing is not None and self.pairing.school_id == self.membership.school_id


@dataclass(frozen=True)
class PairingsPage:
    school: School
    today: date
    ects: list[EctRow]
    mentors: list[User]
    staff: list[User]  # who may be an ECT lead: the school's staff other than its ECTs
    history: list[Mentorship]  # ended pairings of the school, the latest first


def _members(session: Session, school_id: int, roles: tuple[Role, ...]) -> list[Membership]:
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.school_id == school_id,
            Membership.role.in_(roles),
            User.active.is_(True),
        )
        .order_by(User.name, User.id)
    )
    return list(session.scalars(query))


def _people(memberships: list[Membership]) -> list[User]:
    seen: dict[int, User] = {}
    for m in memberships:
        seen.setdefault(m.user_id, m.user)
    return list(seen.values())


def pairings_page(
    session: Session, user: User, school_id: int, *, now: datetime | None = None
) -> PairingsPage:
    """A school's active ECTs with their current pairing, who may mentor or lead, and history."""
    school = managed_school(session, user, school_id)
    ects = [
        EctRow(m.user, m, pairings.current_pairing(session, m.user_id))
        for m in _members(session, school.id, (Role.ECT,))
    ]
    staff_roles = (Role.MENTOR, Role.COORDINATOR, Role.REVIEWER)
    history = session.scalars(
        select(Mentorship)
        .where(Mentorship.school_id == school.id, Mentorship.ended_on.is_not(None))
        .order_by(Mentorship.ended_on.desc(), Mentorship.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return PairingsPage(
        school=school,
        today=school_today(school, now),
        ects=ects,
        mentors=_people(_members(session, school.id, (Role.MENTOR,))),
        staff=_people(_members(session, school.id, staff_roles)),
        history=list(history),
    )


def pair_ect(
    session: Session,
    user: User,
    school_id: int,
    data: PairingInput,
    *,
    now: datetime | None = None,
) -> tuple[Mentorship, bool]:
    """Pair an ECT of the school with a mentor, or change their mentor, ECT lead or year.

    A new mentor starts today (the school's) or on an earlier day given; the old pairing stays
    as history and its mentor stops seeing the ECT's clips at once."""
    school = managed_school(session, user, school_id)
    today = school_today(school, now)
    current = pairings.current_pairing(session, data.ect_id)
    if data.started_on is not None:
        if data.started_on > today:
            raise InvalidInput(
                "A pairing starts today or on a day that has passed: come back on the day "
                "the new mentor takes over."
            )
        if current is not None and data.started_on < current.started_on:
            raise InvalidInput(
                f"The current pairing started on {day_text(current.started_on)}: the new one "
                "cannot start before that."
            )
    if current is not None and current.school_id != school.id:
        if not policy.manages_people_of(session, user, current.school_id):
            raise Forbidden(
                f"{current.ect.name} is paired with a mentor at {current.school.name}: ask that "
                "school's induction coordinator to end that pairing first."
            )
    try:
        pairing, changed = pairings.pair(session, user, school.id, data, today=today)
        session.commit()
    except IntegrityError:  # two changes to the same ECT at once: the other one won
        session.rollback()
        raise InvalidInput(
            "Someone else changed this ECT's pairing at the same moment: please look at the "
            "pairings again and make your change once more."
        ) from None
    return pairing, changed


def pairing_for_change(session: Session, user: User, pairing_id: int) -> Mentorship:
    """Return a pairing in a school whose people the user manages (others: 404)."""
    if not policy.can_manage_people(user):
        raise Forbidden("Only induction coordinators and admins manage people and pairings.")
    pairing = session.get(Mentorship, pairing_id)
    if pairing is None or not policy.manages_people_of(session, user, pairing.school_id):
        raise NotFound("We could not find that pairing.")
    return pairing


def end_pairing(
    session: Session, user: User, pairing_id: int, *, now: datetime | None = None
) -> tuple[Mentorship, bool]:
    """End a current pairing today (the school's); say whether it was current until now."""
    pairing = pairing_for_change(session, user, pairing_id)
    if pairing.ended_on is not None:
        return pairing, False
    pairings.end_pairing(session, user, pairing, on=school_today(pairing.school, now))
    session.commit()
    return pairing, True
