"""The trust roll-up of the induction audit: each school's summary for the half term."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.induction.dashboard import EctRow, dashboard_rows, now_or_utc
from service.induction.scope import audited_trust, calendars
from service.induction.terms import HalfTermDates
from service.models import (
    School,
    Trust,
    User,
)

# --- the trust roll-up ------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolSummary:
    school: School
    half_term: HalfTermDates
    ects: int
    overdue: int
    sessions: int
    sessions_expected: int
    formal_done: int
    formal_due: int
    awaiting_feedback: int
    oldest_wait: timedelta | None


@dataclass(frozen=True)
class TrustView:
    trust: Trust
    schools: list[SchoolSummary]


def summarise(school: School, half_term: HalfTermDates, rows: list[EctRow]) -> SchoolSummary:
    """Roll a school's ECT rows up into one line."""
    waits = [r.oldest_wait for r in rows if r.oldest_wait is not None]
    return SchoolSummary(
        school=school,
        half_term=half_term,
        ects=len(rows),
        overdue=sum(1 for r in rows if r.overdue),
        sessions=sum(r.sessions_this_half_term for r in rows),
        sessions_expected=sum(r.sessions_expected for r in rows),
        formal_done=sum(r.formal_year_done for r in rows),
        formal_due=sum(r.formal_year_due for r in rows),
        awaiting_feedback=sum(r.awaiting_feedback for r in rows),
        oldest_wait=max(waits) if waits else None,
    )


def trust_view(
    session: Session, user: User, trust_id: int, *, now: datetime | None = None
) -> TrustView:
    """The trust's schools, each rolled up from its dashboard rows."""
    trust = audited_trust(session, user, trust_id)
    now = now_or_utc(now)
    schools = list(
        session.scalars(select(School).where(School.trust_id == trust.id).order_by(School.name))
    )
    rows = dashboard_rows(session, schools, now=now)
    cals = calendars(session, schools)
    summaries = []
    for school in schools:
        calendar = cals[school.id]
        current = calendar.current_half_term(calendar.today(now))
        summaries.append(summarise(school, current, rows[school.id]))
    return TrustView(trust, summaries)
