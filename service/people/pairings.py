"""Pairings of ECTs with mentors (and ECT leads): start, change mid-year, end.

One current pairing per ECT (a partial unique index). Changing the mentor ends the current
pairing on the day and starts a new one: the old row stays as history, and what the old
mentor may still see follows the policy (a mentor sees the clips of the ECTs they currently
mentor). Every change is an audit event; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import auditlog
from service.errors import InvalidInput
from service.models import AuditAction, Mentorship, Role, User

# The coaching cadence each induction year expects: weekly in year 1, fortnightly in year 2.
CADENCE_DAYS = {1: 7, 2: 14}


@dataclass(frozen=True)
class PairingInput:
    ect_id: int
    mentor_id: int
    induction_year: int = 1
    ect_lead_id: int | None = None
    started_on: date | None = None  # None: today


def current_pairing(session: Session, ect_id: int) -> Mentorship | None:
    """Return the ECT's current pairing, if any."""
    return session.scalar(
        select(Mentorship).where(Mentorship.ect_id == ect_id, Mentorship.ended_on.is_(None))
    )


def _member(user: User | None, role: Role, school_id: int, what: str) -> User:
    if user is None or not user.active or school_id not in user.school_ids(role):
        raise InvalidInput(f"The {what} must be an active {role.label.lower()} of the school.")
    return user


def pair(
    session: Session,
    actor: User | None,
    school_id: int,
    data: PairingInput,
    *,
    today: date | None = None,
) -> tuple[Mentorship, bool]:
    """Pair an ECT with a mentor in a school, or change the current pairing. Return the
    current pairing and whether anything changed (the same pairing twice changes nothing).

    A different mentor ends the current pairing on the day before the new one starts
    (``started_on``, or today) and starts a new one; the same mentor keeps the pairing and
    takes the new induction year (and its cadence) and ECT lead. The caller has checked
    ``actor`` manages the school."""
    day = data.started_on or today or date.today()
    if data.induction_year not in CADENCE_DAYS:
        raise InvalidInput("The induction year must be 1 or 2.")
    ect = _member(session.get(User, data.ect_id), Role.ECT, school_id, "ECT")
    mentor = _member(session.get(User, data.mentor_id), Role.MENTOR, school_id, "mentor")
    if mentor.id == ect.id:
        raise InvalidInput("An ECT cannot be their own mentor.")
    lead = None
    if data.ect_lead_id is not None:
        lead = session.get(User, data.ect_lead_id)
        if lead is None or not lead.active or school_id not in lead.school_ids():
            raise InvalidInput("The ECT lead must be an active member of staff of the school.")
        if lead.id == ect.id:
            raise InvalidInput("An ECT cannot be their own ECT lead: choose a member of staff.")
    current = current_pairing(session, ect.id)
    if current is not None and current.mentor_id == mentor.id and current.school_id == school_id:
        changed = (current.induction_year, current.ect_lead_id) != (
            data.induction_year,
            data.ect_lead_id,
        )
        if changed:
            if current.induction_year != data.induction_year:
                current.cadence_days = CADENCE_DAYS[data.induction_year]
            current.induction_year = data.induction_year
            current.ect_lead_id = data.ect_lead_id
            auditlog.record(
                session,
                actor,
                AuditAction.PAIR,
                subject_id=ect.id,
                school_id=school_id,
                detail=f"{ect.name}: year {data.induction_year} with {mentor.name}"
                + (f", ECT lead {lead.name}" if lead else ""),
            )
        return current, changed
    if current is not None:
        # The old pairing's last day is the day before the new one's first (inclusive dates,
        # so the history reads "1 Sep – 14 Jan", then "from 15 Jan"), never before it began.
        current.ended_on = max(current.started_on, day - timedelta(days=1))
        session.flush()  # the old pairing ends before the new one starts (one current each)
    pairing = Mentorship(
        mentor_id=mentor.id,
        ect_id=ect.id,
        ect_lead_id=data.ect_lead_id,
        school_id=school_id,
        induction_year=data.induction_year,
        cadence_days=CADENCE_DAYS[data.induction_year],
        started_on=day,
    )
    session.add(pairing)
    session.flush()
    before = f" (was {current.mentor.name})" if current is not None else ""
    auditlog.record(
        session,
        actor,
        AuditAction.PAIR,
        subject_id=ect.id,
        school_id=school_id,
        detail=f"{ect.name} paired with {mentor.name}{before}, year {data.induction_year}",
    )
    return pairing, True


def end_pairing(
    session: Session, actor: User | None, pairing: Mentorship, *, on: date | None = None
) -> None:
    """End a current pairing (a leaver, a completed induction, a pairing that stops)."""
    if pairing.ended_on is not None:
        return
    pairing.ended_on = max(pairing.started_on, on or date.today())
    auditlog.record(
        session,
        actor,
        AuditAction.PAIR,
        subject_id=pairing.ect_id,
        school_id=pairing.school_id,
        detail=f"Pairing of {pairing.ect.name} with {pairing.mentor.name} ended",
    )


def move_to_year_two(
    session: Session, actor: User | None, pairing: Mentorship, *, last_day: date
) -> Mentorship:
    """Move a year 1 ECT on to year 2 with the same mentor and ECT lead (the roll-over).

    The year 1 pairing ends on ``last_day`` and a year 2 one (fortnightly) starts the day
    after, so the year 1 record keeps its weekly cadence and the change of year has a date."""
    if pairing.ended_on is not None or pairing.induction_year != 1:
        raise InvalidInput(f"{pairing.ect.name} is not in year 1 with a current mentor.")
    pairing.ended_on = max(pairing.started_on, last_day)
    session.flush()  # the year 1 pairing ends before the year 2 one starts (one current each)
    year_two = Mentorship(
        mentor_id=pairing.mentor_id,
        ect_id=pairing.ect_id,
        ect_lead_id=pairing.ect_lead_id,
        school_id=pairing.school_id,
        induction_year=2,
        cadence_days=CADENCE_DAYS[2],
        started_on=pairing.ended_on + timedelta(days=1),
        # The ECT chose to share their talk figures with this mentor; the mentor is the same.
        talk_shared=pairing.talk_shared,
    )
    session.add(year_two)
    session.flush()
    return year_two
