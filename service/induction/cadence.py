"""The settings an induction audit counts by: each pairing's cadence and induction year, and each
school's half-term dates and time zone (see service.induction.terms for the arithmetic)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.errors import InvalidInput, NotFound
from service.induction.scope import audited_school, school_calendar
from service.induction.terms import (
    MAX_CADENCE,
    MIN_CADENCE,
    HalfTermDates,
    check_timezone,
    check_year,
    default_cadence,
)
from service.models import (
    HalfTerm,
    Mentorship,
    School,
    User,
)

# --- pairings: cadence and induction year -----------------------------------------------------


def set_cadence(
    session: Session,
    user: User,
    mentorship_id: int,
    *,
    induction_year: int | None,
    cadence_days: int | None,
) -> Mentorship:
    """Change a pairing's induction year and cadence.

    A change of year sets that year's default cadence (7 days in year 1, 14 in year 2) unless
    the same change gives a new cadence (one that differs from the pairing's current cadence:
    a form that shows the current cadence sends it back unchanged).
    """
    pairing = session.get(Mentorship, mentorship_id)
    if pairing is None or not policy.coordinates_school(session, user, pairing.school_id):
        raise NotFound("We could not find that pairing.")
    if induction_year is not None and induction_year not in (1, 2):
        raise InvalidInput("The induction year is 1 or 2.")
    if cadence_days is not None and not MIN_CADENCE <= cadence_days <= MAX_CADENCE:
        raise InvalidInput(
            f"The cadence is a number of days from {MIN_CADENCE} to {MAX_CADENCE} "
            "(7 for weekly, 14 for fortnightly)."
        )
    if induction_year is not None and induction_year != pairing.induction_year:
        pairing.induction_year = induction_year
        if cadence_days is None or cadence_days == pairing.cadence_days:
            cadence_days = default_cadence(induction_year)
    if cadence_days is not None:
        pairing.cadence_days = cadence_days
    session.commit()
    return pairing


# --- term dates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermsView:
    school: School
    academic_year: int
    half_terms: tuple[HalfTermDates, ...]
    custom: bool


def terms_view(
    session: Session, user: User, school_id: int, academic_year: int | None
) -> TermsView:
    """The school's half terms for a year (default: the current one), stored or default."""
    school = audited_school(session, user, school_id)
    calendar = school_calendar(session, school)
    year = academic_year or calendar.academic_year_of(calendar.today())
    return TermsView(school, year, calendar.year(year), calendar.is_custom(year))


def save_terms(
    session: Session,
    user: User,
    school_id: int,
    academic_year: int,
    spans: list[tuple[date | None, date | None]],
    timezone: str,
) -> TermsView:
    """Store a school's six half terms for a year and its time zone, all or nothing."""
    school = audited_school(session, user, school_id)
    if not 2000 <= academic_year <= 2100:
        raise InvalidInput("Please choose an academic year between 2000 and 2100.")
    problems = check_year(academic_year, spans)
    zone_problem = check_timezone(timezone)
    if zone_problem:
        problems.append(zone_problem)
    if problems:
        raise InvalidInput(" ".join(problems))
    existing = {
        t.number: t
        for t in session.scalars(
            select(HalfTerm).where(
                HalfTerm.school_id == school.id, HalfTerm.academic_year == academic_year
            )
        )
    }
    for number, (start, end) in enumerate(spans, start=1):
        row = existing.get(number) or HalfTerm(
            school_id=school.id, academic_year=academic_year, number=number
        )
        row.starts_on, row.ends_on = start, end
        session.add(row)
    school.timezone = timezone.strip()
    session.commit()
    return terms_view(session, user, school.id, academic_year)


def reset_terms(session: Session, user: User, school_id: int, academic_year: int) -> TermsView:
    """Forget a school's own dates for a year: it follows the default calendar again."""
    school = audited_school(session, user, school_id)
    for row in session.scalars(
        select(HalfTerm).where(
            HalfTerm.school_id == school.id, HalfTerm.academic_year == academic_year
        )
    ):
        session.delete(row)
    session.commit()
    return terms_view(session, user, school.id, academic_year)
