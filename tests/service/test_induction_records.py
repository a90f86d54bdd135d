"""The induction record behind the dashboard, on the same pinned history: the evidence pack,
the charts' data, pairing cadence, term dates and logging observations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from service.errors import Forbidden, InvalidInput, NotFound
from service.induction import cadence, charts as induction_charts, evidence, observations, scope
from service.induction.charts import CellState
from service.induction.dashboard import FormalState
from service.models import (
    Clip,
    HalfTerm,
    ObservationKind,
)
from tests.factories import user
from tests.induction_history import (
    NOW,
    TODAY,
    History,
    build_history,
    pairing_of,
)


@pytest.fixture
def history(session, demo) -> History:
    return build_history(session)


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
    changed = cadence.set_cadence(
        session, history.coordinator, pairing.id, induction_year=2, cadence_days=None
    )
    assert (changed.induction_year, changed.cadence_days) == (2, 14)
    # The form sends the current cadence back unchanged: the new year's default still applies.
    changed = cadence.set_cadence(
        session, history.coordinator, pairing.id, induction_year=1, cadence_days=14
    )
    assert (changed.induction_year, changed.cadence_days) == (1, 7)
    changed = cadence.set_cadence(
        session, history.coordinator, pairing.id, induction_year=2, cadence_days=None
    )
    changed = cadence.set_cadence(
        session, history.coordinator, pairing.id, induction_year=1, cadence_days=10
    )
    assert (changed.induction_year, changed.cadence_days) == (1, 10)
    with pytest.raises(InvalidInput, match="from 1 to 56"):
        cadence.set_cadence(
            session, history.coordinator, pairing.id, induction_year=None, cadence_days=0
        )
    with pytest.raises(NotFound):
        cadence.set_cadence(
            session,
            user(session, "coordinator@riverside.example"),
            pairing.id,
            induction_year=None,
            cadence_days=7,
        )


def test_terms_are_saved_whole_or_not_at_all(session, history):
    spans = [
        (t.starts_on, t.ends_on) for t in scope.school_calendar(session, history.school).year(2026)
    ]
    spans[0] = (date(2026, 9, 7), date(2026, 10, 16))
    view = cadence.save_terms(
        session, history.coordinator, history.school.id, 2026, spans, "Europe/London"
    )
    assert view.custom and view.half_terms[0].starts_on == date(2026, 9, 7)
    bad = list(spans)
    bad[2] = (date(2026, 12, 1), date(2027, 2, 12))  # overlaps autumn 2
    with pytest.raises(InvalidInput, match="Spring 1 must start after Autumn 2 ends"):
        cadence.save_terms(session, history.coordinator, history.school.id, 2026, bad, "UTC")
    with pytest.raises(InvalidInput, match="not a time zone"):
        cadence.save_terms(session, history.coordinator, history.school.id, 2026, spans, "Mars")
    session.expire_all()
    assert history.school.timezone == "Europe/London"
    stored = session.scalars(select(HalfTerm).where(HalfTerm.school_id == history.school.id))
    assert sorted(t.starts_on for t in stored)[0] == date(2026, 9, 7)
    view = cadence.reset_terms(session, history.coordinator, history.school.id, 2026)
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
