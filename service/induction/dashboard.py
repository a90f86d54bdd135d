"""The coordinator's induction audit: is every ECT getting the coaching they are entitled to?

Entitlement: a coaching session every ``cadence_days`` of term time (weekly in induction
year 1, fortnightly in year 2, editable per pairing), and one formal observation each half term
(six a year): in odd half terms (1, 3, 5) by the mentor, in even ones (2, 4, 6) by the mentor
with the ECT lead (``Observation.with_ect_lead``). Days are the school's local dates
(``School.timezone``) and term time follows the school's calendar (service.induction.terms).

"This half term" is the half term today falls in or, in a holiday, the one that ended last.
For each ECT of a school (one row each, with their current pairing: the most recently started
one that has not ended):

- **sessions this half term** = the ECT's coaching sessions held from the half term's first day
  to today; **expected** = one per cadence period of term time begun, counted from the later
  of the half term's first day and the pairing's start, to today (or the half term's end);
- a half term's formal observation is **met** by a formal observation dated within it (in an
  even half term, only one with the ECT lead); it is **owed** once the pairing has started by
  the half term's last day and either the half term has ended or today is in its last two
  weeks (``FORMAL_GRACE_DAYS``); **formal done of due** counts this academic year's owed half
  terms (and the current one once met) and how many of them are met.

A row is **overdue** when any of these holds, and the page says which in words:

1. the ECT has no current mentor;
2. the term-time days after the later of their last coaching session and their pairing's start,
   up to today, exceed the pairing's cadence (holidays do not count);
3. a half term of this academic year is owed a formal observation that is not met (the current
   one in its last two weeks, or an earlier one).

Every query here is set-based over all the ECTs in scope (``school_id IN (...)``), so a page
costs the same number of queries for 2 ECTs or 300.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.feedback.waiting import awaits_mentor_feedback
from service.induction.scope import audited_school, calendars, school_calendar
from service.induction.terms import FORMAL_GRACE_DAYS, HalfTermDates, SchoolCalendar
from service.models import (
    ActionStep,
    Clip,
    CoachingSession,
    Membership,
    Mentorship,
    Observation,
    ObservationKind,
    Role,
    School,
    StepStatus,
    User,
)


class FormalState(enum.StrEnum):
    """Where this half term's formal observation stands."""

    DONE = "done"
    NOT_JOINT = "not_joint"  # an even half term's formal observation without the ECT lead
    DUE = "due"  # not yet done, and not yet in the half term's last two weeks
    MISSING = "missing"  # not done, and in the last two weeks or past
    NOT_DUE = "not_due"  # the pairing starts after this half term, or there is none

    @property
    def label(self) -> str:
        return {
            "done": "Done",
            "not_joint": "Done without the ECT lead",
            "due": "Due",
            "missing": "Missing",
            "not_due": "Not due",
        }[self.value]


# --- the dashboard ----------------------------------------------------------------------------


@dataclass
class EctRow:
    """One ECT's line on the school dashboard."""

    ect_id: int
    ect_name: str
    ect_email: str
    school_id: int
    half_term: HalfTermDates
    today: date
    mentorship_id: int | None = None
    mentor_name: str | None = None
    induction_year: int | None = None
    cadence_days: int | None = None
    started_on: date | None = None
    last_observation: date | None = None
    last_session: date | None = None
    sessions_this_half_term: int = 0
    sessions_expected: int = 0
    term_days_since_session: int | None = None
    formal_this_half_term: FormalState = FormalState.NOT_DUE
    formal_year_done: int = 0
    formal_year_due: int = 0
    step_age_days: int | None = None
    awaiting_feedback: int = 0
    oldest_wait: timedelta | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return bool(self.reasons)

    @property
    def oldest_wait_days(self) -> float | None:
        if self.oldest_wait is None:
            return None
        return round(self.oldest_wait.total_seconds() / 86400, 1)


@dataclass(frozen=True)
class Dashboard:
    school: School
    calendar: SchoolCalendar
    today: date
    half_term: HalfTermDates
    rows: list[EctRow]

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)


@dataclass(frozen=True)
class Pairing:
    id: int
    ect_id: int
    mentor_id: int
    mentor_name: str
    induction_year: int
    cadence_days: int
    started_on: date


def now_or_utc(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def school_ects(session: Session, school_ids: Iterable[int]) -> list[tuple[int, int, str, str]]:
    """(school id, ECT id, name, email) of the active ECTs of the schools, by name."""
    query = (
        select(Membership.school_id, User.id, User.name, User.email)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.role == Role.ECT,
            Membership.school_id.in_(list(school_ids)),
            User.active.is_(True),
        )
        .order_by(User.name, User.id)
    )
    return [tuple(row) for row in session.execute(query)]


