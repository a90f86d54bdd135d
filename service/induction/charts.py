"""The induction audit's charts: a weeks x ECTs heatmap of coaching sessions, and each mentor's
median time from an upload to their first feedback (drawn as SVG by the web layer)."""

from __future__ import annotations

import enum
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from service.feedback.waiting import FEEDBACK_KINDS
from service.induction.dashboard import (
    Pairing,
    current_pairings,
    now_or_utc,
    school_ects,
    session_dates,
)
from service.induction.scope import audited_school, school_calendar
from service.induction.terms import SchoolCalendar, Week, year_label
from service.models import (
    Clip,
    CoachingSession,
    Comment,
    Mentorship,
    School,
    User,
)

# --- charts -----------------------------------------------------------------------------------


class CellState(enum.StrEnum):
    HOLIDAY = "holiday"  # no term-time days this week
    FUTURE = "future"  # after this week
    UNPAIRED = "unpaired"  # before the pairing started, or no pairing
    MET = "met"  # one or more sessions
    QUIET = "quiet"  # no session, but within the cadence (a fortnightly pairing's off week)
    GAP = "gap"  # no session, and the cadence had run out by the week's end


@dataclass(frozen=True)
class HeatCell:
    week: Week
    count: int
    state: CellState


@dataclass(frozen=True)
class HeatRow:
    ect_id: int
    ect_name: str
    mentor_name: str | None
    cadence_days: int | None
    cells: list[HeatCell]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.cells)

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.cells if c.state == CellState.GAP)


@dataclass(frozen=True)
class MentorFeedback:
    mentor_id: int
    mentor_name: str
    clips: int  # clips with feedback from this mentor, uploaded this academic year
    median: timedelta | None

    @property
    def median_hours(self) -> float | None:
        return None if self.median is None else self.median.total_seconds() / 3600


@dataclass(frozen=True)
class Charts:
    school: School
    academic_year: int
    today: date
    weeks: list[Week]
    heatmap: list[HeatRow]
    feedback: list[MentorFeedback]

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)


def heatmap_rows(
    calendar: SchoolCalendar,
    weeks: list[Week],
    today: date,
    ects: list[tuple[int, str]],
    pairings: dict[int, Pairing],
    sessions: dict[int, list[date]],
    before: dict[int, date],
) -> list[HeatRow]:
    """Bucket each ECT's sessions into the year's weeks and mark holiday weeks and gaps."""
    rows = []
    for ect_id, name in ects:
        pairing = pairings.get(ect_id)
        days = sorted(sessions.get(ect_id, []))
        last = before.get(ect_id)
        cells = []
        for week in weeks:
            inside = [d for d in days if week.starts_on <= d <= week.ends_on]
            if inside:
                last = max(inside)
            if week.holiday:
                state = CellState.HOLIDAY
            elif week.starts_on > today:
                state = CellState.FUTURE
            elif pairing is None or pairing.started_on > week.ends_on:
                state = CellState.UNPAIRED if not inside else CellState.MET
            elif inside:
                state = CellState.MET
            else:
                anchor = max(last or pairing.started_on, pairing.started_on)
                gap = calendar.term_days_since(anchor, min(week.ends_on, today))
                state = CellState.GAP if gap > pairing.cadence_days else CellState.QUIET
            cells.append(HeatCell(week, len(inside), state))
        rows.append(
            HeatRow(
                ect_id,
                name,
                pairing.mentor_name if pairing else None,
                pairing.cadence_days if pairing else None,
                cells,
            )
        )
    return rows


def charts(
    session: Session,
    user: User,
    school_id: int,
    *,
    academic_year: int | None = None,
    now: datetime | None = None,
) -> Charts:
    """The year's weeks x ECTs heatmap of coaching sessions, and each mentor's median time
    from an upload to their first feedback on it."""
    school = audited_school(session, user, school_id)
    now = now_or_utc(now)
    calendar = school_calendar(session, school)
    today = calendar.today(now)
    year = academic_year or calendar.academic_year_of(today)
    weeks = calendar.weeks(year)
    first, last = weeks[0].starts_on, weeks[-1].ends_on
    ects = [(ect_id, name) for _, ect_id, name, _ in school_ects(session, [school.id])]
    pairings = current_pairings(session, [school.id])
    sessions = session_dates(session, [school.id], first, last)
    before = dict(
        session.execute(
            select(CoachingSession.ect_id, func.max(CoachingSession.held_on))
            .where(CoachingSession.school_id == school.id, CoachingSession.held_on < first)
            .group_by(CoachingSession.ect_id)
        ).all()
    )
    heat = heatmap_rows(calendar, weeks, today, ects, pairings, sessions, before)
    return Charts(
        school, year, today, weeks, heat, feedback_times(session, school, calendar, year, pairings)
    )


def feedback_times(
    session: Session,
    school: School,
    calendar: SchoolCalendar,
    academic_year: int,
    pairings: dict[int, Pairing] | None = None,
) -> list[MentorFeedback]:
    """Per mentor, the median time from an ECT's upload to the mentor's first feedback on it.

    Lessons and rehearsals uploaded in the academic year (school time), by ECTs the mentor is
    or was paired with in the school; the first comment that has not been deleted.
    """
    terms = calendar.year(academic_year)
    # Bound the query by UTC instants a day either side, then keep the clips whose upload falls
    # in the year by the school's local date.
    lower = datetime.combine(terms[0].starts_on - timedelta(days=40), datetime.min.time(), UTC)
    upper = datetime.combine(terms[-1].ends_on + timedelta(days=41), datetime.min.time(), UTC)
    year_start = date(academic_year, 8, 1)
    year_end = date(academic_year + 1, 7, 31)
    first_feedback = func.min(Comment.created_at)
    query = (
        select(Clip.id, Clip.created_at, Mentorship.mentor_id, User.name, first_feedback)
        .join(
            Mentorship,
            and_(Mentorship.ect_id == Clip.owner_id, Mentorship.school_id == Clip.school_id),
        )
        .join(User, User.id == Mentorship.mentor_id)
        .join(
            Comment,
            and_(
                Comment.clip_id == Clip.id,
                Comment.author_id == Mentorship.mentor_id,
                Comment.deleted_at.is_(None),
            ),
        )
        .where(
            Clip.school_id == school.id,
            Clip.kind.in_(FEEDBACK_KINDS),
            Clip.created_at >= lower,
            Clip.created_at < upper,
        )
        .group_by(Clip.id, Clip.created_at, Mentorship.mentor_id, User.name)
    )
    waits: dict[int, list[timedelta]] = defaultdict(list)
    names: dict[int, str] = {}
    for _clip_id, uploaded, mentor_id, name, first in session.execute(query):
        if not year_start <= calendar.local_date(uploaded) <= year_end:
            continue
        names[mentor_id] = name
        waits[mentor_id].append(max(first - uploaded, timedelta(0)))
    for pairing in (pairings or {}).values():
        names.setdefault(pairing.mentor_id, pairing.mentor_name)
    result = [
        MentorFeedback(
            mentor_id,
            name,
            len(waits.get(mentor_id, [])),
            statistics.median(waits[mentor_id]) if waits.get(mentor_id) else None,
        )
        for mentor_id, name in names.items()
    ]
    return sorted(result, key=lambda m: m.mentor_name.lower())
