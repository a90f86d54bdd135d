"""The induction audit on a crafted history, with the clock pinned: dashboard values, overdue
reasons, the trust roll-up, CSV columns, the evidence pack, charts data and query counts."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from service import (
    evidence,
    induction,
    induction_charts,
    induction_csv,
    induction_scope,
    induction_settings,
    observations,
)
from service.accounts import create_user
from service.errors import Forbidden, InvalidInput, NotFound
from service.induction import FormalState
from service.induction_charts import CellState
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipStatus,
    CoachingSession,
    Comment,
    HalfTerm,
    Mentorship,
    Observation,
    ObservationKind,
    Role,
    School,
    StepStatus,
    Strand,
    Trust,
    User,
)

# Wednesday of week 4 of autumn 2 (2 Nov - 18 Dec 2026): its last two weeks start on 5 Dec.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
NORTHFIELD = "Northfield Primary"


def at(day: str, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def school_named(session, name: str) -> School:
    return session.scalar(select(School).where(School.name == name))


def pairing_of(session, ect: User) -> Mentorship:
    return session.scalar(select(Mentorship).where(Mentorship.ect_id == ect.id))


def add_clip(session, owner: User, kind: ClipKind, uploaded: datetime, **extra) -> Clip:
    school_id = next(m.school_id for m in owner.memberships if m.school_id)
    clip = Clip(
        owner_id=owner.id,
        school_id=school_id,
        kind=kind,
        title=f"{kind.value} {uploaded:%d %b}",
        recorded_on=uploaded.date(),
        status=extra.pop("status", ClipStatus.READY),
        original_key="k",
        original_filename="c.mp4",
        original_size=1,
        created_at=uploaded,
        **extra,
    )
    session.add(clip)
    session.flush()
    return clip


def add_comment(session, clip: Clip, author: User, when: datetime, *, deleted=False) -> None:
    session.add(
        Comment(
            clip_id=clip.id,
            author_id=author.id,
            at_seconds=1,
            body="" if deleted else "Feedback",
            created_at=when,
            deleted_at=when if deleted else None,
        )
    )


def add_session(session, mentor: User, ect: User, day: str, step: ActionStep | None = None):
    school_id = next(m.school_id for m in ect.memberships if m.school_id)
    session.add(
        CoachingSession(
            ect_id=ect.id,
            mentor_id=mentor.id,
            school_id=school_id,
            held_on=date.fromisoformat(day),
            praise="Clear routine",
            step_id=step.id if step else None,
        )
    )


def add_observation(
    session, ect, observer, day, kind=ObservationKind.FORMAL, lead=False, clip=None
):  # noqa: ANN001, ANN201, E501
    school_id = next(m.school_id for m in ect.memberships if m.school_id)
    session.add(
        Observation(
            ect_id=ect.id,
            school_id=school_id,
            observer_id=observer.id,
            kind=kind,
            observed_on=date.fromisoformat(day),
            with_ect_lead=lead,
            clip_id=clip.id if clip else None,
            notes="Observed the starter",
            recorded_by_id=observer.id,
        )
    )


@dataclass
class History:
    school: School
    coordinator: User
    mentor1: User
    mentor2: User
    ect1: User
    ect2: User
    ect3: User


@pytest.fixture
def history(session, demo) -> History:
    """Northfield Primary on 25 Nov 2026.

    ect1 (year 1, weekly): on track. ect2 (year 2, fortnightly): last session 4 Nov and no
    autumn 1 formal observation. ect3 (year 1): paired with mentor2 on 16 Nov, no session yet.
    """
    school = school_named(session, NORTHFIELD)
    h = History(
        school,
        user(session, "coordinator@northfield.example"),
        user(session, "mentor1@northfield.example"),
        user(session, "mentor2@northfield.example"),
        user(session, "ect1@northfield.example"),
        user(session, "ect2@northfield.example"),
        user(session, "ect3@northfield.example"),
    )
    for ect, started in ((h.ect1, "2026-09-01"), (h.ect2, "2026-09-01"), (h.ect3, "2026-11-16")):
        pairing_of(session, ect).started_on = date.fromisoformat(started)
    step = ActionStep(
        ect_id=h.ect1.id,
        mentor_id=h.mentor1.id,
        school_id=school.id,
        title="Cold call after a pause",
        criteria=["Ask the whole class", "Pause", "Name a pupil"],
        strand=Strand.INSTRUCTION,
        standard=2,
        review_on=date(2026, 11, 24),
        status=StepStatus.ACTIVE,
        created_at=at("2026-11-17", 23, 30),
    )
    met = ActionStep(
        ect_id=h.ect1.id,
        mentor_id=h.mentor1.id,
        school_id=school.id,
        title="Wait for 100%",
        criteria=["Same signal"],
        strand=Strand.BEHAVIOUR,
        standard=7,
        review_on=date(2026, 11, 10),
        status=StepStatus.MET,
        created_at=at("2026-11-03"),
    )
    session.add_all([step, met])
    session.flush()
    for day in ("2026-11-03", "2026-11-10", "2026-11-17", "2026-11-24"):
        add_session(session, h.mentor1, h.ect1, day, step)
    add_session(session, h.mentor1, h.ect1, "2026-10-13", met)
    for day in ("2026-10-20", "2026-11-04"):
        add_session(session, h.mentor1, h.ect2, day)
    add_observation(session, h.ect1, h.mentor1, "2026-10-01")
    add_observation(session, h.ect1, h.mentor1, "2026-11-20", kind=ObservationKind.WEEKLY)
    # ect1: a lesson with feedback a day later, and a rehearsal still waiting.
    lesson = add_clip(session, h.ect1, ClipKind.LESSON, at("2026-11-20", 9))
    add_comment(session, lesson, h.mentor1, at("2026-11-21", 9))
    add_clip(session, h.ect1, ClipKind.REHEARSAL, at("2026-11-23", 10))
    add_clip(session, h.ect1, ClipKind.LESSON, at("2026-11-24", 10), status=ClipStatus.PROCESSING)
    # ect2: the mentor's first comment was deleted; the first that stands came two days on.
    other = add_clip(session, h.ect2, ClipKind.LESSON, at("2026-11-10", 12))
    add_comment(session, other, h.mentor1, at("2026-11-11", 12), deleted=True)
    add_comment(session, other, h.mentor1, at("2026-11-12", 12))
    add_comment(session, other, h.mentor1, at("2026-11-13", 12))
    # ect3: only the coordinator has said anything, so it still awaits the mentor.
    third = add_clip(session, h.ect3, ClipKind.LESSON, at("2026-11-18", 8))
    add_comment(session, third, h.coordinator, at("2026-11-18", 9))
    session.commit()
    return h


def rows_by_email(dashboard) -> dict[str, induction.EctRow]:
    return {row.ect_email: row for row in dashboard.rows}


def test_dashboard_values_and_overdue_reasons(session, history):
    dashboard = induction.school_dashboard(session, history.coordinator, history.school.id, now=NOW)
    assert dashboard.today == TODAY and dashboard.half_term.label == "Autumn 2 2026/27"
    rows = rows_by_email(dashboard)
    one, two, three = (rows[f"ect{n}@northfield.example"] for n in (1, 2, 3))

    assert (one.mentor_name, one.induction_year, one.cadence_days) == ("Daniel Okafor", 1, 7)
    assert one.last_session == date(2026, 11, 24) and one.last_observation == date(2026, 11, 20)
    assert (one.sessions_this_half_term, one.sessions_expected) == (4, 4)  # 24 days: 4 begun
    assert one.formal_this_half_term == FormalState.DUE  # not yet in its last two weeks
    assert (one.formal_year_done, one.formal_year_due) == (1, 1)
    assert one.step_age_days == 8
    assert one.awaiting_feedback == 1  # the rehearsal (the processing lesson does not count)
    assert one.oldest_wait == timedelta(days=2, hours=2) and one.oldest_wait_days == 2.1
    assert one.reasons == [] and not one.overdue

    assert (two.induction_year, two.cadence_days) == (2, 14)
    assert (two.sessions_this_half_term, two.sessions_expected) == (1, 2)
    assert two.term_days_since_session == 21
    assert two.reasons == [
        "No coaching session for 21 term-time days since their last session on 4 Nov 2026: "
        "due every 14 days.",
        "Autumn 1 formal observation (by the mentor) was not done.",
    ]
    assert (two.formal_year_done, two.formal_year_due) == (0, 1)
    assert two.awaiting_feedback == 0

    assert three.mentor_name == "Helen Marsh"
    assert (three.sessions_this_half_term, three.sessions_expected) == (0, 2)
    assert three.formal_year_due == 0  # paired after autumn 1 ended
    assert three.reasons == [
        "No coaching session for 9 term-time days since the pairing started on 16 Nov 2026: "
        "due every 7 days."
    ]
    assert three.awaiting_feedback == 1
    assert dashboard.overdue == 2


def test_formal_observations_in_the_last_two_weeks_and_with_the_ect_lead(session, history):
    late = datetime(2026, 12, 7, 12, tzinfo=UTC)  # autumn 2's last two weeks
    add_session(session, history.mentor1, history.ect1, "2026-12-04")
    add_observation(session, history.ect2, history.mentor1, "2026-12-01")  # not joint
    session.commit()
    rows = rows_by_email(
        induction.school_dashboard(session, history.coordinator, history.school.id, now=late)
    )
    one, two = rows["ect1@northfield.example"], rows["ect2@northfield.example"]
    assert one.formal_this_half_term == FormalState.MISSING
    assert one.reasons == [
        "Autumn 2 formal observation (by the mentor with the ECT lead) is not done yet, "
        "and the half term ends on 18 Dec."
    ]
    assert (one.formal_year_done, one.formal_year_due) == (1, 2)
    assert two.formal_this_half_term == FormalState.NOT_JOINT
    assert "Autumn 2 formal observation (by the mentor with the ECT lead) was not joint" in (
        " ".join(two.reasons)
    )
    add_observation(session, history.ect1, history.mentor1, "2026-12-02", lead=True)
    session.commit()
    rows = rows_by_email(
        induction.school_dashboard(session, history.coordinator, history.school.id, now=late)
    )
    assert rows["ect1@northfield.example"].reasons == []
    assert rows["ect1@northfield.example"].formal_year_done == 2


def test_holidays_do_not_make_an_ect_overdue(session, history):
    # ect1's last session was 24 Nov; over Christmas no term-time days pass.
    christmas = datetime(2027, 1, 4, 9, tzinfo=UTC)
    add_observation(session, history.ect1, history.mentor1, "2026-12-01", lead=True)
    add_session(session, history.mentor1, history.ect1, "2026-12-18")
    session.commit()
    row = rows_by_email(
        induction.school_dashboard(session, history.coordinator, history.school.id, now=christmas)
    )["ect1@northfield.example"]
    assert row.half_term.label == "Spring 1 2026/27"
    assert row.term_days_since_session == 1
    assert row.reasons == []
    assert (row.sessions_this_half_term, row.sessions_expected) == (0, 1)


def test_sorting_puts_overdue_first_and_follows_a_column(session, history):
    rows = induction.school_dashboard(session, history.coordinator, history.school.id, now=NOW).rows
    ordered, sort = induction.sort_rows(rows, None)
    assert sort == "overdue" and not ordered[-1].overdue
    ordered, sort = induction.sort_rows(rows, "-awaiting")
    assert [r.awaiting_feedback for r in ordered] == [1, 1, 0]
    ordered, _ = induction.sort_rows(rows, "session")
    assert [r.last_session for r in ordered] == [date(2026, 11, 4), date(2026, 11, 24), None]
    ordered, _ = induction.sort_rows(rows, "-session")  # never coached stays last
    assert [r.last_session for r in ordered] == [date(2026, 11, 24), date(2026, 11, 4), None]
    assert induction.sort_rows(rows, "drop table")[1] == "overdue"


def test_trust_view_rolls_schools_up(session, history):
    lead = user(session, "induction-lead@northfield-trust.example")
    view = induction.trust_view(session, lead, history.school.trust_id, now=NOW)
    by_name = {s.school.name: s for s in view.schools}
    north = by_name[NORTHFIELD]
    assert (north.ects, north.overdue) == (3, 2)
    assert (north.sessions, north.sessions_expected) == (5, 8)
    assert (north.formal_done, north.formal_due) == (1, 2)
    assert north.awaiting_feedback == 2
    assert north.oldest_wait == NOW - at("2026-11-18", 8)
    assert by_name["Riverside Academy"].ects == 3
    with pytest.raises(Forbidden):
        induction.trust_view(session, history.coordinator, history.school.trust_id, now=NOW)
    other = user(session, "coordinator@riverside.example")
    with pytest.raises(NotFound):
        induction.school_dashboard(session, other, history.school.id, now=NOW)


def test_dashboard_csv_columns_and_a_row(session, history):
    dashboard = induction.school_dashboard(session, history.coordinator, history.school.id, now=NOW)
    text = induction_csv.to_csv(induction_csv.dashboard_csv_rows(dashboard.rows))
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == [
        "ect_id", "ect_name", "ect_email", "mentor_name", "induction_year", "cadence_days",
        "half_term", "last_observation", "last_session", "sessions_this_half_term",
        "sessions_expected", "term_days_since_session", "formal_this_half_term",
        "formal_year_done", "formal_year_due", "active_step_age_days",
        "clips_awaiting_feedback", "oldest_wait_days", "overdue", "overdue_reasons",
    ]  # fmt: skip
    two = next(r for r in table if r["ect_email"] == "ect2@northfield.example")
    assert two["last_session"] == "2026-11-04" and two["half_term"] == "Autumn 2 2026/27"
    assert (two["sessions_this_half_term"], two["sessions_expected"]) == ("1", "2")
    assert two["overdue"] == "yes" and "21 term-time days" in two["overdue_reasons"]
    assert two["formal_this_half_term"] == "due" and two["active_step_age_days"] == ""
    # A cell a spreadsheet would run as a formula is written as text.
    assert induction_csv.to_csv([["=SUM(A1)", "ok"]]) == "'=SUM(A1),ok\r\n"


def test_evidence_pack(session, history):
    pack = evidence.evidence_pack(session, history.coordinator, history.ect1.id, now=NOW)
    assert [s.title for s in pack.steps] == ["Wait for 100%", "Cold call after a pause"]
    assert [o.observed_on for o in pack.observations] == [date(2026, 10, 1), date(2026, 11, 20)]
    assert [r.held_on for r in pack.sessions][:2] == [date(2026, 10, 13), date(2026, 11, 3)]
    [(year, terms)] = pack.years
    assert year == 2026
    autumn1, autumn2, spring1 = terms[:3]
    assert (autumn1.sessions, autumn1.expected, autumn1.formal) == (1, 8, FormalState.DONE)
    assert (autumn2.sessions, autumn2.expected, autumn2.formal) == (4, 4, FormalState.DUE)
    assert not spring1.started and spring1.expected is None
    table = evidence.evidence_csv_rows(pack)
    assert table[0] == evidence.EVIDENCE_COLUMNS
    steps = [r for r in table if r[0] == "step"]
    assert steps[1][:7] == [
        "step", "2026-11-17", "Autumn 2 2026/27", "Cold call after a pause", "Instruction",
        "2. Promote good progress", "Active",
    ]  # fmt: skip
    assert ["summary", "2026-09-01", "Autumn 1 2026/27", "coaching sessions"] == table[1][:4]
    assert table[1][6] == "1 held, 8 expected"
    observed = [r for r in table if r[0] == "observation"]
    assert observed[0][6] == "in person" and observed[0][7] == "Daniel Okafor"
    # The ECT, their mentor and their mentor's reviewer see the coaching but not the pack.
    for email in ("ect1@northfield.example", "mentor1@northfield.example"):
        with pytest.raises(Forbidden):
            evidence.evidence_pack(session, user(session, email), history.ect1.id, now=NOW)
    with pytest.raises(NotFound):
        evidence.evidence_pack(
            session, user(session, "coordinator@riverside.example"), history.ect1.id, now=NOW
        )


def test_charts_heatmap_and_median_feedback(session, history):
    charts = induction_charts.charts(session, history.coordinator, history.school.id, now=NOW)
    assert charts.academic_year == 2026 and len(charts.weeks) == 47
    rows = {r.ect_name: r for r in charts.heatmap}
    two = rows["Aisha Begum"]
    by_week = {c.week.starts_on: c for c in two.cells}
    assert by_week[date(2026, 10, 19)].count == 1 and by_week[date(2026, 10, 19)].state == "met"
    assert by_week[date(2026, 10, 26)].state == CellState.HOLIDAY
    assert by_week[date(2026, 11, 9)].state == CellState.QUIET  # fortnightly: an off week is fine
    assert by_week[date(2026, 11, 16)].state == CellState.GAP
    assert by_week[date(2026, 11, 30)].state == CellState.FUTURE
    # Since 1 Sep: the first fortnight passes quietly, then every week without a session is a gap
    # until 20 Oct.
    assert by_week[date(2026, 9, 7)].state == CellState.QUIET
    assert by_week[date(2026, 9, 14)].state == CellState.GAP
    three = rows["Tom Wright"]
    assert {c.state for c in three.cells[:10]} <= {CellState.UNPAIRED, CellState.HOLIDAY}
    feedback = {m.mentor_name: m for m in charts.feedback}
    assert feedback["Daniel Okafor"].clips == 2
    assert feedback["Daniel Okafor"].median == timedelta(hours=36)  # 24 h and 48 h
    assert feedback["Helen Marsh"].median is None and feedback["Helen Marsh"].clips == 0


def test_cadence_changes_follow_the_induction_year(session, history):
    pairing = pairing_of(session, history.ect1)
    changed = induction_settings.set_cadence(
        session, history.coordinator, pairing.id, induction_year=2, cadence_days=None
    )
    assert (changed.induction_year, changed.cadence_days) == (2, 14)
    # The form sends the current cadence back unchanged: the new year's default still applies.
    changed = induction_settings.set_cadence(
        session, history.coordinator, pairing.id, induction_year=1, cadence_days=14
    )
    assert (changed.induction_year, changed.cadence_days) == (1, 7)
    changed = induction_settings.set_cadence(
        session, history.coordinator, pairing.id, induction_year=2, cadence_days=None
    )
    changed = induction_settings.set_cadence(
        session, history.coordinator, pairing.id, induction_year=1, cadence_days=10
    )
    assert (changed.induction_year, changed.cadence_days) == (1, 10)
    with pytest.raises(InvalidInput, match="from 1 to 56"):
        induction_settings.set_cadence(
            session, history.coordinator, pairing.id, induction_year=None, cadence_days=0
        )
    with pytest.raises(NotFound):
        induction_settings.set_cadence(
            session,
            user(session, "coordinator@riverside.example"),
            pairing.id,
            induction_year=None,
            cadence_days=7,
        )


def test_terms_are_saved_whole_or_not_at_all(session, history):
    spans = [
        (t.starts_on, t.ends_on)
        for t in induction_scope.school_calendar(session, history.school).year(2026)
    ]
    spans[0] = (date(2026, 9, 7), date(2026, 10, 16))
    view = induction_settings.save_terms(
        session, history.coordinator, history.school.id, 2026, spans, "Europe/London"
    )
    assert view.custom and view.half_terms[0].starts_on == date(2026, 9, 7)
    bad = list(spans)
    bad[2] = (date(2026, 12, 1), date(2027, 2, 12))  # overlaps autumn 2
    with pytest.raises(InvalidInput, match="Spring 1 must start after Autumn 2 ends"):
        induction_settings.save_terms(
            session, history.coordinator, history.school.id, 2026, bad, "UTC"
        )
    with pytest.raises(InvalidInput, match="not a time zone"):
        induction_settings.save_terms(
            session, history.coordinator, history.school.id, 2026, spans, "Mars"
        )
    session.expire_all()
    assert history.school.timezone == "Europe/London"
    stored = session.scalars(select(HalfTerm).where(HalfTerm.school_id == history.school.id))
    assert sorted(t.starts_on for t in stored)[0] == date(2026, 9, 7)
    view = induction_settings.reset_terms(session, history.coordinator, history.school.id, 2026)
    assert not view.custom and view.half_terms[0].starts_on == date(2026, 9, 1)


def test_log_observation_checks_what_is_typed(session, history):
    mentor = history.mentor1
    data = observations.ObservationInput
    with pytest.raises(InvalidInput, match="in the future"):
        observations.log_observation(
            session, mentor, history.ect1.id, data(date(2026, 11, 26)), today=TODAY
        )
    with pytest.raises(InvalidInput, match="weekly or formal"):
        observations.log_observation(
            session, mentor, history.ect1.id, data(TODAY, kind="annual"), today=TODAY
        )
    outsider = user(session, "mentor1@riverside.example")
    with pytest.raises(InvalidInput, match="member of staff"):
        observations.log_observation(
            session, mentor, history.ect1.id, data(TODAY, observer_id=outsider.id), today=TODAY
        )
    others = session.scalar(select(Clip).where(Clip.owner_id == history.ect2.id))
    with pytest.raises(InvalidInput, match="lesson clips that is ready"):
        observations.log_observation(
            session, mentor, history.ect1.id, data(TODAY, clip_id=others.id), today=TODAY
        )
    with pytest.raises(Forbidden):
        observations.log_observation(session, history.ect1, history.ect1.id, data(TODAY))
    with pytest.raises(NotFound):
        observations.log_observation(session, outsider, history.ect1.id, data(TODAY))
    lesson = observations.observable_clips(session, history.ect1)[0]
    logged = observations.log_observation(
        session,
        history.coordinator,
        history.ect1.id,
        data(TODAY, kind="formal", with_ect_lead=True, notes=" Joint ", clip_id=lesson.id),
        today=TODAY,
    )
    assert logged.observer_id == mentor.id  # the mentor by default
    assert (logged.kind, logged.notes, logged.in_person) == (ObservationKind.FORMAL, "Joint", False)
    assert logged.recorded_by_id == history.coordinator.id


# --- the number of queries does not grow with the number of ECTs --------------------------------


def build_school(session, trust: Trust, name: str, ects: int) -> School:
    """A school with ``ects`` paired ECTs, each with sessions, observations, a step and clips."""
    school = School(name=name, trust=trust)
    session.add(school)
    session.flush()
    slug = name.lower().replace(" ", "-")
    mentor = create_user(
        session, email=f"m@{slug}.example", name="Mentor", password_hash="x",
        role=Role.MENTOR, school_id=school.id,
    )  # fmt: skip
    for n in range(ects):
        ect = create_user(
            session, email=f"e{n}@{slug}.example", name=f"ECT {n:02d}", password_hash="x",
            role=Role.ECT, school_id=school.id,
        )  # fmt: skip
        session.add(
            Mentorship(
                mentor_id=mentor.id, ect_id=ect.id, school_id=school.id,
                induction_year=1 + n % 2, cadence_days=7, started_on=date(2026, 9, 1),
            )
        )  # fmt: skip
        for week in range(0, 12, 1 + n % 3):
            add_session(
                session, mentor, ect, (date(2026, 9, 2) + timedelta(weeks=week)).isoformat()
            )
        add_observation(session, ect, mentor, "2026-10-05")
        session.add(
            ActionStep(
                ect_id=ect.id, mentor_id=mentor.id, school_id=school.id, title="Step",
                criteria=["c"], strand=Strand.BEHAVIOUR, standard=1,
                review_on=date(2026, 11, 30), created_at=at("2026-11-20"),
            )
        )  # fmt: skip
        session.flush()
        clip = add_clip(session, ect, ClipKind.LESSON, at("2026-11-02"))
        add_comment(session, clip, mentor, at("2026-11-03"))
        add_clip(session, ect, ClipKind.REHEARSAL, at("2026-11-23"))
    session.commit()
    return school


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *_args) -> None:
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def count_queries(session, run) -> tuple[int, object]:
    session.expire_all()  # every run starts from the same, cold, identity map
    with QueryCounter(session.get_bind()) as counter:
        result = run()
    return counter.count, result


def test_dashboard_and_trust_queries_do_not_grow_with_the_number_of_ects(session, demo):
    admin = user(session, "admin@coachreel.example")
    small_trust, large_trust = Trust(name="Small trust"), Trust(name="Large trust")
    session.add_all([small_trust, large_trust])
    small = build_school(session, small_trust, "Small school", 2)
    large = build_school(session, large_trust, "Large school", 12)
    build_school(session, large_trust, "Second school", 5)
    build_school(session, large_trust, "Third school", 7)
    small_id, large_id, small_trust_id, large_trust_id = (
        small.id,
        large.id,
        small_trust.id,
        large_trust.id,
    )

    def dashboard(school_id):
        return lambda: induction.school_dashboard(session, admin, school_id, now=NOW)

    def trust(trust_id):
        return lambda: induction.trust_view(session, admin, trust_id, now=NOW)

    small_count, small_page = count_queries(session, dashboard(small_id))
    large_count, large_page = count_queries(session, dashboard(large_id))
    assert (len(small_page.rows), len(large_page.rows)) == (2, 12)
    assert small_count == large_count, (small_count, large_count)
    assert small_count <= 15
    one_count, one_view = count_queries(session, trust(small_trust_id))
    three_count, three_view = count_queries(session, trust(large_trust_id))
    assert [s.ects for s in three_view.schools] == [12, 5, 7]
    assert one_count == three_count, (one_count, three_count)
    # Every ECT here had a session in the last week of the data and a rehearsal waiting.
    assert all(r.awaiting_feedback == 1 for r in large_page.rows)