def current_pairings(session: Session, school_ids: Iterable[int]) -> dict[int, Pairing]:
    """Each ECT's current pairing (the most recently started one that has not ended)."""
    query = (
        select(
            Mentorship.id,
            Mentorship.ect_id,
            Mentorship.mentor_id,
            User.name,
            Mentorship.induction_year,
            Mentorship.cadence_days,
            Mentorship.started_on,
        )
        .join(User, User.id == Mentorship.mentor_id)
        .where(Mentorship.school_id.in_(list(school_ids)), Mentorship.ended_on.is_(None))
        .order_by(Mentorship.started_on, Mentorship.id)
    )
    return {row[1]: Pairing(*row) for row in session.execute(query)}


def formal_met(term: HalfTermDates, formals: list[tuple[date, bool]]) -> FormalState | None:
    """DONE or NOT_JOINT when the half term has a formal observation, else None."""
    inside = [lead for day, lead in formals if term.contains(day)]
    if not inside:
        return None
    if term.formal_with_ect_lead and not any(inside):
        return FormalState.NOT_JOINT
    return FormalState.DONE


def _formal(row: EctRow, calendar: SchoolCalendar, formals: list[tuple[date, bool]]) -> None:
    """Fill in the formal observation columns and reasons (see the module docstring)."""
    today, current = row.today, row.half_term
    done = due = 0
    for term in calendar.year(current.academic_year):
        if term.starts_on > today:
            break
        state = formal_met(term, formals)
        eligible = row.started_on is not None and row.started_on <= term.ends_on
        owed = eligible and (
            term.ends_on < today or today >= term.ends_on - timedelta(days=FORMAL_GRACE_DAYS - 1)
        )
        if term == current:
            if not eligible:
                row.formal_this_half_term = FormalState.NOT_DUE
            elif state is not None:
                row.formal_this_half_term = state
            else:
                row.formal_this_half_term = FormalState.MISSING if owed else FormalState.DUE
        if owed or (term == current and state == FormalState.DONE):
            due += 1
            if state == FormalState.DONE:
                done += 1
            else:
                who = "the mentor with the ECT lead" if term.formal_with_ect_lead else "the mentor"
                if state == FormalState.NOT_JOINT:
                    problem = "was not joint with the ECT lead"
                elif term.ends_on >= today:
                    problem = f"is not done yet, and the half term ends on {term.ends_on:%-d %b}"
                else:
                    problem = "was not done"
                row.reasons.append(f"{term.name} formal observation (by {who}) {problem}.")
    row.formal_year_done, row.formal_year_due = done, due


def session_dates(
    session: Session, school_ids: Iterable[int], first: date, last: date
) -> dict[int, list[date]]:
    """The dates of each ECT's coaching sessions in these schools, from ``first`` to ``last``."""
    dates: dict[int, list[date]] = defaultdict(list)
    for ect_id, held_on in session.execute(
        select(CoachingSession.ect_id, CoachingSession.held_on).where(
            CoachingSession.school_id.in_(list(school_ids)),
            CoachingSession.held_on >= first,
            CoachingSession.held_on <= last,
        )
    ):
        dates[ect_id].append(held_on)
    return dates


