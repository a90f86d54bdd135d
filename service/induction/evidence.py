"""A per-ECT evidence pack for progress reviews and the appropriate body: steps, observations,
coaching sessions, and per half term the sessions held against the entitlement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.induction.dashboard import FormalState, formal_met, now_or_utc
from service.induction.scope import audited_ect, school_calendar
from service.induction.terms import FORMAL_GRACE_DAYS, HalfTermDates, SchoolCalendar
from service.models import (
    TEACHERS_STANDARDS,
    ActionStep,
    CoachingSession,
    Mentorship,
    Observation,
    ObservationKind,
    School,
    User,
)

# --- the evidence pack ------------------------------------------------------------------------


@dataclass(frozen=True)
class HalfTermSummary:
    half_term: HalfTermDates
    sessions: int
    expected: int | None  # None: not paired in this half term
    formal: FormalState
    started: bool  # the half term has begun


@dataclass(frozen=True)
class EvidencePack:
    ect: User
    school: School
    calendar: SchoolCalendar
    today: date
    pairings: list[Mentorship]
    years: list[tuple[int, list[HalfTermSummary]]]
    steps: list[ActionStep]
    observations: list[Observation]
    sessions: list[CoachingSession]

    @property
    def current_pairing(self) -> Mentorship | None:
        current = [p for p in self.pairings if p.ended_on is None]
        return current[-1] if current else None


def _pairing_during(pairings: list[Mentorship], term: HalfTermDates) -> Mentorship | None:
    during = [
        p
        for p in pairings
        if p.started_on <= term.ends_on and (p.ended_on is None or p.ended_on >= term.starts_on)
    ]
    return during[-1] if during else None


def _oldest_first(session: Session, model: type, ect_id: int, when: object) -> list:
    """All of one ECT's rows of ``model``, oldest first (by ``when``, then by id)."""
    query = select(model).where(model.ect_id == ect_id).order_by(when, model.id)
    return list(session.scalars(query))


def evidence_pack(
    session: Session, user: User, ect_id: int, *, now: datetime | None = None
) -> EvidencePack:
    """Everything a progress review needs about one ECT: steps, observations, sessions, and
    per half term the sessions held against the entitlement and the formal observation."""
    ect, school = audited_ect(session, user, ect_id)
    calendar = school_calendar(session, school)
    today = calendar.today(now_or_utc(now))
    pairings = _oldest_first(session, Mentorship, ect.id, Mentorship.started_on)
    steps = _oldest_first(session, ActionStep, ect.id, ActionStep.created_at)
    observations = _oldest_first(session, Observation, ect.id, Observation.observed_on)
    records = _oldest_first(session, CoachingSession, ect.id, CoachingSession.held_on)
    formals = [
        (o.observed_on, o.with_ect_lead) for o in observations if o.kind == ObservationKind.FORMAL
    ]
    held = [r.held_on for r in records]
    current_year = calendar.academic_year_of(today)
    starts = [p.started_on for p in pairings] + held + [o.observed_on for o in observations]
    first_year = min((calendar.academic_year_of(d) for d in starts), default=current_year)
    first_year = max(min(first_year, current_year), current_year - 3)
    years = []
    for year in range(first_year, current_year + 1):
        summaries = []
        for term in calendar.year(year):
            pairing = _pairing_during(pairings, term)
            begun = term.starts_on <= today
            last = min(today, term.ends_on)
            expected = None
            if pairing is not None and begun and pairing.started_on <= last:
                expected = calendar.expected_sessions(
                    max(term.starts_on, pairing.started_on), last, pairing.cadence_days
                )
            state = formal_met(term, formals)
            if state is None:
                if pairing is None or pairing.started_on > term.ends_on:
                    state = FormalState.NOT_DUE
                elif term.ends_on < today or today >= term.ends_on - timedelta(
                    days=FORMAL_GRACE_DAYS - 1
                ):
                    state = FormalState.MISSING
                else:
                    state = FormalState.DUE if begun else FormalState.NOT_DUE
            count = sum(1 for d in held if term.starts_on <= d <= last)
            summaries.append(HalfTermSummary(term, count, expected, state, begun))
        years.append((year, summaries))
    return EvidencePack(ect, school, calendar, today, pairings, years, steps, observations, records)


EVIDENCE_COLUMNS = [
    "section",
    "date",
    "half_term",
    "item",
    "strand",
    "standard",
    "status",
    "people",
    "detail",
]


def evidence_csv_rows(pack: EvidencePack) -> list[list[str]]:
    """The evidence pack as CSV cells: summary lines per half term, then steps, observations
    and sessions, each with its date (ISO 8601) and half term."""
    calendar_of = {}
    for _year, summaries in pack.years:
        for s in summaries:
            calendar_of[s.half_term.number, s.half_term.academic_year] = s.half_term

    def half_term_label(day: date) -> str:
        for term in calendar_of.values():
            if term.contains(day):
                return term.label
        return ""

    table = [list(EVIDENCE_COLUMNS)]
    for _year, summaries in pack.years:
        for s in summaries:
            if not s.started:
                continue
            expected = "not paired" if s.expected is None else str(s.expected)
            table.append(
                ["summary", s.half_term.starts_on.isoformat(), s.half_term.label,
                 "coaching sessions", "", "", f"{s.sessions} held, {expected} expected", "", ""]
            )  # fmt: skip
            table.append(
                ["summary", s.half_term.starts_on.isoformat(), s.half_term.label,
                 "formal observation", "", "", s.formal.value, "",
                 "with the ECT lead" if s.half_term.formal_with_ect_lead else "by the mentor"]
            )  # fmt: skip
    for step in pack.steps:
        day = pack.calendar.local_date(step.created_at)
        table.append(
            ["step", day.isoformat(), half_term_label(day), step.title, step.strand.label,
             f"{step.standard}. {TEACHERS_STANDARDS.get(step.standard, '')}", step.status.label,
             step.mentor.name, "; ".join(step.criteria)]
        )  # fmt: skip
    for o in pack.observations:
        mode = "in person" if o.in_person else f"from the clip “{o.clip_title}”"
        if o.clip_deleted:
            mode += " (since deleted)"
        lead = ", with the ECT lead" if o.with_ect_lead else ""
        table.append(
            ["observation", o.observed_on.isoformat(), half_term_label(o.observed_on),
             f"{o.kind.label} observation", "", "", f"{mode}{lead}", o.observer.name, o.notes]
        )  # fmt: skip
    for r in pack.sessions:
        step_title = r.step.title if r.step else ""
        table.append(
            ["session", r.held_on.isoformat(), half_term_label(r.held_on), "coaching session",
             r.step.strand.label if r.step else "", str(r.step.standard) if r.step else "",
             step_title, r.mentor.name, r.praise]
        )  # fmt: skip
    return table
