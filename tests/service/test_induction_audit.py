"""The induction audit on a crafted history, with the clock pinned: dashboard values, overdue
reasons, the trust roll-up, CSV columns and query counts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from service.accounts import create_user
from service.errors import Forbidden, NotFound
from service.induction import dashboard as induction_dashboard, export, trust as induction_trust
from service.induction.dashboard import FormalState
from service.models import (
    ActionStep,
    ClipKind,
    Mentorship,
    Role,
    School,
    Strand,
    Trust,
)
from tests.factories import user
from tests.induction_history import (
    NORTHFIELD,
    NOW,
    TODAY,
    History,
    add_clip,
    add_comment,
    add_observation,
    add_session,
    at,
    build_history,
)
from tests.query_counter import QueryCounter


@pytest.fixture
def history(session, demo) -> History:
    return build_history(session)


def rows_by_email(dashboard) -> dict[str, induction_dashboard.EctRow]:
    return {row.ect_email: row for row in dashboard.rows}


def test_dashboard_values_and_overdue_reasons(session, history):
    dashboard = induction_dashboard.school_dashboard(
        session, history.coordinator, history.school.id, now=NOW
    )
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
        induction_dashboard.school_dashboard(
            session, history.coordinator, history.school.id, now=late
        )
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
        induction_dashboard.school_dashboard(
            session, history.coordinator, history.school.id, now=late
        )
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
        induction_dashboard.school_dashboard(
            session, history.coordinator, history.school.id, now=christmas
        )
    )["ect1@northfield.example"]
    assert row.half_term.label == "Spring 1 2026/27"
    assert row.term_days_since_session == 1
    assert row.reasons == []
    assert (row.sessions_this_half_term, row.sessions_expected) == (0, 1)


def test_sorting_puts_overdue_first_and_follows_a_column(session, history):
    rows = induction_dashboard.school_dashboard(
        session, history.coordinator, history.school.id, now=NOW
    ).rows
    ordered, sort = induction_dashboard.sort_rows(rows, None)
    assert sort == "overdue" and not ordered[-1].overdue
    ordered, sort = induction_dashboard.sort_rows(rows, "-awaiting")
    assert [r.awaiting_feedback for r in ordered] == [1, 1, 0]
    ordered, _ = induction_dashboard.sort_rows(rows, "session")
    assert [r.last_session for r in ordered] == [date(2026, 11, 4), date(2026, 11, 24), None]
    ordered, _ = induction_dashboard.sort_rows(rows, "-session")  # never coached stays last
    assert [r.last_session for r in ordered] == [date(2026, 11, 24), date(2026, 11, 4), None]
    assert induction_dashboard.sort_rows(rows, "drop table")[1] == "overdue"


def test_trust_view_rolls_schools_up(session, history):
    lead = user(session, "induction-lead@northfield-trust.example")
    view = induction_trust.trust_view(session, lead, history.school.trust_id, now=NOW)
    by_name = {s.school.name: s for s in view.schools}
    north = by_name[NORTHFIELD]
    assert (north.ects, north.overdue) == (3, 2)
    assert (north.sessions, north.sessions_expected) == (5, 8)
    assert (north.formal_done, north.formal_due) == (1, 2)
    assert north.awaiting_feedback == 2
    assert north.oldest_wait == NOW - at("2026-11-18", 8)
    assert by_name["Riverside Academy"].ects == 3
    with pytest.raises(Forbidden):
        induction_trust.trust_view(session, history.coordinator, history.school.trust_id, now=NOW)
    other = user(session, "coordinator@riverside.example")
    with pytest.raises(NotFound):
        induction_dashboard.school_dashboard(session, other, history.school.id, now=NOW)


def test_dashboard_csv_columns_and_a_row(session, history):
    dashboard = induction_dashboard.school_dashboard(
        session, history.coordinator, history.school.id, now=NOW
    )
    text = export.to_csv(export.dashboard_csv_rows(dashboard.rows))
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
    assert export.to_csv([["=SUM(A1)", "ok"]]) == "'=SUM(A1),ok\r\n"


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
        return lambda: induction_dashboard.school_dashboard(session, admin, school_id, now=NOW)

    def trust(trust_id):
        return lambda: induction_trust.trust_view(session, admin, trust_id, now=NOW)

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