def dashboard_rows(
    session: Session, schools: Sequence[School], *, now: datetime | None = None
) -> dict[int, list[EctRow]]:
    """Every ECT row of the given schools, keyed by school, in a fixed number of queries."""
    now = now_or_utc(now)
    ids = [s.id for s in schools]
    cals = calendars(session, schools)
    todays = {s.id: cals[s.id].today(now) for s in schools}
    currents = {s.id: cals[s.id].current_half_term(todays[s.id]) for s in schools}
    if not ids:
        return {}
    latest = max(todays.values())
    ects = school_ects(session, ids)
    pairings = current_pairings(session, ids)

    last_session = dict(
        session.execute(
            select(CoachingSession.ect_id, func.max(CoachingSession.held_on))
            .where(CoachingSession.school_id.in_(ids), CoachingSession.held_on <= latest)
            .group_by(CoachingSession.ect_id)
        ).all()
    )
    earliest = min(t.starts_on for t in currents.values())
    recent = session_dates(session, ids, earliest, latest)
    last_observation = dict(
        session.execute(
            select(Observation.ect_id, func.max(Observation.observed_on))
            .where(Observation.school_id.in_(ids), Observation.observed_on <= latest)
            .group_by(Observation.ect_id)
        ).all()
    )
    year_start = min(cals[s.id].year(currents[s.id].academic_year)[0].starts_on for s in schools)
    formals: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    for ect_id, observed_on, lead in session.execute(
        select(Observation.ect_id, Observation.observed_on, Observation.with_ect_lead).where(
            Observation.school_id.in_(ids),
            Observation.kind == ObservationKind.FORMAL,
            Observation.observed_on >= year_start,
            Observation.observed_on <= latest,
        )
    ):
        formals[ect_id].append((observed_on, lead))
    active_steps = dict(
        session.execute(
            select(ActionStep.ect_id, func.max(ActionStep.created_at))
            .where(ActionStep.school_id.in_(ids), ActionStep.status == StepStatus.ACTIVE)
            .group_by(ActionStep.ect_id)
        ).all()
    )
    awaiting = {
        owner: (count, oldest)
        for owner, count, oldest in session.execute(
            select(Clip.owner_id, func.count(Clip.id), func.min(Clip.created_at))
            .where(Clip.school_id.in_(ids), awaits_mentor_feedback())
            .group_by(Clip.owner_id)
        )
    }

    rows: dict[int, list[EctRow]] = {s.id: [] for s in schools}
    for school_id, ect_id, name, email in ects:
        calendar, today, current = cals[school_id], todays[school_id], currents[school_id]
        row = EctRow(ect_id, name, email, school_id, current, today)
        pairing = pairings.get(ect_id)
        row.last_session = last_session.get(ect_id)
        row.last_observation = last_observation.get(ect_id)
        row.sessions_this_half_term = sum(
            1 for day in recent.get(ect_id, ()) if current.starts_on <= day <= today
        )
        if pairing is None:
            row.reasons.append("No current mentor.")
        else:
            row.mentorship_id, row.mentor_name = pairing.id, pairing.mentor_name
            row.induction_year, row.cadence_days = pairing.induction_year, pairing.cadence_days
            row.started_on = pairing.started_on
            first = max(current.starts_on, pairing.started_on)
            row.sessions_expected = calendar.expected_sessions(
                first, min(today, current.ends_on), pairing.cadence_days
            )
            if pairing.started_on <= today:
                anchor = max(row.last_session or pairing.started_on, pairing.started_on)
                gap = calendar.term_days_since(anchor, today)
                row.term_days_since_session = gap
                if gap > pairing.cadence_days:
                    since = (
                        f"their last session on {row.last_session:%-d %b %Y}"
                        if row.last_session and row.last_session >= pairing.started_on
                        else f"the pairing started on {pairing.started_on:%-d %b %Y}"
                    )
                    row.reasons.append(
                        f"No coaching session for {gap} term-time days since {since}: "
                        f"due every {pairing.cadence_days} days."
                    )
        _formal(row, calendar, formals.get(ect_id, []))
        created = active_steps.get(ect_id)
        if created is not None:
            row.step_age_days = (today - calendar.local_date(created)).days
        count, oldest = awaiting.get(ect_id, (0, None))
        row.awaiting_feedback = count
        row.oldest_wait = now - oldest if oldest is not None else None
        rows[school_id].append(row)
    return rows


# Sortable columns: key -> (label, value for sorting, or None when the row has none).
SORTS: dict[str, tuple[str, Callable[[EctRow], object]]] = {
    "name": ("ECT", lambda r: r.ect_name.lower()),
    "mentor": ("Mentor", lambda r: r.mentor_name.lower() if r.mentor_name else None),
    "year": ("Year", lambda r: r.induction_year),
    "observation": ("Last observation", lambda r: r.last_observation),
    "session": ("Last session", lambda r: r.last_session),
    "sessions": ("Sessions", lambda r: r.sessions_this_half_term - r.sessions_expected),
    "formal": ("Formal", lambda r: r.formal_year_done - r.formal_year_due),
    "step": ("Step age", lambda r: r.step_age_days),
    "awaiting": ("Awaiting", lambda r: r.awaiting_feedback),
    "wait": ("Oldest wait", lambda r: r.oldest_wait),
    "overdue": ("Overdue", lambda r: (not r.overdue, -len(r.reasons))),
}
DEFAULT_SORT = "overdue"


def sort_rows(rows: list[EctRow], sort: str | None) -> tuple[list[EctRow], str]:
    """Sort rows by a column key (``-key`` for descending); unknown keys sort by overdue.

    Ties keep name order, and rows without a value (no mentor, never observed...) come last
    whichever way the column is sorted.
    """
    sort = sort or DEFAULT_SORT
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort = key = DEFAULT_SORT
    value = SORTS[key][1]
    by_name = sorted(rows, key=lambda r: (r.ect_name.lower(), r.ect_id))
    present = [r for r in by_name if value(r) is not None]
    present.sort(key=value, reverse=sort.startswith("-"))  # stable: ties stay in name order
    return present + [r for r in by_name if value(r) is None], sort


def school_dashboard(
    session: Session, user: User, school_id: int, *, now: datetime | None = None
) -> Dashboard:
    """The school's dashboard: one row per ECT, with why each overdue row is flagged."""
    school = audited_school(session, user, school_id)
    now = now_or_utc(now)
    calendar = school_calendar(session, school)
    today = calendar.today(now)
    rows = dashboard_rows(session, [school], now=now)[school.id]
    return Dashboard(school, calendar, today, calendar.current_half_term(today), rows)
